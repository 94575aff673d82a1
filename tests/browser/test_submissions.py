"""A participant writes a sketch, uploads a PDF with progress, is warned by the leak check, submits,
gets the receipt (page, e-mail, PDF), replaces it, and is refused after the deadline; the officer
sees all of it in the receipt log. axe-core checks every page."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from compete.core import time as clock_module
from compete.extensions import db
from compete.notifications.services import send_pending
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_officer, make_org, make_participant
from tests.factories_submissions import make_pdf

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.browser
def test_participant_submits_replaces_and_is_refused_after_the_deadline(
    live_server, page, clock, smtp_server, tmp_path
):
    clock.set(T0)
    smtp_server.clear()
    with live_server.app.app_context():
        from tests.factories import make_competition

        buyer = make_org(name="NAV Øst", buyer=True)
        make_officer(buyer, email="officer@ost.test", password=PASSWORD)
        _user, organisation = make_participant(email="grunder@startup.test", password=PASSWORD)
        organisation.name = "Spirekraft AS"
        competition = make_competition(buyer, slug="unge-ost")
        deadline = competition.stages[0].deadline_at
        db.session.commit()
    base = live_server.url

    log_in(page, base, "grunder@startup.test", PASSWORD)
    page.goto(f"{base}/competitions/unge-ost")
    assert_accessible(page)
    page.get_by_role("link", name="Skriv eller fortsett innleveringen").click()
    assert_accessible(page)
    page.check("input[name=category]")
    page.check("#confirm")
    page.get_by_role("button", name="Begynn å skrive").click()

    # Write, with the organisation's name in the text so the leak check has something to find.
    page.fill("#field_problem", "Unge faller ut. Spirekraft AS har sett det i mange år.")
    page.fill("#field_solution", "Mentorer fra arbeidslivet følger hver ungdom i seks måneder.")
    assert page.locator("#field_problem-count").inner_text() == "11 av 300 ord"
    assert_accessible(page)

    # The session expires while writing: after logging in again the text is back.
    form_url = page.url
    page.context.clear_cookies()
    page.reload()
    assert "/login" in page.url
    log_in(page, base, "grunder@startup.test", PASSWORD)
    page.goto(form_url)
    assert page.input_value("#field_solution") == "Mentorer fra arbeidslivet følger hver ungdom i seks måneder."
    assert "gjenopprettet" in page.locator("#autosave-status").inner_text()
    pdf_path = tmp_path / "skisse.pdf"
    pdf_path.write_bytes(make_pdf(text="Idéskisse om mentorer", author="Kari Nordmann"))
    page.set_input_files("#file_sketch", str(pdf_path))

    def slow(route):
        time.sleep(0.5)
        route.continue_()

    page.route(re.compile(r".*/submissions/\d+$"), slow)
    page.get_by_role("button", name="Lagre og gå videre til innsending").click()
    page.wait_for_selector(".upload-progress:not([hidden])")
    # The page is replaced by the server's answer to the upload (no navigation event).
    page.wait_for_url(re.compile(r".*/submit$"))
    page.locator("#leak-warnings").wait_for()
    page.unroute(re.compile(r".*/submissions/\d+$"))

    # The leak check warns; submitting needs an explicit confirmation.
    assert "«Spirekraft AS» står i Problem." in page.locator("#leak-warnings").inner_text()
    assert_accessible(page)
    page.check("#accept_warnings")
    page.get_by_role("button", name="Send inn").click()
    page.wait_for_url(re.compile(r".*/versions/1/receipt$"))
    receipt_text = page.locator("table").inner_text()
    assert "02.03.2026 kl.\u00a010.00" in receipt_text
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kvitteringen som PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    with live_server.app.app_context():
        send_pending()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Kvittering: Competition "
        + re.search(r"Competition (\d+)", smtp_server.messages[0]["Subject"]).group(1)
        + ", Idéskisse (versjon 1)"
    ]

    # Replace: a second version an hour later.
    clock.advance(timedelta(hours=1))
    page.get_by_role("link", name="Tilbake til innleveringen").click()
    page.fill("#field_problem", "Unge faller ut av skole og arbeid.")
    page.get_by_role("button", name="Lagre og gå videre til innsending").click()
    page.wait_for_url(re.compile(r".*/submit$"))
    page.get_by_role("button", name="Send inn").click()
    page.wait_for_url(re.compile(r".*/versions/2/receipt$"))

    # After the deadline every write is refused and logged.
    clock_module.freeze(deadline + timedelta(seconds=1))
    page.get_by_role("link", name="Tilbake til innleveringen").click()
    assert "Fasen er stengt. Ingenting kan endres." in page.content()
    submit_url = page.url + "/submit"
    page.goto(submit_url)
    page.get_by_role("button", name="Send inn").click()
    assert "Fristen er ute. Ingenting ble endret, og forsøket er logget." in page.content()

    # The officer sees both versions and the late attempt.
    page.context.clear_cookies()
    log_in(page, base, "officer@ost.test", PASSWORD)
    page.goto(f"{base}/manage/competitions/unge-ost/stages/1/receipts")
    log = page.locator("table").inner_text()
    assert "Sendt inn v1" in log and "Sendt inn v2" in log
    assert "For sent forsøk (submit) – avvist" in log
    assert_accessible(page)

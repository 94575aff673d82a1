"""The whole of "Unge på vei til jobb" in Chromium, on a controlled clock: the stage-1 decision from
the jury's locked ranking, letters to all 12 (read back from a real SMTP server), the standstill
blocking the agreements until it ends, three 50 000 kr awards paid, stage 2 only for the three,
the winner with 450 000 kr, the development contract with an outcome milestone verified by the
named verifier and paid, the public results page and the procurement protocol as PDF.

Stage 1's sketches, formal check and jury scoring are built with the services (their own browser
tests drive those pages); every step after the locked ranking goes through the pages, and axe-core
checks each page type on the way (WCAG 2.1 A/AA)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from compete.awards.models import StageAward
from compete.contracts.models import Contract
from compete.core.time import to_oslo
from compete.extensions import db
from compete.notifications.services import send_pending
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_officer
from tests.factories_e2e import T0, make_stage_one_ranked, rank_final_stage, submit_stage_two

PASSWORD = "correct horse battery"
NBSP = "\u00a0"


def _as(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email, PASSWORD)


def _flash(page) -> str:
    return page.locator("main").inner_text()


def _letters(smtp_server) -> list:
    return [m for m in smtp_server.messages if str(m["Subject"]).startswith("Tildelingsbeslutning")]


def _body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _awards(app, stage_position: int) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.scalars(select(StageAward).order_by(StageAward.id)).all()
        return [(a.id, a.organisation.name) for a in rows if a.stage.position == stage_position]


def _move_award_to_paid(
    page, base: str, slug: str, award_id: int, invoice: str, *, signed: bool = False, officer: str, treasurer: str
) -> None:
    """Agreement → deliverable → accepted → payment approved → paid, through the awards page; a
    second officer registers as paid what the first approved (four eyes, R37)."""
    for action in ("deliver", "accept") if signed else ("sign", "deliver", "accept"):
        page.locator(f"form[action$='/awards/{award_id}/{action}'] button").click()
        assert "Tildelingen ble oppdatert." in _flash(page), _flash(page)
    approve = page.locator(f"form[action$='/awards/{award_id}/approve']")
    approve.locator("input[name=invoice_reference]").fill(invoice)
    approve.locator("button").click()
    awards_url = page.url
    _as(page, base, treasurer)
    page.goto(awards_url)
    page.locator(f"form[action$='/awards/{award_id}/pay'] button").click()
    assert "Tildelingen ble oppdatert." in _flash(page)
    _as(page, base, officer)
    page.goto(awards_url)


@pytest.mark.browser
def test_unge_pa_vei_til_jobb_end_to_end(live_server, page, clock, smtp_server):
    clock.set(T0)
    smtp_server.clear()
    app = live_server.app
    with app.app_context():
        world = make_stage_one_ranked()
        slug = world.competition.slug
        officer = world.officer.email
        treasurer = make_officer(world.buyer, name="Kari Kasserer", password=PASSWORD).email
        verifier = world.verifier.email
        people = [(u.email, o.name, o.orgnr) for u, o in world.participants]
        db.session.commit()
        send_pending()  # receipts and the Q&A notice from the set-up
    smtp_server.clear()
    base = live_server.url
    manage = f"{base}/manage/competitions/{slug}"
    top3 = people[:3]

    # 1–2. The officer records the stage-1 decision: the jury's top three are proposed.
    clock.set(T0 + timedelta(days=20))
    _as(page, base, officer)
    page.goto(f"{manage}/stages/1/decision")
    assert page.locator("input[name=selected]").count() == 12
    assert page.locator("input[name=selected]:checked").count() == 3
    assert_accessible(page)
    page.click("form.form-stack button[type=submit]")
    assert page.url.endswith(f"{manage}/stages/1/notices".removeprefix(base))

    # 3. Preview of all 12 letters, then one send to everyone; the letters come out of SMTP.
    assert page.locator("section.ds-card").count() == 12
    assert_accessible(page)
    page.click("text=Send alle 12 brevene nå")
    assert page.locator("table tbody tr").count() == 12
    assert_accessible(page)
    with app.app_context():
        send_pending()
    letters = _letters(smtp_server)
    assert sorted(str(m["To"]) for m in letters) == sorted(email for email, _n, _o in people)
    by_recipient = {str(m["To"]): _body(m) for m in letters}
    for email, _name, _orgnr in top3:
        assert "har besluttet å velge ut bidraget deres til neste fase" in by_recipient[email]
        assert f"Dere får 50{NBSP}000{NBSP}kr" in by_recipient[email]
    for email, _name, _orgnr in people[3:]:
        assert "har ikke valgt ut bidraget deres til neste fase" in by_recipient[email]
        assert all(name in by_recipient[email] for _e, name, _o in top3)  # who was selected
    assert "Karenstiden er 10 kalenderdager" in by_recipient[people[5][0]]

    # 4. The standstill blocks the agreement; after it ends, signing works.
    stage1_awards = _awards(app, 1)
    assert sorted(name for _id, name in stage1_awards) == sorted(name for _e, name, _o in top3)
    page.goto(f"{manage}/awards")
    assert_accessible(page)
    first_award = stage1_awards[0][0]
    page.locator(f"form[action$='/awards/{first_award}/sign'] button").click()
    assert "Karenstiden varer til" in _flash(page)
    assert page.locator(f"form[action$='/awards/{first_award}/sign']").count() == 1  # still to sign
    clock.set(T0 + timedelta(days=31))

    # 5. The three 50 000 kr awards: the agreements are signed; with no entry in stage 2 yet there is
    # no deliverable to receive (R37).
    page.goto(f"{manage}/awards")
    assert "Karenstiden" not in _flash(page)
    for award_id, _name in stage1_awards:
        page.locator(f"form[action$='/awards/{award_id}/sign'] button").click()
        assert "Tildelingen ble oppdatert." in _flash(page), _flash(page)
    page.locator(f"form[action$='/awards/{first_award}/deliver'] button").click()
    assert "har ikke levert et bidrag i neste fase" in _flash(page)
    assert page.locator(f"form[action$='/awards/{first_award}/deliver']").count() == 1  # still to deliver

    # 6. Stage 2 opens only for the three.
    clock.set(T0 + timedelta(days=75))
    _as(page, base, people[3][0])
    page.goto(f"{base}/competitions/{slug}/stages/2/start")
    if page.locator("input[name=category]").count():
        page.check("input[name=category]")
    page.check("#confirm")
    page.get_by_role("button", name="Begynn å skrive").click()
    assert "Bare deltakere som ble valgt ut i forrige fase, kan delta i denne fasen." in _flash(page)
    assert_accessible(page)

    _as(page, base, top3[0][0])
    page.goto(f"{base}/competitions/{slug}/stages/2/start")
    if page.locator("input[name=category]").count():
        page.check("input[name=category]")
    page.check("#confirm")
    page.get_by_role("button", name="Begynn å skrive").click()
    page.fill("#field_problem", "Unge faller ut av skole og arbeid i overgangen etter videregående.")
    page.fill("#field_solution", "Mentorer fra arbeidslivet, prøvd ut med 20 unge i Oslo.")
    page.get_by_role("button", name="Lagre og gå videre til innsending").click()
    page.wait_for_url(re.compile(r".*/submit$"))
    if page.locator("#accept_warnings").count():
        page.check("#accept_warnings")
    page.get_by_role("button", name="Send inn").click()
    page.wait_for_url(re.compile(r".*/versions/1/receipt$"))
    assert_accessible(page)

    # 7. The final stage: the other two submit, the jury ranks (services); the officer picks the winner.
    with app.app_context():
        submit_stage_two(slug, [name for _e, name, _o in top3[1:]])
        db.session.commit()
    clock.set(T0 + timedelta(days=95))
    with app.app_context():
        rank_final_stage(slug, [name for _e, name, _o in top3])
        db.session.commit()
    clock.set(T0 + timedelta(days=96))
    smtp_server.clear()
    _as(page, base, officer)

    # The three stage-2 entries are the deliverables of the 50 000 kr awards: received, accepted, paid.
    page.goto(f"{manage}/awards")
    for number, (award_id, _name) in enumerate(stage1_awards, start=1):
        _move_award_to_paid(
            page, base, slug, award_id, f"F-2026-{number:02d}", signed=True, officer=officer, treasurer=treasurer
        )
    table = page.locator("table").inner_text()
    paid_on = to_oslo(clock.now()).strftime("%d.%m.%Y")
    for number, (_email, name, orgnr) in enumerate(top3, start=1):
        row = page.locator("tbody tr", has_text=name).inner_text()
        assert f"50{NBSP}000{NBSP}kr" in row and "i tide" in row
        assert f"Utbetalt {paid_on}, faktura F-2026-{number:02d}, godkjent av" in row
        assert orgnr in row.replace(" ", "")
    assert table.count("F-2026-0") == 3
    assert_accessible(page)

    page.goto(f"{manage}/stages/2/decision")
    assert page.locator("input[name=selected]:checked").count() == 1
    assert_accessible(page)
    page.click("form.form-stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/stages/2/notices$"))
    page.click("text=Send alle 3 brevene nå")
    assert page.locator("table tbody tr").count() == 3
    with app.app_context():
        send_pending()
    final_letters = {str(m["To"]): (str(m["Subject"]), _body(m)) for m in _letters(smtp_server)}
    assert sorted(final_letters) == sorted(email for email, _n, _o in top3)
    assert f"bidraget deres vinner. Dere får 450{NBSP}000{NBSP}kr" in final_letters[top3[0][0]][1]
    for email, _name, _orgnr in top3[1:]:
        assert "For bidraget deres avsluttes prosjektet her." in final_letters[email][1]

    winner_award = _awards(app, 2)
    assert [name for _id, name in winner_award] == [top3[0][1]]
    page.goto(f"{manage}/awards")
    page.locator(f"form[action$='/awards/{winner_award[0][0]}/sign'] button").click()
    assert "Karenstiden varer til" in _flash(page)
    clock.set(T0 + timedelta(days=107))
    page.goto(f"{manage}/awards")
    _move_award_to_paid(page, base, slug, winner_award[0][0], "F-2026-04", officer=officer, treasurer=treasurer)
    assert f"450{NBSP}000{NBSP}kr" in page.locator("tbody tr", has_text="vinner").inner_text()

    # 8. The development contract with one outcome milestone naming the verifier.
    clock.set(T0 + timedelta(days=108))
    signed_on = to_oslo(clock.now()).date()
    page.goto(f"{manage}/contract")
    assert_accessible(page)
    page.fill("input[name=ceiling]", "1 500 000")
    page.get_by_role("button", name=re.compile("kontrakt", re.I)).first.click()
    page.fill("textarea[name=definition]", "Ung person under 30 i arbeid eller utdanning 12 måneder etter oppstart")
    page.fill("textarea[name=target_cohort]", "Unge 18–29 år i avklaringstiltak hos NAV Oslo")
    page.fill("input[name=measure]", "Andel i arbeid eller utdanning")
    page.fill("input[name=threshold]", "Minst 50 % stilling i 3 sammenhengende måneder")
    page.fill("input[name=data_source]", "NAVs registerdata, aggregert")
    page.select_option("select[name=verifier]", label="Vera Verifikator (verifikator@ssb.test)")
    page.fill("input[name=window_from]", signed_on.isoformat())
    page.fill("input[name=window_to]", (signed_on + timedelta(days=365)).isoformat())
    page.fill("input[name=price_per_outcome]", "20 000")
    page.fill("input[name=cap]", "400 000")
    page.locator("form[action$='/contract/outcomes'] button[type=submit]").click()
    assert "Vera Verifikator" in _flash(page)
    page.fill("input[name=signed_on]", signed_on.isoformat())
    page.locator("form[action$='/contract/sign'] button[type=submit]").click()
    assert_accessible(page)
    with app.app_context():
        contract_id = db.session.scalars(select(Contract)).one().id

    # The observation window ends; the winner's member claims with aggregated evidence.
    clock.set(T0 + timedelta(days=108 + 380))
    _as(page, base, top3[0][0])
    page.goto(f"{base}/contracts")
    assert_accessible(page)
    page.goto(f"{base}/contracts/{contract_id}")
    claim_form = page.locator("form[action*='/claims']")
    claim_form.locator("input[name$=claimed_count]").fill("14")
    claim_form.locator("textarea[name$=statement]").fill("14 av 40 unge i kohorten var i arbeid eller utdanning.")
    claim_form.locator("input[type=file]").set_input_files(
        files=[{"name": "kohort.csv", "mimeType": "text/csv", "buffer": b"kohort,antall_i_arbeid\n2026,14\n"}]
    )
    claim_form.locator("button[type=submit]").click()
    assert_accessible(page)

    # The named verifier verifies 12 of the 14.
    _as(page, base, verifier)
    page.goto(f"{base}/verify")
    assert_accessible(page)
    page.locator("main a[href*='/verify/claims/']").first.click()
    assert_accessible(page)
    page.select_option("select[name=decision]", "verify")
    page.fill("input[name=verified_count]", "12")
    page.fill("textarea[name=note]", "Kontrollert mot registerdata.")
    page.get_by_role("button", name=re.compile("verifiser", re.I)).last.click()

    # The officer approves and records the payment: 12 × 20 000 = 240 000 kr, under the ceiling.
    _as(page, base, officer)
    page.goto(f"{manage}/contract")
    page.locator("form[action*='/claims/'][action$='/approve'] button").click()
    _as(page, base, treasurer)  # four eyes: another officer registers the payment
    page.goto(f"{manage}/contract")
    pay = page.locator("form[action*='/claims/'][action$='/pay']")
    pay.locator("input[name=invoice_reference]").fill("F-2027-01")
    pay.locator("input[name=paid_on]").fill(to_oslo(clock.now()).date().isoformat())
    pay.locator("button").click()
    text = _flash(page)
    assert f"240{NBSP}000{NBSP}kr" in text
    with app.app_context():
        from compete.contracts import queries as contract_queries

        contract = db.session.get(Contract, contract_id)
        totals = contract_queries.totals(contract)
        assert (totals.paid, totals.committed, totals.ceiling) == (240_000, 240_000, 1_500_000)

    # 9. The measured results, published and shown on the public results page.
    page.fill("textarea[name=summary]", "12 av 40 unge i arbeid eller utdanning etter 12 måneder (30 %).")
    page.locator("form[action$='/contract/results'] button").click()
    page.context.clear_cookies()
    page.goto(f"{base}/competitions/{slug}/results")
    results = page.locator("main").inner_text()
    for _email, name, _orgnr in top3:
        assert name in results
    assert f"3 × 50{NBSP}000{NBSP}kr" in results
    assert f"{top3[0][1]} – 450{NBSP}000{NBSP}kr" in results
    assert "12 av 40 unge i arbeid eller utdanning" in results
    assert people[5][1] not in results
    assert_accessible(page)

    # 10. The protocol as PDF lists it all.
    _as(page, base, officer)
    page.goto(f"{manage}/protocol")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som PDF").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(NBSP, " ")
    for heading in (
        "2. Versjoner av utlysningen",
        "3. Spørsmål og svar",
        "4. Mottakslogg",
        "6. Formell kontroll",
        "7. Habilitet",
        "9. Juryrapport",
        "10. Beslutninger",
        "11. Meldinger om beslutninger",
        "12. Klager",
        "13. Tildelinger og utbetalinger",
        "14. Utviklingskontrakt og resultatbasert betaling",
    ):
        assert f"\n{heading}\n" in text, heading  # the section itself, not only the contents
    assert "Versjoner av utlysningen (1)" in text
    assert "Kan vi samarbeide med en" in text and "Ja, som" in text
    assert "Mottakslogg – 1 / 15" in text  # 12 sketches and 3 stage-2 entries
    assert "Formell kontroll (15)" in text and "Kvalifisert" in text
    assert "Habilitet – 1 / 4" in text  # two jurors in each stage
    assert "Juryrapport – 1 / 2" in text
    assert "Beslutninger – 1 / 2" in text
    assert "Meldinger om beslutninger (15)" in text
    assert all(email in text for email, _n, _o in people)
    assert "12. Klager\nIngen registreringer." in text
    assert "Tildelinger og utbetalinger – 1 / 4" in text
    assert all(f"F-2026-0{n}" in text for n in range(1, 5)) and "F-2027-01" in text
    assert "Vera Verifikator" in text and "1 500 000 kr" in text and "240 000 kr" in text
    # Readable headings and codes, not the JSON's keys (fixed in the awards and contracts sections).
    for raw in ("decided at", "standstill ends at", "not_selected", "recipient orgnr", "committed 240000"):
        assert raw not in text, raw
    assert "Besluttet av" in text and "Meldinger sendt" in text and "Fasetildeling" in text

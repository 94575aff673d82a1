"""The officer's and participants' path through HTTP: decision → letters → sending (read back from
a real SMTP server) → complaint → response → awards → results; letters as PDF (R28, R31–R33, R37)."""

import csv
import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from compete.awards.models import Notice, StageAward
from compete.awards.states import AwardState
from compete.core.time import frozen_at
from compete.extensions import db
from compete.notifications.services import send_pending
from tests.factories_awards import decide_and_notify, make_ranked_stage, submit_deliverable, treasurer
from tests.factories_competitions import login_as


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_advisory_deviation_without_reasons_is_refused_on_the_page(client, app):
    world = make_ranked_stage(entries=4)
    db.session.commit()
    login_as(client, world.setup.officer, world.setup.buyer)
    url = f"/manage/competitions/{world.competition.slug}/stages/1/decision"
    page = _text(client.get(url))
    assert page.count("checked") == 3  # the jury's top three are proposed
    chosen = [str(e.id) for e in (world.entries[0], world.entries[1], world.entries[3])]
    refused = client.post(url, data={"selected": chosen})
    assert refused.status_code == 422
    assert "Utvelgelsen avviker fra juryens rangering" in _text(refused)
    accepted = client.post(url, data={"selected": chosen, "deviation_reasons": "Dekker distriktene."})
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == f"/manage/competitions/{world.competition.slug}/stages/1/notices"


def test_from_decision_to_paid_award_through_the_pages(client, app, smtp):
    world = make_ranked_stage(entries=4)
    world.entries[3].created_by.language = "nn"
    db.session.commit()
    slug = world.competition.slug
    login_as(client, world.setup.officer, world.setup.buyer)
    client.post(
        f"/manage/competitions/{slug}/stages/1/decision", data={"selected": [str(e.id) for e in world.entries[:3]]}
    )

    preview = _text(client.get(f"/manage/competitions/{slug}/stages/1/notices"))
    assert "Send alle 4 brevene nå" in preview
    assert preview.count("Tildelingsbeslutning: dere er valgt ut til neste fase") == 3

    sent = client.post(f"/manage/competitions/{slug}/stages/1/notices/send")
    assert sent.status_code == 302
    assert send_pending()[1] == 0
    letters = [m for m in smtp.messages if str(m["Subject"]).startswith(("Tildelingsbeslutning", "Tildelingsavgjerd"))]
    assert sorted(str(m["To"]) for m in letters) == sorted(e.created_by.email for e in world.entries)
    loser_mail = next(m for m in letters if str(m["To"]) == world.entries[3].created_by.email)
    body = loser_mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert str(loser_mail["Subject"]).startswith("Tildelingsavgjerd")  # nynorsk for this recipient
    assert "Oppdragsgivaren har ikkje valt ut bidraget dykkar til neste fase." in body
    assert world.entries[0].organisation.name in body
    assert "Karenstida er 10 kalenderdagar" in body

    notices = db.session.scalars(select(Notice).order_by(Notice.id)).all()
    table = _text(client.get(f"/manage/competitions/{slug}/stages/1/notices"))
    assert table.count("/notices/") >= 4 and "i utboksen" not in table  # every letter shows its send time

    winner, loser = world.entries[0], world.entries[3]
    notice = next(n for n in notices if n.submission_id == winner.id)
    login_as(client, winner.created_by, winner.organisation)
    pdf = client.get(f"/notices/{notice.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    # PDF/UA-1 (R46): tagged, marked, with the document's language and title shown to readers.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert str(catalog["/Lang"]).startswith("nb")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title.startswith("Tildelingsbeslutning")
    assert "Tildelingsbeslutning" in text and winner.organisation.name in text
    assert "50 000 kr" in text.replace("\u00a0", " ")

    login_as(client, loser.created_by, loser.organisation)
    complained = client.post(f"/competitions/{slug}/stages/1/complaint", data={"text": "Juryen så bort fra planen."})
    assert complained.headers["Location"] == "/my/decisions"
    mine = _text(client.get("/my/decisions"))
    assert "Ikkje vald ut" in mine  # this participant reads nynorsk

    login_as(client, world.setup.officer, world.setup.buyer)
    register = client.get(f"/manage/competitions/{slug}/complaints.csv")
    rows = list(csv.reader(io.StringIO(register.get_data(as_text=True))))
    assert rows[1][3:7] == [
        loser.organisation.name,
        loser.organisation.orgnr,
        loser.created_by.email,
        "Juryen så bort fra planen.",
    ]
    award = db.session.scalars(select(StageAward).where(StageAward.organisation_id == winner.organisation_id)).one()
    blocked = client.post(f"/manage/competitions/{slug}/awards/{award.id}/sign", follow_redirects=True)
    assert "Karenstiden varer til" in _text(blocked)
    db.session.refresh(award)
    assert award.state == AwardState.AWARDED

    complaint_id = rows[1][0]
    decision = notice.decision
    with frozen_at(decision.standstill_ends_at + timedelta(hours=1)):
        still = client.post(f"/manage/competitions/{slug}/awards/{award.id}/sign", follow_redirects=True)
        assert "En klage på beslutningen venter på svar" in _text(still)
        client.post(
            f"/manage/competitions/{slug}/complaints/{complaint_id}/response", data={"response": "Planen ble vurdert."}
        )
        client.post(f"/manage/competitions/{slug}/awards/{award.id}/sign")
        refused = client.post(f"/manage/competitions/{slug}/awards/{award.id}/deliver", follow_redirects=True)
        assert "har ikke levert et bidrag i neste fase" in _text(refused)  # no deliverable yet (R37)
        db.session.refresh(award)
        assert award.state == AwardState.AGREEMENT_SIGNED
        submit_deliverable(world, award)
        db.session.commit()
        for action in ("deliver", "accept"):
            client.post(f"/manage/competitions/{slug}/awards/{award.id}/{action}")
        client.post(f"/manage/competitions/{slug}/awards/{award.id}/approve", data={"invoice_reference": "F-2026-11"})
        refused = client.post(f"/manage/competitions/{slug}/awards/{award.id}/pay", follow_redirects=True)
        assert "en annen saksbehandler må registrere den som betalt" in _text(refused)  # four eyes (R37)
        db.session.refresh(award)
        assert award.state == AwardState.PAYMENT_APPROVED
        login_as(client, treasurer(world).user, world.setup.buyer)
        client.post(f"/manage/competitions/{slug}/awards/{award.id}/pay")
        page = _text(client.get(f"/manage/competitions/{slug}/awards"))
    db.session.refresh(award)
    assert award.state == AwardState.PAID and award.invoice_reference == "F-2026-11"
    assert "F-2026-11" in page and "50\u00a0000\u00a0kr" in page

    results = _text(client.get(f"/competitions/{slug}/results"))
    assert "Tildelinger: 3 × 50\u00a0000\u00a0kr." in results
    assert all(e.organisation.name in results for e in world.entries[:3])
    assert loser.organisation.name not in results
    assert f"/competitions/{slug}/results" in _text(client.get(f"/competitions/{slug}"))


def test_complaint_after_the_standstill_is_refused_with_a_clear_message(client, app):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    db.session.commit()
    loser = world.entries[3]
    login_as(client, loser.created_by, loser.organisation)
    with frozen_at(decision.standstill_ends_at + timedelta(seconds=1)):
        page = client.get(f"/competitions/{world.competition.slug}/stages/1/complaint")
        refused = client.post(f"/competitions/{world.competition.slug}/stages/1/complaint", data={"text": "Sent"})
    assert "Klager kan ikke lenger registreres her." in _text(page)
    assert refused.status_code == 422
    assert "Karenstiden sluttet" in _text(refused)
    assert decision.complaints == []


def test_complaint_register_csv_neutralises_spreadsheet_formulas(client, app):
    from compete.awards import services

    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    texts = [
        '=HYPERLINK("http://evil.test","klikk")',
        "+47 1234",
        "-2+3",
        "@SUM(A1)",
        "=cmd|' /C calc'!A0",
        "Vanlig tekst",
    ]
    for text in texts:
        services.register_complaint(decision, loser.created_by, loser.organisation, text)
    db.session.commit()
    login_as(client, world.setup.officer, world.setup.buyer)
    register = client.get(f"/manage/competitions/{world.competition.slug}/complaints.csv")
    rows = list(csv.reader(io.StringIO(register.get_data(as_text=True))))
    assert [row[6] for row in rows[1:]] == ["'" + t for t in texts[:-1]] + ["Vanlig tekst"]
    assert all(not row[6].startswith(("=", "+", "-", "@", "\t")) for row in rows[1:])


def _accessible_names(html: str, tag: str, contains: str) -> list[str]:
    """The text content (hidden helper text included) of every `tag` element whose markup has `contains`."""
    found = re.findall(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", body).split()) for attrs, body in found if contains in attrs + body]


def test_repeated_buttons_and_letter_links_have_unique_names_for_screen_readers(client, app):
    """R46: "Les", "PDF" and the award buttons repeat on every row; hidden text tells them apart."""
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    db.session.commit()
    slug = world.competition.slug
    login_as(client, world.setup.officer, world.setup.buyer)
    notices = _text(client.get(f"/manage/competitions/{slug}/stages/1/notices"))
    links = _accessible_names(notices, "a", "/notices/")
    assert len(links) == 8 and len(set(links)) == 8
    assert f"PDF – {world.entries[0].organisation.name}" in links
    with frozen_at(decision.standstill_ends_at + timedelta(hours=1)):
        awards = _text(client.get(f"/manage/competitions/{slug}/awards"))
    buttons = _accessible_names(awards, "button", "Avtale signert")
    assert len(buttons) == 3 and len(set(buttons)) == 3
    assert all(e.organisation.name in " ".join(buttons) for e in world.entries[:3])
    login_as(client, world.entries[0].created_by, world.entries[0].organisation)
    mine = _accessible_names(_text(client.get("/my/decisions")), "a", "/notices/")
    assert len(mine) == 2 and all(world.entries[0].organisation.name in name for name in mine)

"""Submissions through the HTTP layer: the whole participant flow, refusals, officers' pages."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.extensions import db
from compete.notifications.services import send_pending
from compete.submissions.models import LateAttempt, Submission, SubmissionStatus
from tests.factories_competitions import login_as
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup, make_submitted

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    s = make_setup()
    db.session.commit()
    return s


def _edit_data(**extra):
    return {"field_problem": GOOD_CONTENT["problem"], "field_solution": GOOD_CONTENT["solution"], **extra}


def test_participant_writes_uploads_submits_and_gets_a_receipt(client, setup, smtp):
    login_as(client, setup.user, setup.organisation)
    start = client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()
    assert start.headers["Location"] == f"/submissions/{submission.id}"

    pdf = make_pdf()
    saved = client.post(
        f"/submissions/{submission.id}",
        data={**_edit_data(), "file_sketch": (io.BytesIO(pdf), "skisse.pdf"), "action": "submit"},
        content_type="multipart/form-data",
    )
    assert saved.headers["Location"] == f"/submissions/{submission.id}/submit"

    page = client.get(f"/submissions/{submission.id}/submit").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    done = client.post(f"/submissions/{submission.id}/submit", data={"idempotency_key": key})
    again = client.post(f"/submissions/{submission.id}/submit", data={"idempotency_key": key})

    assert done.headers["Location"] == f"/submissions/{submission.id}/versions/1/receipt"
    assert again.headers["Location"] == done.headers["Location"]
    db.session.refresh(submission)
    assert (submission.status, len(submission.versions)) == (SubmissionStatus.SUBMITTED, 1)
    receipt = client.get(done.headers["Location"]).get_data(as_text=True)
    assert submission.current_version.content_sha256 in receipt
    assert submission.current_version.attachments[0].sha256 in receipt
    pdf_response = client.get(f"/submissions/{submission.id}/versions/1/receipt.pdf")
    assert pdf_response.mimetype == "application/pdf"
    assert pdf_response.data.startswith(b"%PDF-")

    send_pending()
    assert [m["To"] for m in smtp.messages] == [setup.user.email]
    assert smtp.messages[0]["Subject"].startswith("Kvittering: ")


def test_late_submit_is_refused_with_a_clear_message_and_logged(client, setup, clock):
    submission = make_submitted(setup)
    db.session.commit()
    login_as(client, setup.user, setup.organisation)
    clock.set(setup.stage.deadline_at + timedelta(seconds=1))

    response = client.post(
        f"/submissions/{submission.id}/submit", data={"idempotency_key": "late"}, follow_redirects=True
    )

    assert "Fristen er ute. Ingenting ble endret, og forsøket er logget." in response.get_data(as_text=True)
    assert [a.action for a in db.session.scalars(select(LateAttempt))] == ["submit"]
    assert len(submission.versions) == 1


def test_wrong_file_keeps_the_draft(client, setup):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()

    response = client.post(
        f"/submissions/{submission.id}",
        data={**_edit_data(), "file_sketch": (io.BytesIO(b"GIF89a..."), "skisse.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert "Innholdet i filen er ikke en tillatt type (PDF)." in html
    assert "Resten av utkastet ble lagret, men ikke filen skisse.pdf." in html
    assert "Ingenting ble endret" not in html
    db.session.refresh(submission)
    assert submission.draft_content == GOOD_CONTENT
    assert GOOD_CONTENT["problem"] in html


def test_autosave_saves_json_and_refuses_after_deadline(client, setup, clock):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()

    ok = client.post(f"/submissions/{submission.id}/autosave", json={"content": {"problem": "Halvferdig"}})
    assert ok.get_json() == {"saved_at": "2026-03-01T11:00:00Z", "message": "Utkastet er lagret"}
    clock.set(setup.stage.deadline_at)
    late = client.post(f"/submissions/{submission.id}/autosave", json={"content": {"problem": "For sent"}})
    assert late.status_code == 409
    db.session.refresh(submission)
    assert submission.draft_content == {"problem": "Halvferdig"}


def test_leak_warning_must_be_confirmed(client, setup):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()
    client.post(
        f"/submissions/{submission.id}",
        data={"field_problem": f"Vi er {setup.organisation.name}.", "field_solution": "x"},
    )

    page = client.get(f"/submissions/{submission.id}/submit").get_data(as_text=True)
    assert f"«{setup.organisation.name}» står i Problem." in page
    refused = client.post(f"/submissions/{submission.id}/submit", data={"idempotency_key": "a"})
    assert refused.status_code == 200
    accepted = client.post(
        f"/submissions/{submission.id}/submit", data={"idempotency_key": "a", "accept_warnings": "y"}
    )
    assert accepted.headers["Location"] == f"/submissions/{submission.id}/versions/1/receipt"


def test_receipt_log_shows_versions_and_late_attempts_and_exports_csv(client, setup, clock):
    make_submitted(setup)
    clock.set(setup.stage.deadline_at + timedelta(seconds=5))
    from compete.submissions import services

    services.record_late_attempt(setup.stage, setup.user, setup.organisation, "submit", uploads=[("x.pdf", b"%PDF")])
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)

    html = client.get(f"/manage/competitions/{setup.competition.slug}/stages/1/receipts").get_data(as_text=True)
    csv_text = client.get(f"/manage/competitions/{setup.competition.slug}/stages/1/receipts.csv").get_data(as_text=True)

    assert "Sendt inn v1" in html
    assert "For sent forsøk (submit) – avvist" in html
    lines = csv_text.strip().splitlines()
    assert lines[0] == "time_utc,event,code,organisation,orgnr,person,detail,sha256"
    assert [line.split(",")[1] for line in lines[1:]] == ["submitted", "late"]
    assert lines[2].startswith("2026-03-15T11:00:05Z,late,")


def test_dashboard_lists_own_submissions(client, setup):
    make_submitted(setup)
    db.session.commit()
    login_as(client, setup.user, setup.organisation)
    html = client.get("/my/submissions").get_data(as_text=True)
    assert f"{setup.competition.title} – {setup.stage.name}" in html
    assert "v1" in html


def test_autosave_after_the_session_expired_answers_401_in_json_and_keeps_the_draft(client, setup):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()
    client.post(f"/submissions/{submission.id}/autosave", json={"content": {"problem": "Lagret"}})
    with client.session_transaction() as session:
        session.clear()
    expired = client.post(f"/submissions/{submission.id}/autosave", json={"content": {"problem": "Etter utløp"}})
    assert expired.status_code == 401
    assert "kept in this browser" in expired.get_json()["error"] or "nettleseren" in expired.get_json()["error"]
    page = client.get(f"/submissions/{submission.id}")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    db.session.refresh(submission)
    assert submission.draft_content == {"problem": "Lagret"}

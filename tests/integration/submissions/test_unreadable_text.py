"""A PDF whose text cannot be read within the bounds (compete/submissions/pdftext.py): the confirm
page still answers, and says in the participant's language that the file could not be checked
for names (R19), instead of running for minutes or saying nothing."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from compete.extensions import db
from compete.submissions import pdftext
from compete.submissions.models import Submission
from tests.factories_competitions import login_as
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_pdf_bomb, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def setup(app, clock, monkeypatch):
    monkeypatch.setattr(pdftext, "CPU_SECONDS", 1)
    clock.set(T0)
    s = make_setup()
    db.session.commit()
    return s


def _upload(client, setup, pdf):
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission_id = db.session.scalars(select(Submission.id)).one()
    saved = client.post(
        f"/submissions/{submission_id}",
        data={
            "field_problem": GOOD_CONTENT["problem"],
            "field_solution": GOOD_CONTENT["solution"],
            "file_sketch": (io.BytesIO(pdf), "skisse.pdf"),
            "action": "submit",
        },
        content_type="multipart/form-data",
    )
    assert saved.headers["Location"] == f"/submissions/{submission_id}/submit"
    return submission_id


def test_the_confirm_page_says_a_file_could_not_be_checked(client, setup):
    login_as(client, setup.user, setup.organisation)
    submission_id = _upload(client, setup, make_pdf_bomb())
    page = client.get(f"/submissions/{submission_id}/submit")
    assert page.status_code == 200
    assert (
        "skisse.pdf kunne ikke leses for å sjekke den for navn (den er for stor eller sammensatt). Sjekk den selv."
        in page.get_data(as_text=True)
    )


def test_a_readable_file_is_still_checked_for_names(client, setup):
    login_as(client, setup.user, setup.organisation)
    submission_id = _upload(client, setup, make_pdf(text=f"Kontakt {setup.user.email}"))
    html = client.get(f"/submissions/{submission_id}/submit").get_data(as_text=True)
    assert f"«{setup.user.email}» står i skisse.pdf." in html
    assert "kunne ikke leses" not in html

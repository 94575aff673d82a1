"""Through the form: a zip bomb or an unreadable PDF is a form error in the user's language; the draft is
kept and nothing is stored (R18, R19)."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from compete.extensions import db
from compete.submissions.models import Attachment, Submission
from tests.factories_competitions import login_as
from tests.factories_submissions import GOOD_CONTENT, make_setup
from tests.unit.submissions.test_upload_bounds import make_bomb

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    s = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    s.stage.file_slots[0].allowed_types = "pdf,docx"
    s.stage.file_slots[0].max_mb = 25
    db.session.commit()
    return s


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "skisse.docx",
            lambda: make_bomb(200),
            "Filen pakkes ut til langt mer enn størrelsen sin (et komprimert arkiv som er for stort eller "
            "mistenkelig).",
        ),
        (
            "skisse.pdf",
            lambda: b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n",
            "Filen er skadet eller kunne ikke leses.",
        ),
    ],
    ids=["zip-bomb", "pdf-html-polyglot"],
)
def test_a_refused_file_is_a_form_error_and_the_draft_is_kept(client, app, setup, name, data, message):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()
    upload_dir = Path(app.config["UPLOAD_DIR"])
    before = sorted(upload_dir.rglob("*"))

    saved = client.post(
        f"/submissions/{submission.id}",
        data={**GOOD_CONTENT_FORM, "file_sketch": (io.BytesIO(data()), name)},
        content_type="multipart/form-data",
    )
    page = client.get(saved.headers["Location"]).get_data(as_text=True)

    assert saved.status_code == 302
    assert message in page
    # The same save kept the text: the page says so, and not that nothing was changed.
    assert f"Resten av utkastet ble lagret, men ikke filen {name}." in page
    assert "Ingenting ble endret" not in page
    db.session.refresh(submission)
    assert submission.draft_content == GOOD_CONTENT
    assert db.session.scalars(select(Attachment)).all() == []
    assert sorted(upload_dir.rglob("*")) == before


GOOD_CONTENT_FORM = {f"field_{key}": value for key, value in GOOD_CONTENT.items()}

"""The demo's finished competition holds an innsyn request answered with a redacted package (R44)."""

import io
import zipfile

from sqlalchemy import select

from compete.awards.demo_finished import STAGE2_TEXT
from compete.extensions import db
from compete.innsyn.demo import REASON
from compete.innsyn.models import InnsynRequest, InnsynStatus
from compete.jury.demo import FINISHED_SLUG
from compete.storage.backends import get_storage


def test_the_finished_competition_has_an_answered_innsyn_request(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0

    (request,) = db.session.scalars(select(InnsynRequest)).all()
    with zipfile.ZipFile(io.BytesIO(get_storage().read(request.package_key))) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".txt")).decode()

    assert (request.competition.slug, request.status) == (FINISHED_SLUG, InnsynStatus.RELEASED)
    assert [(r.target, r.reason) for r in request.redactions] == [("field:team", REASON)] * 3
    assert request.released_at > request.received_at
    assert STAGE2_TEXT["team"] not in text
    assert text.count(f"[Sladdet: {REASON}]") == 3
    assert STAGE2_TEXT["problem"] in text

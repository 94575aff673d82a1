"""Generated PDFs are tagged (PDF/UA-1) so that screen readers can follow them (R46): the jury
report, the procurement protocol and the submission receipt; their text still extracts."""

import io

import pypdf
import pytest

from compete.extensions import db
from tests.factories_competitions import login_as
from tests.factories_jury import make_scored_stage


def _tagged(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    return "".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def world(app):
    setup, _officer, entries, _seats = make_scored_stage(entries=2, jurors=2, conflict=False)
    db.session.commit()
    return setup, entries


def test_jury_report_protocol_and_receipt_are_tagged(client, world):
    setup, entries = world
    login_as(client, setup.officer, setup.buyer)
    report = client.get(f"/jury/stages/{setup.stage.id}/report.pdf")
    assert report.status_code == 200
    assert entries[0].code in _tagged(report.data)
    protocol = client.get(f"/manage/competitions/{setup.competition.slug}/protocol.pdf")
    assert protocol.status_code == 200
    assert setup.competition.title[:10] in _tagged(protocol.data)
    login_as(client, setup.user, setup.organisation)
    receipt = client.get(f"/submissions/{entries[0].id}/versions/1/receipt.pdf")
    assert receipt.status_code == 200
    assert entries[0].code in _tagged(receipt.data)

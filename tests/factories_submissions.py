"""Factories for submissions: participants with an open stage, PDFs with text and metadata."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from compete.accounts.models import Organisation, User
from compete.competitions.models import Competition, CompetitionStaff, Stage
from compete.extensions import db
from compete.submissions import services
from compete.submissions.models import Submission
from tests.factories import make_competition, make_officer, make_org, make_participant, make_user


def make_pdf(
    text: str = "Idéskisse: læring på arbeidsplassen", *, author: str = "Kari Nordmann", title: str = "Skisse"
) -> bytes:
    """A real one-page PDF with text and author/title metadata (WeasyPrint)."""
    from weasyprint import HTML

    html = (
        f'<html><head><meta charset="utf-8"><title>{title}</title><meta name="author" content="{author}">'
        f"</head><body><p>{text}</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def make_pdf_bomb(*, calls: int = 200_000, form_kb: int = 10) -> bytes:
    """A valid one-page PDF of a few KB whose page draws a 10 KB text form `calls` times: every text
    extractor runs each call (200 000 × 10 KB of operators), so reading it has no useful end."""
    page_content = zlib.compress(b"q /Fm1 Do Q\n" * calls, 9)
    form = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hei) Tj ET\n" * (form_kb * 1024 // 36), 9)
    font = b"<< /F1 3 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font "
        + font
        + b" /XObject << /Fm1 6 0 R >> >> >>",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(page_content) + page_content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font "
        + font
        + b" >> /Filter /FlateDecode /Length %d >>\nstream\n" % len(form)
        + form
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(text: str = "Løsningen", *, creator: str = "Kari Nordmann", company: str = "Hemmelig AS") -> bytes:
    """A minimal Word file with core and app properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f"<w:document><w:body><w:p><w:t>{text}</w:t></w:p></w:body></w:document>")
        archive.writestr(
            "docProps/core.xml",
            f'<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>{creator}</dc:creator>'
            "<dc:title>Skisse</dc:title><cp:lastModifiedBy>Ola</cp:lastModifiedBy></cp:coreProperties>",
        )
        archive.writestr("docProps/app.xml", f"<Properties><Company>{company}</Company></Properties>")
    return out.getvalue()


@dataclass
class Setup:
    competition: Competition
    stage: Stage
    officer: User
    buyer: Organisation
    user: User
    organisation: Organisation
    functionary: User


def make_setup(**competition_kwargs) -> Setup:
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer, **competition_kwargs)
    user, organisation = make_participant()
    functionary = make_user()
    db.session.add(CompetitionStaff(competition=competition, user=functionary, role="functionary"))
    db.session.flush()
    return Setup(competition, competition.stages[0], officer, buyer, user, organisation, functionary)


GOOD_CONTENT = {"problem": "Unge faller ut av skolen.", "solution": "Mentorer fra arbeidslivet følger dem opp."}


def make_submitted(
    setup: Setup,
    *,
    user: User | None = None,
    organisation: Organisation | None = None,
    content: dict | None = None,
    key: str | None = None,
) -> Submission:
    user = user or setup.user
    organisation = organisation or setup.organisation
    submission = services.start_submission(setup.stage, user, organisation, "")
    services.save_draft(submission, user, content or GOOD_CONTENT)
    services.submit(submission, user, key or f"key-{submission.id}-{len(submission.versions)}")
    return submission

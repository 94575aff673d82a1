"""A decision letter as a PDF, rendered with WeasyPrint from the letter as it was sent (R31)."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from compete.awards.services import hydrate


def letter_pdf(notice) -> bytes:
    """The notice's letter in the language it was sent in."""
    from weasyprint import HTML

    with force_locale(notice.language):
        html = render_template(
            "awards/letter_pdf.html", notice=notice, letter=hydrate(notice.letter), lang=notice.language
        )
    # PDF/UA-1: tagged structure, document title and language for screen readers (R46).
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")

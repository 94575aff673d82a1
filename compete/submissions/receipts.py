"""The receipt as a PDF (R17), rendered with WeasyPrint from the same data as the receipt page."""

from __future__ import annotations

from flask import render_template


def receipt_pdf(submission, version) -> bytes:
    from weasyprint import HTML

    from compete.submissions.services import receipt_for

    html = render_template(
        "submissions/receipt_pdf.html", submission=submission, version=version, receipt=receipt_for(version)
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")  # tagged for screen readers (R46)

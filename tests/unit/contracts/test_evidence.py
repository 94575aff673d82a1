"""R50: evidence that looks like personal data is refused."""

import io
import zipfile

import pytest

from compete.contracts import evidence

# Valid fødselsnummer/D-number test values (mod-11 control digits) and near misses.
VALID_IDS = ["01010150074", "15076500565", "41010150068"]  # 41… is a D-number
INVALID_IDS = ["01010150307", "12345678901", "00000000001"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_national_ids_are_recognised(number):
    assert evidence.is_national_id(number) is True


@pytest.mark.parametrize("number", INVALID_IDS)
def test_wrong_control_digits_are_not_ids(number):
    assert evidence.is_national_id(number) is False


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("37 av 60 deltakere var i arbeid eller utdanning etter 12 måneder.", []),
        ("Deltaker 01010150074 er i jobb.", ["national_id"]),
        ("Deltaker 010101 50074 er i jobb.", ["national_id"]),
        ("Kontakt kari.nordmann@example.no for detaljer.", ["email"]),
        ("Saksnummer 12345678901 og org.nr. 974760673.", []),
        ("Beløp 1 234 567 kr, 2026-03-01.", []),
    ],
)
def test_personal_data_found(text, found):
    assert evidence.personal_data_found(text) == found


def test_types_are_detected_by_content():
    assert evidence.detect_evidence_type(b"kommune;antall\nOslo;37\n") == "csv"
    assert evidence.detect_evidence_type("Oppsummering: 37 i arbeid – målt ærlig".encode()) == "txt"
    assert evidence.detect_evidence_type(b"\x00\x01binary") is None
    assert evidence.detect_evidence_type(b"%PDF-1.7 ...") == "pdf"


def test_text_of_a_spreadsheet_is_checked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>15076500565</t></si></sst>")
    data = out.getvalue()
    assert evidence.detect_evidence_type(data) == "xlsx"
    assert evidence.personal_data_found(evidence.evidence_text(data, "xlsx")) == ["national_id"]


def test_a_pdf_that_cannot_be_read_within_the_bounds_is_refused(app, monkeypatch):
    """Evidence that cannot be checked for personal data is not taken unchecked."""
    from compete.core.errors import DomainError
    from compete.submissions import pdftext
    from tests.factories_submissions import make_pdf, make_pdf_bomb

    monkeypatch.setattr(pdftext, "CPU_SECONDS", 1)
    with pytest.raises(DomainError) as refused:
        evidence.evidence_text(make_pdf_bomb(), "pdf")
    assert refused.value.code == "unreadable"
    assert str(refused.value.message) == (
        "Dokumentasjonsfilen kunne ikke leses for å sjekke den for personopplysninger "
        "(den er for stor eller sammensatt)."
    )
    text = evidence.evidence_text(make_pdf(text="Deltaker 01010150074 er i jobb."), "pdf")
    assert evidence.personal_data_found(text) == ["national_id"]

"""Norwegian organisation numbers (R8) and foreign registrations (R11)."""

import re

from stdnum.no import orgnr as stdnum_orgnr


class InvalidOrgnr(ValueError):
    pass


def normalise_orgnr(raw: str) -> str:
    """Strip spaces, dots and a "NO … MVA" wrapper; return the 9 digits or raise."""
    text = re.sub(r"[\s.\u00a0-]", "", (raw or "").upper())
    if text.startswith("NO"):
        text = text[2:]
    if text.endswith("MVA"):
        text = text[:-3]
    if not re.fullmatch(r"\d{9}", text):
        raise InvalidOrgnr("An organisation number has 9 digits.")
    if not orgnr_checksum_ok(text):
        raise InvalidOrgnr("The organisation number's check digit is wrong.")
    return text


def orgnr_checksum_ok(digits: str) -> bool:
    """Exactly 9 digits whose MOD11 check digit (weights 3,2,7,6,5,4,3,2) is right, by python-stdnum."""
    return bool(re.fullmatch(r"\d{9}", digits or "")) and stdnum_orgnr.is_valid(digits)


def normalise_foreign_registration(raw: str) -> str:
    text = re.sub(r"\s+", " ", (raw or "").strip())
    if not (3 <= len(text) <= 40) or not re.fullmatch(r"[A-Za-z0-9 ./-]+", text):
        raise InvalidOrgnr("A foreign registration number has 3–40 letters, digits, spaces, dots, slashes or dashes.")
    return text.upper()

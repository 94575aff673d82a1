"""Code checks and choice lists for the notices: CPV codes with their check digit, NUTS codes for Norway,
and the eForms codes for the buyer's legal type and main activity."""

from __future__ import annotations

import re

from compete.core.i18n import lazy_gettext as _l

CPV_RE = re.compile(r"^(\d{8})(?:-(\d))?$")
CPV_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7)
# NUTS 2024 level-3 areas of Norway (the eForms rules accept level 3 only); "NO0" stands for the whole
# country and is sent as the region "anywhere in the country" (anyw-cou).
WHOLE_COUNTRY = "NO0"
NUTS_NAMES = {
    WHOLE_COUNTRY: "Hele landet",
    "NO081": "Oslo",
    "NO083": "Akershus",
    "NO084": "Buskerud",
    "NO085": "Østfold",
    "NO020": "Innlandet",
    "NO093": "Vestfold",
    "NO094": "Telemark",
    "NO092": "Agder",
    "NO0A1": "Rogaland",
    "NO0A2": "Vestland",
    "NO0A3": "Møre og Romsdal",
    "NO060": "Trøndelag",
    "NO071": "Nordland",
    "NO072": "Troms",
    "NO073": "Finnmark",
    "NO0B1": "Jan Mayen",
    "NO0B2": "Svalbard",
}

BUYER_LEGAL_TYPES = [
    ("cga", _l("Central government authority")),
    ("ra", _l("Regional authority")),
    ("la", _l("Local authority")),
    ("body-pl", _l("Body governed by public law")),
    ("pub-undert", _l("Public undertaking")),
]
BUYER_ACTIVITIES = [
    ("gen-pub", _l("General public services")),
    ("soc-pro", _l("Social protection")),
    ("health", _l("Health")),
    ("education", _l("Education")),
    ("econ-aff", _l("Economic affairs")),
    ("env-pro", _l("Environmental protection")),
    ("hc-am", _l("Housing and community amenities")),
    ("rcr", _l("Recreation, culture and religion")),
    ("pub-os", _l("Public order and safety")),
    ("defence", _l("Defence")),
]


def cpv_check_digit(code: str) -> int:
    """The CPV check digit of an eight-digit code (weights 3, 7, 1 repeated, modulo 10)."""
    return sum(int(d) * w for d, w in zip(code, CPV_WEIGHTS, strict=True)) % 10


def cpv_ok(value: str) -> bool:
    """True for "73000000-2": eight digits, a dash and the right check digit (see `normal_cpv`)."""
    match = CPV_RE.match(value)
    return bool(match and match.group(2)) and cpv_check_digit(match.group(1)) == int(match.group(2))


def normal_cpv(value: str) -> str | None:
    """ "73000000-2" or "73000000" → "73000000-2"; None for a wrong format or a wrong check digit.

    The Publications Office notes that a few codes in the 2008 list carry a check digit that does not
    follow the published rule (e.g. 03300000-2), and only the eight digits go into the notice: so the
    officer may also type the eight digits alone, and the error names the digit the rule gives."""
    match = CPV_RE.match(value)
    if not match:
        return None
    digit = cpv_check_digit(match.group(1))
    if match.group(2) is not None and int(match.group(2)) != digit:
        return None
    return f"{match.group(1)}-{digit}"


def parse_cpv_list(text: str) -> list[str]:
    """Split what the officer typed (spaces, commas or new lines) into codes, keeping the order, without repeats."""
    codes: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        if part and part not in codes:
            codes.append(part)
    return codes


def nuts_ok(value: str) -> bool:
    return value in NUTS_NAMES


# ISO 3166 alpha-2 → alpha-3 for the EEA and the countries participants most often come from.
EEA = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "ES": "ESP", "FI": "FIN", "FR": "FRA", "GR": "GRC", "HR": "HRV", "HU": "HUN", "IE": "IRL", "IS": "ISL",
    "IT": "ITA", "LI": "LIE", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "NO": "NOR",
    "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK",
}  # fmt: skip
OTHER = {"GB": "GBR", "CH": "CHE", "US": "USA", "CA": "CAN", "UA": "UKR", "IN": "IND", "CN": "CHN", "JP": "JPN"}


def is_eea(alpha2: str) -> bool:
    return (alpha2 or "").upper() in EEA


def alpha3(alpha2: str) -> str:
    code = (alpha2 or "NO").upper()
    return EEA.get(code) or OTHER.get(code) or code

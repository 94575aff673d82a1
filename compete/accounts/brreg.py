"""Enhetsregisteret (the Brønnøysund Register Centre's register of legal entities): look up one unit.

`GET {BRREG_BASE_URL}/enheter/{orgnr}` answers 200 with the unit's JSON, 410 Gone with `slettedato`
for a deleted unit, and 404 for a number that was never registered. An empty BRREG_BASE_URL turns the
lookup off (the test configuration); a register that does not answer within BRREG_TIMEOUT_SECONDS, or
answers something else, is "unavailable", and the organisation is registered unverified.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass
from datetime import date
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from flask import current_app

log = logging.getLogger(__name__)


class RegisterState(enum.StrEnum):
    FOUND = "found"
    DELETED = "deleted"
    UNKNOWN = "unknown"
    UNAVAILABLE = "unavailable"
    OFF = "off"


@dataclass(frozen=True)
class RegisterUnit:
    orgnr: str
    name: str
    org_form_code: str | None = None
    org_form: str | None = None
    registered_on: date | None = None
    founded_on: date | None = None
    address: str | None = None
    bankrupt: bool = False
    under_liquidation: bool = False
    under_forced_liquidation: bool = False
    deleted_on: date | None = None


@dataclass(frozen=True)
class RegisterAnswer:
    state: RegisterState
    unit: RegisterUnit | None = None
    deleted_on: date | None = None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _text(value, limit: int) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _address(data: dict) -> str | None:
    address = data.get("forretningsadresse") or data.get("postadresse")
    if not isinstance(address, dict):
        return None
    lines = [line.strip() for line in address.get("adresse") or [] if isinstance(line, str) and line.strip()]
    place = " ".join(p for p in (address.get("postnummer"), address.get("poststed")) if isinstance(p, str) and p)
    if place:
        lines.append(place)
    if address.get("landkode") not in (None, "NO") and isinstance(address.get("land"), str):
        lines.append(address["land"])
    return ", ".join(lines)[:300] or None


def parse_unit(orgnr: str, data: dict) -> RegisterUnit:
    """A unit from the register's JSON (fields as in Enhetsregisteret's open API)."""
    form = data.get("organisasjonsform") if isinstance(data.get("organisasjonsform"), dict) else {}
    return RegisterUnit(
        orgnr=orgnr,
        name=_text(data.get("navn"), 200) or "",
        org_form_code=_text(form.get("kode"), 10),
        org_form=_text(form.get("beskrivelse"), 150),
        registered_on=_date(data.get("registreringsdatoEnhetsregisteret")),
        founded_on=_date(data.get("stiftelsesdato")),
        address=_address(data),
        bankrupt=data.get("konkurs") is True,
        under_liquidation=data.get("underAvvikling") is True,
        under_forced_liquidation=data.get("underTvangsavviklingEllerTvangsopplosning") is True,
        deleted_on=_date(data.get("slettedato")),
    )


def _read_json(stream) -> dict:
    try:
        data = json.loads(stream.read(1_000_000).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def lookup_enabled() -> bool:
    return bool(current_app.config.get("BRREG_BASE_URL"))


def lookup(orgnr: str) -> RegisterAnswer:
    """Look up a normalised 9-digit organisation number; never raises for the register's failures."""
    base = (current_app.config.get("BRREG_BASE_URL") or "").rstrip("/")
    if not base:
        return RegisterAnswer(RegisterState.OFF)
    if not base.startswith(("https://", "http://")):
        log.warning("BRREG_BASE_URL must be an http(s) URL")
        return RegisterAnswer(RegisterState.UNAVAILABLE)
    timeout = float(current_app.config.get("BRREG_TIMEOUT_SECONDS", 3))
    request = Request(  # noqa: S310 - http(s) only, checked above
        f"{base}/enheter/{quote(orgnr, safe='')}",
        headers={"Accept": "application/json", "User-Agent": "Compete (innovation competitions)"},
    )
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            data = _read_json(response)
    except HTTPError as exc:
        if exc.code == 410:
            return RegisterAnswer(RegisterState.DELETED, deleted_on=_date(_read_json(exc).get("slettedato")))
        if exc.code in (400, 404):
            return RegisterAnswer(RegisterState.UNKNOWN)
        log.warning("Enhetsregisteret answered %s for %s", exc.code, orgnr)
        return RegisterAnswer(RegisterState.UNAVAILABLE)
    except (URLError, OSError) as exc:  # timeouts are OSErrors too
        log.warning("Enhetsregisteret did not answer for %s: %s", orgnr, exc)
        return RegisterAnswer(RegisterState.UNAVAILABLE)
    unit = parse_unit(orgnr, data)
    if not unit.name:
        log.warning("Enhetsregisteret answered without a name for %s", orgnr)
        return RegisterAnswer(RegisterState.UNAVAILABLE)
    if unit.deleted_on is not None:
        return RegisterAnswer(RegisterState.DELETED, unit=unit, deleted_on=unit.deleted_on)
    return RegisterAnswer(RegisterState.FOUND, unit=unit)

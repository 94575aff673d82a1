"""The demo's organisations as Enhetsregisteret would answer for them (the register's JSON shape).

`flask demo` never asks the real register: it writes these units onto the demo's organisations.
The tests serve the same units from a local fake register and register the demo's numbers through it.
"""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.brreg import parse_unit
from compete.accounts.models import Organisation
from compete.accounts.services.register import apply_unit
from compete.extensions import db

FORMS = {
    "AS": "Aksjeselskap",
    "SA": "Samvirkeforetak",
    "FLI": "Forening/lag/innretning",
    "ORGL": "Organisasjonsledd",
    "KOMM": "Kommune",
    "FYLK": "Fylkeskommune",
}


def _unit(orgnr: str, name: str, form: str, registered: str, street: str, postcode: str, place: str) -> dict:
    return {
        "organisasjonsnummer": orgnr,
        "navn": name,
        "organisasjonsform": {"kode": form, "beskrivelse": FORMS[form]},
        "registreringsdatoEnhetsregisteret": registered,
        "stiftelsesdato": registered,
        "forretningsadresse": {
            "land": "Norge",
            "landkode": "NO",
            "postnummer": postcode,
            "poststed": place,
            "adresse": [street],
        },
        "konkurs": False,
        "underAvvikling": False,
        "underTvangsavviklingEllerTvangsopplosning": False,
    }


# Start-ups (the call's "Oppstartsbedrift" category: registered for less than five years) are young.
DEMO_UNITS: dict[str, dict] = {
    u["organisasjonsnummer"]: u
    for u in (
        _unit("889640782", "NAV", "ORGL", "2006-07-01", "Fyrstikkalléen 1", "0661", "OSLO"),
        _unit("922222223", "Vekstverket SA", "SA", "2016-03-14", "Storgata 12", "0184", "OSLO"),
        _unit("944444440", "Ungdomslos AS", "AS", "2024-02-05", "Kongens gate 3", "7011", "TRONDHEIM"),
        _unit("933333337", "Jobbvenn forening", "FLI", "2011-09-20", "Nygårdsgaten 5", "5015", "BERGEN"),
        _unit("955555554", "Tunet arbeid AS", "AS", "2014-05-02", "Tunveien 8", "2317", "HAMAR"),
        _unit("966666668", "Mentorbroen AS", "AS", "2023-10-11", "Brogata 4", "9008", "TROMSØ"),
        _unit("977777771", "Kompass Ung", "FLI", "2018-01-15", "Kirkegata 20", "4006", "STAVANGER"),
        _unit("988888885", "Arbeidsglede AS", "AS", "2009-04-30", "Torget 1", "3015", "DRAMMEN"),
        _unit("999999999", "Læringsverkstedet AS", "AS", "2025-01-08", "Verkstedveien 2", "1606", "FREDRIKSTAD"),
        _unit("923456783", "Sosial Spire SA", "SA", "2019-06-03", "Spireveien 7", "4612", "KRISTIANSAND S"),
        _unit("934567897", "Neste Steg AS", "AS", "2024-08-19", "Stegveien 9", "8006", "BODØ"),
        _unit("913579240", "Fotfeste forening", "FLI", "2012-11-27", "Festplassen 1", "6002", "ÅLESUND"),
        _unit("924681357", "Veiviser AS", "AS", "2013-03-08", "Veien 11", "1530", "MOSS"),
        _unit("964338531", "Bergen kommune", "KOMM", "1995-02-20", "Rådhusgaten 10", "5014", "BERGEN"),
        _unit("920717152", "Innlandet fylkeskommune", "FYLK", "2018-04-04", "Fylkeshuset", "2317", "HAMAR"),
        _unit("813579138", "Ungt Initiativ AS", "AS", "2025-05-12", "Initiativgata 1", "0557", "OSLO"),
        _unit("824680248", "Idéverkstedet SA", "SA", "2024-11-04", "Idéveien 6", "7030", "TRONDHEIM"),
    )
}

# A number the register knows only as deleted (410 Gone): registering it is refused.
DELETED_UNITS: dict[str, str] = {"991234519": "2021-06-30"}


def apply_demo_register() -> int:
    """Write the bundled register data onto the demo's organisations not yet looked up; flush only."""
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.orgnr.in_(DEMO_UNITS), Organisation.register_status.is_(None))
    ).all()
    for organisation in organisations:
        apply_unit(organisation, parse_unit(organisation.orgnr, DEMO_UNITS[organisation.orgnr]))
    db.session.flush()
    return len(organisations)

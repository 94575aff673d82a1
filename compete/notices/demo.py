"""Demo data: notice settings for the open competition and the finished one, so that the officer can
generate the design contest notice and the result notice at once. Idempotent; flush only."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from compete.competitions.models import Competition
from compete.extensions import db
from compete.notices import queries
from compete.notices.models import NoticeSettings

OPEN_SLUG = "unge-pa-vei-til-jobb"
FINISHED_SLUG = "unge-pa-vei-til-jobb-2025"
NAV_ADDRESS = {
    "street": "Fyrstikkalléen 1",
    "postal_code": "0661",
    "city": "Oslo",
    "nuts": "NO081",
    "email": "startoff@nav.no",
    "phone": "+47 21 07 00 00",
}
# Demo towns for the organisations that can win (their addresses are not in Compete's register).
TOWNS = [
    ("2317", "Hamar", "NO020"),
    ("7011", "Trondheim", "NO060"),
    ("5003", "Bergen", "NO0A2"),
    ("0150", "Oslo", "NO081"),
]
KOFA = {
    "name": "Klagenemnda for offentlige anskaffelser (KOFA)",
    "orgnr": "984195796",
    "street": "Postboks 511 Sentrum",
    "postal_code": "5805",
    "city": "Bergen",
    "nuts": "NO0A2",
    "email": "post@kofa.no",
    "phone": "+47 55 59 75 00",
}


def _procedure_id(slug: str) -> str:
    """A fixed, version-4-shaped UUID per demo competition (BR-BT-00004-0052 wants a v4 UUID)."""
    return str(uuid.UUID(bytes=uuid.uuid5(uuid.NAMESPACE_URL, f"compete-demo:{slug}").bytes, version=4))


def settings_for(competition: Competition) -> NoticeSettings:
    """The demo's settings for one competition: NAV's address, KOFA, the winners' towns."""
    addresses = {str(owner.organisation_id): dict(NAV_ADDRESS) for owner in competition.owners}
    decision = queries.final_decision(competition)
    for index, (org, _code) in enumerate(queries.winners_of(decision) if decision else []):
        postal_code, city, nuts = TOWNS[index % len(TOWNS)]
        addresses.setdefault(
            str(org.id),
            {"street": "", "postal_code": postal_code, "city": city, "nuts": nuts, "email": "", "phone": ""},
        )
    return NoticeSettings(
        competition=competition,
        procedure_uuid=_procedure_id(competition.slug),
        cpv_codes="85000000-9 73000000-2",
        nuts_code="NO0",
        buyer_legal_type="cga",
        buyer_activity="soc-pro",
        addresses=addresses,
        review_body=dict(KOFA),
        title_en=f"{competition.title} (design contest)",
        description_en=(
            "NAV looks for new ways to help young people under 30 find work or education. "
            "Staged innovation competition with prizes for each stage."
        ),
    )


def load(accounts: list[tuple[str, str]]) -> None:
    for slug in (OPEN_SLUG, FINISHED_SLUG):
        competition = db.session.scalars(select(Competition).where(Competition.slug == slug)).first()
        if competition is None or queries.settings_of(competition) is not None:
            continue
        db.session.add(settings_for(competition))
    db.session.flush()

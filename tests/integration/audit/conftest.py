"""A competition with a full record, a co-owner, a juror and one user of every other role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor
from compete.competitions.models import CompetitionOwner
from compete.extensions import db
from compete.jury import services as jury_services
from compete.jury.models import SeatRole
from tests.factories import make_officer, make_org, make_user
from tests.factories_protocol import Record, make_record


@dataclass
class World:
    record: Record
    users: dict[str, tuple[User | None, Organisation | None]]

    @property
    def slug(self) -> str:
        return self.record.competition.slug


@pytest.fixture
def world(app) -> World:
    r = make_record()
    co_owner = make_org(buyer=True)
    db.session.add(CompetitionOwner(competition=r.competition, organisation=co_owner, is_lead=False))
    co_officer = make_officer(co_owner)
    juror = make_user(name="Jorunn Jurymedlem")
    jury_services.appoint(r.stage, juror, SeatRole.MEMBER, Actor(r.officer, r.buyer, "officer"))
    other_buyer = make_org(buyer=True)
    other_officer = make_officer(other_buyer)
    participant, participant_org = r.participants[0]
    db.session.commit()
    return World(
        r,
        {
            "anonymous": (None, None),
            "participant": (participant, participant_org),
            "juror": (juror, None),
            "functionary": (r.functionary, None),
            "other_officer": (other_officer, other_buyer),
            "officer": (r.officer, r.buyer),
            "co_owner_officer": (co_officer, co_owner),
        },
    )

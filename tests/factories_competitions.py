"""Factories for the calls work: officers acting for a buyer, followers, questions, drafts."""

from __future__ import annotations

from dataclasses import dataclass

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor
from compete.competitions import qa, services
from compete.competitions.models import CallVersion, Competition, Question
from compete.competitions.states import CompetitionState
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org, make_participant


@dataclass
class Setup:
    """A competition with its officer, a participant and an officer of another buyer."""

    competition: Competition
    buyer: Organisation
    officer: User
    participant: User
    participant_org: Organisation
    other_participant: User
    other_participant_org: Organisation
    other_officer: User
    other_buyer: Organisation

    @property
    def actor(self) -> Actor:
        return Actor(self.officer, self.buyer, "officer")


def make_setup(*, state=CompetitionState.PUBLISHED, with_version: bool = True, **kwargs) -> Setup:
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer, state=state, **kwargs)
    if with_version and state != CompetitionState.DRAFT:
        publish_version_one(competition, officer, buyer)
    participant, participant_org = make_participant()
    other_participant, other_participant_org = make_participant()
    other_buyer = make_org(buyer=True)
    other_officer = make_officer(other_buyer)
    return Setup(
        competition,
        buyer,
        officer,
        participant,
        participant_org,
        other_participant,
        other_participant_org,
        other_officer,
        other_buyer,
    )


def publish_version_one(competition: Competition, officer: User, buyer: Organisation) -> CallVersion:
    """Record version 1 for a competition the factory created as already published."""
    return services._new_version(competition, Actor(officer, buyer, "officer"), 1, "")


def follow(competition: Competition, user: User, org: Organisation):
    return qa.follow(competition, user, org)


def make_question(
    competition: Competition, user: User, org: Organisation, body: str = "Can we apply as a group?"
) -> Question:
    return qa.ask_question(competition, user, org, body)


def refresh(obj):
    db.session.flush()
    db.session.expire_all()
    return obj


def login_as(client, user: User, org: Organisation | None = None) -> None:
    """tests.factories.login, also when switching users within one test: the `app` fixture keeps one
    application context for the whole test, so Flask-Login's cached user in `g` must go."""
    from flask import g

    from tests.factories import login

    g.pop("_login_user", None)
    login(client, user, org)

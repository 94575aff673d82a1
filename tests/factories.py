"""Plain factory functions that build real rows through the models (flush only)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory, User
from compete.accounts.orgnr import orgnr_checksum_ok
from compete.competitions.models import Competition, CompetitionOwner, Criterion, FileSlot, Stage, TemplateField
from compete.competitions.states import CompetitionState, StageKind
from compete.core.time import now
from compete.extensions import db

_seq = itertools.count(1)


def valid_orgnr(seed: int) -> str:
    """A valid MOD11 organisation number derived from `seed`."""
    for n in itertools.count(seed * 7919 % 10_000_000):
        base = f"9{n % 10_000_000:07d}"
        for check in "0123456789":
            if orgnr_checksum_ok(base + check):
                return base + check
    raise AssertionError("unreachable")


def password_hash(password: str = "correct horse battery") -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


_DEFAULT_HASH = None


def make_user(
    email: str | None = None,
    *,
    name: str | None = None,
    verified: bool = True,
    language: str = "nb",
    is_admin: bool = False,
    password: str | None = None,
) -> User:
    global _DEFAULT_HASH
    n = next(_seq)
    if password is None:
        _DEFAULT_HASH = _DEFAULT_HASH or password_hash()
        hashed = _DEFAULT_HASH
    else:
        hashed = password_hash(password)
    user = User(
        email=email or f"user{n}@example.test",
        name=name or f"Test Person {n}",
        password_hash=hashed,
        language=language,
        is_admin=is_admin,
        email_verified_at=now() if verified else None,
        privacy_accepted_at=now(),
        password_changed_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_org(
    name: str | None = None,
    *,
    category: OrgCategory = OrgCategory.START_UP,
    orgnr: str | None = None,
    buyer: bool = False,
    members: list[User] = (),
    owner: User | None = None,
) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=name or f"Organisation {n} AS",
        orgnr=orgnr or valid_orgnr(n),
        country="NO",
        category=OrgCategory.PUBLIC_BODY if buyer else category,
        buyer_status=BuyerStatus.APPROVED if buyer else BuyerStatus.NONE,
    )
    db.session.add(org)
    db.session.flush()
    if owner is not None:
        db.session.add(Membership(user=owner, organisation=org, role=MemberRole.OWNER))
    for member in members:
        db.session.add(Membership(user=member, organisation=org, role=MemberRole.MEMBER))
    db.session.flush()
    return org


def make_officer(buyer: Organisation | None = None, **user_kwargs) -> User:
    user = make_user(**user_kwargs)
    buyer = buyer or make_org(buyer=True)
    db.session.add(Membership(user=user, organisation=buyer, role=MemberRole.MEMBER, is_officer=True))
    db.session.flush()
    return user


def make_participant(**user_kwargs) -> tuple[User, Organisation]:
    user = make_user(**user_kwargs)
    org = make_org(owner=user)
    return user, org


def make_competition(
    buyer: Organisation | None = None,
    *,
    slug: str | None = None,
    state=CompetitionState.PUBLISHED,
    stages: int = 2,
    opens_in: timedelta = timedelta(days=-1),
    deadline_in: timedelta = timedelta(days=14),
) -> Competition:
    """A complete, valid call in the shape of "Unge på vei til jobb"."""
    n = next(_seq)
    buyer = buyer or make_org(buyer=True)
    moment = now()
    competition = Competition(
        slug=slug or f"competition-{n}",
        title=f"Competition {n}",
        summary="Young people on their way to work",
        background="## Need\nYoung people under 30 at risk of falling outside work and education.",
        budget=600_000,
        state=state,
        jury_binding=False,
        follow_on_contract=True,
        ipr_terms="The participant keeps the rights; the buyer gets a free licence to use the solution.",
        standstill_days=10,
        published_at=moment if state != CompetitionState.DRAFT else None,
    )
    competition.owners.append(CompetitionOwner(organisation=buyer, is_lead=True))
    plan = [
        ("Idéskisse", StageKind.IDEA_SKETCH, 3, 50_000),
        ("Videreutvikling", StageKind.FURTHER_DEVELOPMENT, 1, 450_000),
        ("Utvikle løsningen", StageKind.SOLUTION_DEVELOPMENT, 1, 0),
    ][:stages]
    for position, (name, kind, advancing, award) in enumerate(plan, start=1):
        stage = Stage(
            position=position,
            name=name,
            kind=kind,
            opens_at=moment + opens_in if position == 1 else moment + deadline_in + timedelta(days=30 * position),
            deadline_at=moment + deadline_in
            if position == 1
            else moment + deadline_in + timedelta(days=30 * position + 20),
            question_deadline_at=moment + deadline_in - timedelta(days=5) if position == 1 else None,
            advancing_count=advancing,
            award_amount=award,
            anonymous=position == 1,
            tie_break_rule="highest_first_criterion",
        )
        for c_pos, (c_name, weight) in enumerate(
            [("Relevance to the need", 30), ("User benefit", 30), ("Feasibility", 25), ("Team", 15)], start=1
        ):
            stage.criteria.append(
                Criterion(
                    position=c_pos,
                    name=c_name,
                    weight=weight,
                    scale_min=0,
                    scale_max=10,
                    descriptors={"0": "Not addressed", "5": "Adequate", "10": "Excellent"},
                )
            )
        stage.fields.append(TemplateField(position=1, key="problem", kind="long_text", label="Problem", word_limit=300))
        stage.fields.append(
            TemplateField(position=2, key="solution", kind="long_text", label="Solution", word_limit=600)
        )
        stage.file_slots.append(
            FileSlot(
                position=1, key="sketch", label="Idea sketch (PDF)", allowed_types="pdf", max_mb=10, required=False
            )
        )
        competition.stages.append(stage)
    db.session.add(competition)
    db.session.flush()
    return competition


def login(client, user: User, organisation: Organisation | None = None) -> None:
    """Log `user` in on the test client (Flask-Login's session keys)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        if organisation is not None:
            session["org_id"] = organisation.id

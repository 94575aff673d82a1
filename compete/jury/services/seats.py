"""Seats (R21, R23, R29) and the competition's functionary and verifier. Services flush only."""

from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.services import Actor, record
from compete.competitions.models import CompetitionStaff, Stage
from compete.competitions.permissions import can_manage_competition
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury.models import (
    Assignment,
    JurySeat,
    SeatRole,
)


def _juror(seat: JurySeat) -> Actor:
    return Actor(seat.user, None, seat.role.value)


def is_functionary(user: User, stage: Stage) -> bool:
    return (
        db.session.scalar(
            select(CompetitionStaff.id).where(
                CompetitionStaff.competition_id == stage.competition_id,
                CompetitionStaff.user_id == user.id,
                CompetitionStaff.role == "functionary",
            )
        )
        is not None
    )


def appoint(stage: Stage, user: User, role: SeatRole, actor: Actor) -> JurySeat:
    """Appoint a natural person to a stage's jury; never the competition's functionary (R21, R23)."""
    if is_functionary(user, stage):
        raise DomainError(_l("The functionary of this competition cannot sit on its jury."), code="functionary")
    if can_manage_competition(user, stage.competition):
        raise DomainError(
            _l("An officer of this competition cannot sit on its jury; officers never score (R28)."), code="officer"
        )
    if stage.state in (StageState.RANKING_LOCKED, StageState.DEANONYMISED, StageState.DECIDED):
        raise DomainError(_l("The ranking is locked; the jury can no longer change."), code="locked")
    existing = db.session.scalars(
        select(JurySeat).where(JurySeat.stage_id == stage.id, JurySeat.user_id == user.id)
    ).first()
    if existing is not None:
        raise DomainError(_l("This person already has a seat on the jury."), code="duplicate")
    seat = JurySeat(stage=stage, user=user, role=role, appointed_by_id=actor.user.id)
    db.session.add(seat)
    db.session.flush()
    record(actor, "jury.appointed", seat, competition=stage.competition, after={"user": user.email, "role": role})
    return seat


def replace(seat: JurySeat, new_user: User, reason: str, actor: Actor) -> JurySeat:
    """Replace a juror with a logged reason (R29); the new juror starts with no declaration (R22)."""
    if not (reason or "").strip():
        raise DomainError(_l("Replacing a juror needs a reason."), code="reason")
    if not seat.active:
        raise DomainError(_l("This seat has already been replaced."), code="replaced")
    new_seat = appoint(seat.stage, new_user, seat.role, actor)
    for submission_id in db.session.scalars(
        select(Assignment.submission_id).where(Assignment.seat_id == seat.id)
    ).all():
        db.session.add(Assignment(seat_id=new_seat.id, submission_id=submission_id))
    seat.replaced_at = now()
    seat.replacement_reason = reason.strip()
    db.session.flush()
    record(
        actor,
        "jury.replaced",
        seat,
        competition=seat.stage.competition,
        before={"user": seat.user.email},
        after={"user": new_user.email, "reason": reason.strip()},
    )
    return new_seat


def appoint_staff(stage: Stage, user: User, role: str, actor: Actor) -> CompetitionStaff:
    """Name the competition's functionary or verifier; a juror of the competition can never be its
    functionary (R23)."""
    competition = stage.competition
    if role not in ("functionary", "verifier"):
        raise DomainError(_l("Unknown role."), code="role")
    if role == "verifier" and can_manage_competition(user, competition):
        raise DomainError(
            _l("An officer of this competition cannot be its verifier: the verifier is the independent party."),
            code="officer",
        )
    if role == "functionary":
        seated = db.session.scalar(
            select(JurySeat.id)
            .join(Stage, Stage.id == JurySeat.stage_id)
            # A replaced juror has seen entries too: never the functionary either (R23).
            .where(Stage.competition_id == competition.id, JurySeat.user_id == user.id)
            .limit(1)
        )
        if seated is not None:
            raise DomainError(_l("A juror of this competition cannot be its functionary."), code="juror")
    existing = db.session.scalars(
        select(CompetitionStaff).where(
            CompetitionStaff.competition_id == competition.id,
            CompetitionStaff.user_id == user.id,
            CompetitionStaff.role == role,
        )
    ).first()
    if existing is not None:
        return existing
    staff = CompetitionStaff(competition=competition, user=user, role=role)
    db.session.add(staff)
    db.session.flush()
    record(actor, f"competition.{role}_appointed", staff, competition=competition, after={"user": user.email})
    return staff

"""Briefing, impartiality declarations and the officer's rulings (R22). Services flush only."""

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries
from compete.jury.models import (
    Answer,
    EntryDeclaration,
    JurySeat,
)
from compete.jury.services.seats import _juror
from compete.submissions.models import Submission

# Declarations are filed, and doubts ruled on, until the ranking locks (R27).
OPEN_FOR_DECLARATIONS = (StageState.PLANNED, StageState.FORMAL_CHECK, StageState.JURY_SCORING)


def accept_briefing(seat: JurySeat) -> None:
    seat.briefing_accepted_at = seat.briefing_accepted_at or now()
    db.session.flush()
    record(_juror(seat), "jury.briefing_accepted", seat, competition=seat.stage.competition)


def declare(seat: JurySeat, affiliations: str, answers: dict[int, tuple[Answer, str]]) -> None:
    """File the impartiality declaration (R22): affiliations and an answer for every entry.

    Once filed, the juror adds answers for entries that became eligible later (those they have not
    declared on yet); earlier answers never change."""
    if seat.briefing_accepted_at is None:
        raise DomainError(_l("Accept the briefing and the confidentiality terms first."), code="briefing")
    if seat.stage.state not in OPEN_FOR_DECLARATIONS:
        raise DomainError(_l("The ranking is locked; declarations can no longer change."), code="locked")
    entries = undeclared_entries(seat)
    if seat.declared_at is not None and not entries:
        raise DomainError(_l("You have already filed your declaration."), code="declared")
    missing = [e.code for e in entries if e.id not in answers]
    if missing:
        raise DomainError(_l("Answer for every entry: %(codes)s", codes=", ".join(missing)), code="incomplete")
    for entry in entries:
        answer, explanation = answers[entry.id]
        if answer != Answer.NO_CONFLICT and not (explanation or "").strip():
            raise DomainError(_l("Explain the possible conflict for %(code)s.", code=entry.code), code="explain")
        db.session.add(
            EntryDeclaration(seat=seat, submission_id=entry.id, answer=answer, explanation=(explanation or "").strip())
        )
    addition = seat.declared_at is not None
    if not addition:
        seat.affiliations = (affiliations or "").strip()
        seat.declared_at = now()
    db.session.flush()
    record(
        _juror(seat),
        "jury.declared",
        seat,
        competition=seat.stage.competition,
        after={
            "affiliations": seat.affiliations,
            "answers": {str(e.id): answers[e.id][0] for e in sorted(entries, key=lambda e: e.id)},
            **({"addition": True} if addition else {}),
        },
    )


def undeclared_entries(seat: JurySeat) -> list[Submission]:
    """The stage's eligible entries the juror has not answered for yet, by code."""
    declared = {d.submission_id for d in seat_declarations(seat)}
    return [e for e in queries.entries(seat.stage) if e.id not in declared]


def seat_declarations(seat: JurySeat) -> list[EntryDeclaration]:
    return list(db.session.scalars(select(EntryDeclaration).where(EntryDeclaration.seat_id == seat.id)))


def rule(declaration: EntryDeclaration, actor: Actor, *, conflicted: bool, reason: str) -> None:
    """The officer's ruling on an "in doubt" declaration, logged (R22).

    A ruling is final: once given it is never changed (the juror may already have seen and scored
    the entry on the strength of it), and there is no ruling after scoring has closed (R27)."""
    if declaration.answer != Answer.IN_DOUBT:
        raise DomainError(_l("Only declarations marked “in doubt” need a ruling."), code="not_in_doubt")
    if declaration.seat.stage.state not in OPEN_FOR_DECLARATIONS:
        raise DomainError(_l("The ranking is locked; rulings can no longer change."), code="locked")
    if declaration.ruled_conflict is not None:
        raise DomainError(_l("This declaration has already been ruled on; a ruling is final."), code="ruled")
    if not (reason or "").strip():
        raise DomainError(_l("A ruling needs a reason."), code="reason")
    declaration.ruled_conflict = conflicted
    declaration.ruling_reason = reason.strip()
    declaration.ruled_by_id = actor.user.id
    declaration.ruled_at = now()
    db.session.flush()
    record(
        actor,
        "jury.ruled",
        declaration,
        competition=declaration.seat.stage.competition,
        after={
            "seat": declaration.seat_id,
            "entry": declaration.submission.code,
            "conflict": conflicted,
            "reason": declaration.ruling_reason,
        },
    )


def can_see(seat: JurySeat, submission: Submission) -> bool:
    """A juror sees an entry only after the briefing and declaration, and never with a conflict (R22)."""
    if not seat.active or seat.briefing_accepted_at is None or seat.declared_at is None:
        return False
    if submission.stage_id != seat.stage_id:
        return False
    declaration = queries.declaration(seat, submission)
    return declaration is not None and declaration.conflicted is False

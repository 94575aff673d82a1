"""Writes for the jury: seats (R21, R23, R29), impartiality (R22), scoring (R25, R28), consensus,
approval of the report and locking (R27), de-anonymisation (R30). Services flush only."""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.services import Actor, record
from compete.competitions.models import CompetitionStaff, Stage
from compete.competitions.services import transition_stage
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries
from compete.jury.models import (
    Answer,
    ConsensusRemark,
    EntryDeclaration,
    JurySeat,
    ReportApproval,
    Score,
    Scorecard,
    SeatRole,
)
from compete.submissions.models import Submission


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


# --- seats -------------------------------------------------------------------------------------------


def appoint(stage: Stage, user: User, role: SeatRole, actor: Actor) -> JurySeat:
    """Appoint a natural person to a stage's jury; never the competition's functionary (R21, R23)."""
    if is_functionary(user, stage):
        raise DomainError(_l("The functionary of this competition cannot sit on its jury."), code="functionary")
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


# --- impartiality ----------------------------------------------------------------------------------


def accept_briefing(seat: JurySeat) -> None:
    seat.briefing_accepted_at = seat.briefing_accepted_at or now()
    db.session.flush()
    record(_juror(seat), "jury.briefing_accepted", seat, competition=seat.stage.competition)


def declare(seat: JurySeat, affiliations: str, answers: dict[int, tuple[Answer, str]]) -> None:
    """File the impartiality declaration (R22): affiliations and an answer for every entry."""
    if seat.briefing_accepted_at is None:
        raise DomainError(_l("Accept the briefing and the confidentiality terms first."), code="briefing")
    if seat.declared_at is not None:
        raise DomainError(_l("You have already filed your declaration."), code="declared")
    entries = queries.entries(seat.stage)
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
    seat.affiliations = (affiliations or "").strip()
    seat.declared_at = now()
    db.session.flush()
    record(
        _juror(seat),
        "jury.declared",
        seat,
        competition=seat.stage.competition,
        after={"affiliations": seat.affiliations, "answers": {str(k): v[0] for k, v in sorted(answers.items())}},
    )


def rule(declaration: EntryDeclaration, actor: Actor, *, conflicted: bool, reason: str) -> None:
    """The officer's ruling on an "in doubt" declaration, logged (R22)."""
    if declaration.answer != Answer.IN_DOUBT:
        raise DomainError(_l("Only declarations marked “in doubt” need a ruling."), code="not_in_doubt")
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


# --- scoring ---------------------------------------------------------------------------------------


def save_scorecard(
    seat: JurySeat, submission: Submission, values: dict[int, tuple[int | None, str]], *, submit: bool = False
) -> Scorecard:
    """Save a juror's scores as a draft or submit them (R25): only the stage's criteria, on its scale,
    each with a written justification. Only the juror scores; officers cannot (R28)."""
    stage = seat.stage
    if stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("Scoring is not open for this stage."), code="state")
    if not can_see(seat, submission):
        raise DomainError(_l("You cannot score this entry."), code="forbidden")
    card = queries.scorecard(seat, submission)
    if card is not None and card.submitted_at is not None:
        raise DomainError(_l("This scorecard has been submitted and can no longer change."), code="submitted")
    criteria = {c.id: c for c in stage.criteria}
    unknown = set(values) - set(criteria)
    if unknown:
        raise DomainError(_l("Only the published criteria can be scored."), code="criteria")
    problems = []
    for criterion in criteria.values():
        value, justification = values.get(criterion.id, (None, ""))
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            problems.append(
                str(
                    _l(
                        "%(name)s: the score must be from %(min)s to %(max)s.",
                        name=criterion.name,
                        min=criterion.scale_min,
                        max=criterion.scale_max,
                    )
                )
            )
        if submit and value is None:
            problems.append(str(_l("%(name)s: give a score.", name=criterion.name)))
        if submit and not (justification or "").strip():
            problems.append(str(_l("%(name)s: write a justification.", name=criterion.name)))
    if problems:
        raise DomainError(_l("The scorecard is not complete."), code="incomplete", details=problems)
    if card is None:
        card = Scorecard(seat=seat, submission_id=submission.id, updated_at=now())
        db.session.add(card)
    by_criterion = {s.criterion_id: s for s in card.scores}
    for criterion_id in criteria:
        value, justification = values.get(criterion_id, (None, ""))
        score = by_criterion.get(criterion_id)
        if score is None:
            card.scores.append(
                Score(criterion_id=criterion_id, value=value, justification=(justification or "").strip())
            )
        else:
            score.value, score.justification = value, (justification or "").strip()
    card.updated_at = now()
    if submit:
        card.submitted_at = now()
    db.session.flush()
    if submit:
        record(
            _juror(seat),
            "jury.scorecard_submitted",
            card,
            competition=stage.competition,
            after={"entry": submission.code, "scores": {str(cid): [v, j] for cid, (v, j) in sorted(values.items())}},
        )
    return card


# --- consensus, report, lock -----------------------------------------------------------------------


def record_remark(seat: JurySeat, submission: Submission, text: str) -> ConsensusRemark:
    if seat.role != SeatRole.CHAIR or not seat.active:
        raise DomainError(_l("Only the chair records the jury's agreed remarks."), code="chair")
    if seat.stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("The ranking is locked."), code="locked")
    remark = db.session.scalars(
        select(ConsensusRemark).where(
            ConsensusRemark.stage_id == seat.stage_id, ConsensusRemark.submission_id == submission.id
        )
    ).first()
    if remark is None:
        remark = ConsensusRemark(
            stage_id=seat.stage_id, submission_id=submission.id, text="", recorded_by_id=seat.user_id
        )
        db.session.add(remark)
    before = remark.text
    remark.text = (text or "").strip()
    db.session.flush()
    record(
        _juror(seat),
        "jury.remark",
        remark,
        competition=seat.stage.competition,
        before={"text": before},
        after={"entry": submission.code, "text": remark.text},
    )
    return remark


def report_hash(report: dict) -> str:
    return hashlib.sha256(json.dumps(report, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def approve_report(seat: JurySeat) -> bool:
    """A juror approves the report as it stands now; when every active juror has approved the same
    report, the ranking locks (R27). Returns True when this approval locked it."""
    stage = seat.stage
    if stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("The ranking is already locked."), code="locked")
    if not seat.active:
        raise DomainError(_l("This seat has been replaced."), code="replaced")
    report = queries.jury_report(stage)
    if report["missing_scorecards"]:
        raise DomainError(
            _l("Every juror must submit every scorecard before the report can be approved."), code="incomplete"
        )
    digest = report_hash(report)
    approval = db.session.scalars(select(ReportApproval).where(ReportApproval.seat_id == seat.id)).first()
    if approval is None:
        db.session.add(ReportApproval(seat_id=seat.id, report_sha256=digest))
    else:
        approval.report_sha256 = digest
    db.session.flush()
    record(_juror(seat), "jury.report_approved", seat, competition=stage.competition, after={"report_sha256": digest})
    seats = queries.active_seats(stage)
    approvals = {
        a.seat_id: a.report_sha256
        for a in db.session.scalars(select(ReportApproval).where(ReportApproval.seat_id.in_([s.id for s in seats])))
    }
    if len(approvals) == len(seats) and set(approvals.values()) == {digest}:
        transition_stage(stage, StageState.RANKING_LOCKED, Actor.system(), reason=f"report {digest}")
        return True
    return False


def deanonymise(stage: Stage, actor: Actor) -> None:
    """Reveal who is behind each code, once, after the ranking locked (R30)."""
    transition_stage(stage, StageState.DEANONYMISED, actor)


def appoint_staff(stage: Stage, user: User, role: str, actor: Actor) -> CompetitionStaff:
    """Name the competition's functionary or verifier; a juror of the competition can never be its
    functionary (R23)."""
    competition = stage.competition
    if role not in ("functionary", "verifier"):
        raise DomainError(_l("Unknown role."), code="role")
    if role == "functionary":
        seated = db.session.scalar(
            select(JurySeat.id)
            .join(Stage, Stage.id == JurySeat.stage_id)
            .where(Stage.competition_id == competition.id, JurySeat.user_id == user.id, JurySeat.replaced_at.is_(None))
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

"""State changes and versions of the call: transitions, publish, amend, cancel (R1, R4, R35)."""

from __future__ import annotations

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.competitions.models import (
    CallVersion,
    Competition,
    Stage,
)
from compete.competitions.snapshot import build_snapshot, check_call, parse_iso
from compete.competitions.states import (
    COMPETITION_TRANSITIONS,
    STAGE_TRANSITIONS,
    CompetitionState,
    StageState,
)
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.recipients import participants_of
from compete.notifications.services import queue_email


def transition_competition(
    competition: Competition, target: CompetitionState, actor: Actor, *, reason: str | None = None
) -> None:
    """The single way a competition changes state: check the table, mutate, audit.

    Callers check their own preconditions first (R1 before publishing, …).
    """
    source = competition.state
    allowed = COMPETITION_TRANSITIONS.get((source, target))
    if allowed is None:
        raise DomainError(
            _l("A competition cannot go from %(source)s to %(target)s.", source=source.value, target=target.value),
            code="transition",
        )
    if actor.role not in allowed:
        raise DomainError(_l("You may not make this change."), code="forbidden")
    if target == CompetitionState.CANCELLED:
        if not (reason and reason.strip()):
            raise DomainError(_l("Cancelling needs an objective reason."), code="reason")
        competition.cancel_reason = reason.strip()
        competition.cancelled_at = now()
    if target == CompetitionState.CONTRACT and not competition.follow_on_contract:
        # R5: a follow-on contract exists only if the call said so at publication.
        raise DomainError(_l("The call did not announce a follow-on contract."), code="follow_on")
    if target == CompetitionState.PUBLISHED and competition.published_at is None:
        competition.published_at = now()
    competition.state = target
    record(
        actor,
        f"competition.{target.value}",
        competition,
        competition=competition,
        before={"state": source},
        after={"state": target, **({"reason": reason} if reason else {})},
    )


def transition_stage(stage: Stage, target: StageState, actor: Actor, *, reason: str | None = None) -> None:
    """The single way a stage changes stored state, from its clock-derived phase.

    Callers check their own preconditions first (every juror approved, …).
    """
    phase = stage.phase(now())
    allowed = STAGE_TRANSITIONS.get((phase, target))
    if allowed is None:
        raise DomainError(
            _l("The stage cannot go from %(source)s to %(target)s.", source=phase.value, target=target.value),
            code="transition",
        )
    if actor.role not in allowed:
        raise DomainError(_l("You may not make this change."), code="forbidden")
    if stage.competition.state != CompetitionState.PUBLISHED:
        raise DomainError(_l("The competition is not running."), code="transition")
    stage.state = target
    record(
        actor,
        f"stage.{target.value}",
        stage,
        competition=stage.competition,
        before={"phase": phase},
        after={"state": target, **({"reason": reason} if reason else {})},
    )


def latest_version(competition: Competition) -> CallVersion | None:
    return db.session.scalars(
        select(CallVersion).where(CallVersion.competition_id == competition.id).order_by(CallVersion.number.desc())
    ).first()


def _new_version(competition: Competition, actor: Actor, number: int, note: str) -> CallVersion:
    version = CallVersion(
        competition_id=competition.id,
        number=number,
        snapshot=build_snapshot(competition),
        change_note=note,
        published_at=now(),
        published_by_id=getattr(actor.user, "id", None),
        organisation_id=getattr(actor.organisation, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    record(
        actor,
        "call.version_published",
        version,
        competition=competition,
        after={"number": number, "change_note": note},
    )
    return version


def publish(competition: Competition, actor: Actor, *, min_window_days: int = 14) -> CallVersion:
    """Check the call (R1–R3, R5), move it to PUBLISHED and freeze it as version 1."""
    db.session.flush()
    db.session.expire(competition, ["stages", "eligibility_categories"])
    result = check_call(competition, at=now(), min_window_days=min_window_days)
    if not result.ok:
        raise DomainError(_l("The call cannot be published yet."), code="incomplete", details=result.errors)
    transition_competition(competition, CompetitionState.PUBLISHED, actor)
    return _new_version(competition, actor, 1, "")


def amend(competition: Competition, actor: Actor, change_note: str, *, min_window_days: int = 0) -> CallVersion:
    """Freeze the changed call as a new version and notify, at the same moment, every follower and
    every member of an organisation that has started an entry (R4)."""
    if not (change_note and change_note.strip()):
        raise DomainError(_l("An amendment to a published call needs a change note."), code="change_note")
    previous = latest_version(competition)
    db.session.flush()
    db.session.expire(competition, ["stages", "eligibility_categories"])
    new = build_snapshot(competition)
    if previous is not None:
        if previous.snapshot == new:
            raise DomainError(_l("Nothing in the call changed."), code="unchanged")
        _check_amendment(previous.snapshot, new)
    result = check_call(competition, at=now(), min_window_days=min_window_days)
    if not result.ok:
        raise DomainError(_l("The amended call is not complete."), code="incomplete", details=result.errors)
    version = _new_version(competition, actor, (previous.number if previous else 0) + 1, change_note.strip())
    for person in participants_of(competition.id):
        queue_email(
            "competitions/amended",
            to=person.email,
            language=person.language,
            recipient=person,
            competition=competition,
            version=version,
        )
    return version


def _check_amendment(old: dict, new: dict) -> None:
    moment = now()
    if old.get("follow_on_contract") != new.get("follow_on_contract"):
        # R5: whether a follow-on contract may be awarded is fixed at publication.
        raise DomainError(_l("Whether a follow-on contract may be awarded cannot change after publication."))
    new_stages = {s["position"]: s for s in new["stages"]}
    for stage in old["stages"]:
        deadline = parse_iso(stage["deadline_at"])
        if deadline is None or deadline > moment:
            continue
        after = new_stages.get(stage["position"])
        if after is None or (after["criteria"], after["tie_break_rule"]) != (
            stage["criteria"],
            stage["tie_break_rule"],
        ):
            raise DomainError(
                _l(
                    "The deadline of %(stage)s has passed: its criteria and weights cannot change.", stage=stage["name"]
                ),
                code="criteria_fixed",
            )


def cancel(competition: Competition, actor: Actor, reason: str) -> None:
    """Cancel with an objective reason (R35): everything is kept; every follower and every member of
    a participating organisation is told."""
    transition_competition(competition, CompetitionState.CANCELLED, actor, reason=reason)
    for person in participants_of(competition.id):
        queue_email(
            "competitions/cancelled",
            to=person.email,
            language=person.language,
            recipient=person,
            competition=competition,
            reason=competition.cancel_reason,
        )

"""Editing a competition: texts, eligibility, stages, criteria, templates, co-owners (R1–R3, R5–R7)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import Organisation
from compete.audit.services import Actor, record
from compete.competitions.models import (
    Competition,
    CompetitionOwner,
    CompetitionTemplate,
    Criterion,
    EligibilityCategory,
    FileSlot,
    Stage,
    TemplateField,
)
from compete.competitions.services.lifecycle import amend
from compete.competitions.snapshot import build_snapshot
from compete.competitions.states import (
    CompetitionState,
    StageKind,
)
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email_to_members

# --- authoring ------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "title",
    "summary",
    "background",
    "budget",
    "jury_binding",
    "follow_on_contract",
    "ipr_terms",
    "standstill_days",
    "default_language",
)
STAGE_FIELDS = (
    "name",
    "kind",
    "description",
    "opens_at",
    "deadline_at",
    "question_deadline_at",
    "advancing_count",
    "award_amount",
    "anonymous",
    "tie_break_rule",
)


def _is_live(competition: Competition) -> bool:
    return competition.state != CompetitionState.DRAFT


def _refuse_if_closed(competition: Competition) -> None:
    if competition.state in (CompetitionState.CANCELLED, CompetitionState.ARCHIVED, CompetitionState.COMPLETED):
        raise DomainError(_l("This competition can no longer be changed."), code="closed")


def create_competition(
    actor: Actor, buyer: Organisation, *, title: str, slug: str, source: Competition | CompetitionTemplate | None = None
) -> Competition:
    """A new draft owned by `buyer`; with a source, its stages, criteria, forms and texts are copied
    (dates, participants and results are not)."""
    if not buyer.is_approved_buyer:
        raise DomainError(_l("Only approved buyer organisations can own a competition."), code="buyer")
    if db.session.scalars(select(Competition.id).where(Competition.slug == slug)).first() is not None:
        raise DomainError(_l("The address %(slug)s is already taken.", slug=slug), code="slug")
    competition = Competition(slug=slug, title=title.strip(), state=CompetitionState.DRAFT)
    competition.owners.append(CompetitionOwner(organisation=buyer, is_lead=True))
    structure = None
    if isinstance(source, Competition):
        structure = build_snapshot(source)
    elif isinstance(source, CompetitionTemplate):
        structure = source.snapshot
    if structure:
        _apply_structure(competition, structure)
    db.session.add(competition)
    db.session.flush()
    record(
        actor,
        "competition.created",
        competition,
        competition=competition,
        after={
            "slug": slug,
            "title": competition.title,
            "owner": buyer.name,
            **({"source": f"{type(source).__name__} {source.id}"} if source is not None else {}),
        },
    )
    return competition


def _apply_structure(competition: Competition, data: dict) -> None:
    for key in ("summary", "background", "budget", "jury_binding", "follow_on_contract", "ipr_terms"):
        setattr(competition, key, data.get(key))
    competition.summary = competition.summary or ""
    competition.background = competition.background or ""
    competition.ipr_terms = competition.ipr_terms or ""
    competition.budget = competition.budget or 0
    competition.standstill_days = data.get("standstill_days", 10)
    competition.default_language = data.get("default_language", "nb")
    for position, cat in enumerate(data.get("eligibility", []), start=1):
        competition.eligibility_categories.append(EligibilityCategory(position=position, **cat))
    for s in data.get("stages", []):
        stage = Stage(
            position=s["position"],
            name=s["name"],
            kind=StageKind(s["kind"]),
            description=s.get("description", ""),
            advancing_count=s["advancing_count"],
            award_amount=s["award_amount"],
            anonymous=s["anonymous"],
            tie_break_rule=s.get("tie_break_rule"),
        )
        for position, c in enumerate(s.get("criteria", []), start=1):
            stage.criteria.append(Criterion(position=position, **c))
        for position, f in enumerate(s.get("fields", []), start=1):
            stage.fields.append(TemplateField(position=position, **f))
        for position, f in enumerate(s.get("file_slots", []), start=1):
            stage.file_slots.append(FileSlot(position=position, **f))
        competition.stages.append(stage)


def update_settings(competition: Competition, actor: Actor, values: dict, *, change_note: str = "") -> None:
    """Change the call's texts and terms; on a published call this is an amendment (R4)."""
    _refuse_if_closed(competition)
    before = {key: getattr(competition, key) for key in SETTINGS_FIELDS}
    for key in SETTINGS_FIELDS:
        if key in values:
            setattr(competition, key, values[key])
    _changed(competition, actor, "competition.settings_changed", competition, before, change_note)


def save_eligibility(competition: Competition, actor: Actor, rows: list[dict], *, change_note: str = "") -> None:
    """Replace the eligibility categories (R10): name, definition and self-check question each."""
    _refuse_if_closed(competition)
    before = {"categories": [c.name for c in competition.eligibility_categories]}
    for row in rows:
        if not (row["name"].strip() and row["definition"].strip() and row["self_check_question"].strip()):
            raise DomainError(_l("Each category needs a name, a definition and a self-check question."))
    competition.eligibility_categories.clear()
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        competition.eligibility_categories.append(EligibilityCategory(position=position, **row))
    _changed(competition, actor, "competition.eligibility_changed", competition, before, change_note)


def save_stage(
    competition: Competition, actor: Actor, stage: Stage | None, values: dict, *, change_note: str = ""
) -> Stage:
    """Create or edit a stage (times are aware UTC, converted from Oslo time by the form, R6)."""
    _refuse_if_closed(competition)
    if values.get("opens_at") and values.get("deadline_at") and values["opens_at"] >= values["deadline_at"]:
        raise DomainError(_l("The stage must open before its deadline."), code="dates")
    if stage is None:
        stage = Stage(position=len(competition.stages) + 1, name=values["name"], kind=values["kind"])
        competition.stages.append(stage)
        before: dict = {}
    else:
        before = {key: getattr(stage, key) for key in STAGE_FIELDS}
    for key in STAGE_FIELDS:
        if key in values:
            setattr(stage, key, values[key])
    db.session.flush()
    _changed(competition, actor, "stage.saved", stage, before, change_note)
    return stage


def delete_stage(stage: Stage, actor: Actor) -> None:
    """Drafts only: remove the last-added stage and renumber."""
    competition = stage.competition
    if _is_live(competition):
        raise DomainError(_l("Stages of a published call cannot be removed."), code="published")
    record(actor, "stage.deleted", stage, competition=competition, before={"name": stage.name})
    competition.stages.remove(stage)
    db.session.flush()
    for position, other in enumerate(competition.stages, start=1):
        other.position = position + 1000
    db.session.flush()
    for position, other in enumerate(competition.stages, start=1):
        other.position = position
    db.session.flush()


def _refuse_after_deadline(stage: Stage) -> None:
    # R3: once a stage's submission deadline has passed, its criteria and weights are fixed.
    if _is_live(stage.competition) and stage.deadline_at is not None and stage.deadline_at <= now():
        raise DomainError(
            _l("The deadline of %(stage)s has passed: its criteria and weights cannot change.", stage=stage.name),
            code="criteria_fixed",
        )


def save_criteria(
    stage: Stage, actor: Actor, rows: list[dict], *, tie_break_rule: str | None, change_note: str = ""
) -> None:
    """Replace a stage's criteria (name, description, weight, scale, anchored descriptors)."""
    competition = stage.competition
    _refuse_if_closed(competition)
    _refuse_after_deadline(stage)
    for row in rows:
        if not 0 < row["weight"] <= 100:
            raise DomainError(_l("Criterion %(name)s: the weight must be 1–100 %%.", name=row["name"]))
        if row["scale_min"] >= row["scale_max"]:
            raise DomainError(_l("Criterion %(name)s: the scale must go from low to high.", name=row["name"]))
        for point in row["descriptors"]:
            if not row["scale_min"] <= int(point) <= row["scale_max"]:
                raise DomainError(
                    _l("Criterion %(name)s: descriptor %(point)s is outside the scale.", name=row["name"], point=point)
                )
    if _is_live(competition) and sum(row["weight"] for row in rows) != 100:
        raise DomainError(_l("The weights must total 100 %."), code="weights")
    before = {
        "criteria": [{"name": c.name, "weight": c.weight} for c in stage.criteria],
        "tie_break_rule": stage.tie_break_rule,
    }
    stage.criteria.clear()
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        stage.criteria.append(Criterion(position=position, **row))
    stage.tie_break_rule = tie_break_rule
    db.session.flush()
    _changed(competition, actor, "stage.criteria_changed", stage, before, change_note)


def save_submission_template(
    stage: Stage, actor: Actor, fields: list[dict], slots: list[dict], *, change_note: str = ""
) -> None:
    """Replace the stage's submission template (R18): fields and file slots."""
    competition = stage.competition
    _refuse_if_closed(competition)
    keys = [f["key"] for f in fields]
    slot_keys = [f["key"] for f in slots]
    if len(set(keys)) != len(keys) or len(set(slot_keys)) != len(slot_keys):
        raise DomainError(_l("Each field and file slot needs its own key."), code="keys")
    before = {"fields": [f.key for f in stage.fields], "file_slots": [f.key for f in stage.file_slots]}
    stage.fields.clear()
    stage.file_slots.clear()
    db.session.flush()
    for position, row in enumerate(fields, start=1):
        stage.fields.append(TemplateField(position=position, **row))
    for position, row in enumerate(slots, start=1):
        stage.file_slots.append(FileSlot(position=position, **row))
    db.session.flush()
    _changed(competition, actor, "stage.template_changed", stage, before, change_note)


def _changed(competition: Competition, actor: Actor, action: str, target, before: dict, change_note: str) -> None:
    """Audit one edit; on a published call, turn it into an amendment (R4)."""
    if action == "stage.criteria_changed":
        after = {
            "criteria": [{"name": c.name, "weight": c.weight} for c in target.criteria],
            "tie_break_rule": target.tie_break_rule,
        }
    elif action == "stage.template_changed":
        after = {"fields": [f.key for f in target.fields], "file_slots": [f.key for f in target.file_slots]}
    elif action == "competition.eligibility_changed":
        after = {"categories": [c.name for c in competition.eligibility_categories]}
    elif before:
        after = {key: getattr(target, key) for key in before}
    else:
        after = {key: getattr(target, key) for key in STAGE_FIELDS}
    record(actor, action, target, competition=competition, before=before, after=after)
    if _is_live(competition):
        amend(competition, actor, change_note)


def add_co_owner(competition: Competition, actor: Actor, organisation: Organisation) -> None:
    """Another approved buyer becomes co-owner; its officers get the same rights."""
    _refuse_if_closed(competition)
    if not organisation.is_approved_buyer:
        raise DomainError(_l("%(name)s is not an approved buyer.", name=organisation.name), code="buyer")
    if any(owner.organisation_id == organisation.id for owner in competition.owners):
        raise DomainError(_l("%(name)s already owns this competition.", name=organisation.name), code="owner")
    owner = CompetitionOwner(organisation=organisation, is_lead=False)
    competition.owners.append(owner)
    db.session.flush()
    record(
        actor, "competition.co_owner_added", owner, competition=competition, after={"organisation": organisation.name}
    )
    queue_email_to_members(
        organisation, "competitions/co_owner", competition=competition, officers_only=True, organisation=organisation
    )
    if _is_live(competition):
        amend(competition, actor, str(_l("%(name)s joined as co-owner.", name=organisation.name)))


def save_as_template(competition: Competition, actor: Actor, name: str) -> CompetitionTemplate:
    """Keep the call's structure (stages, criteria, forms, texts) for reuse by the acting buyer."""
    if actor.organisation is None:
        raise DomainError(_l("Choose the organisation you act for."))
    template = CompetitionTemplate(
        name=name.strip(),
        organisation_id=actor.organisation.id,
        created_by_id=getattr(actor.user, "id", None),
        snapshot=build_snapshot(competition),
    )
    db.session.add(template)
    db.session.flush()
    record(actor, "template.saved", template, competition=competition, after={"name": template.name})
    return template

"""The public content of a call as plain data: snapshots, differences and publication checks.

A snapshot is what a CallVersion stores (R4) and what the public call page shows. The
checks name every missing or wrong item before publication (R1, R2, R3, R5, R7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import icalendar
from flask_babel import gettext as _

from compete.competitions.models import Competition
from compete.competitions.states import StageKind
from compete.core.i18n import lazy_gettext as _l

TIE_BREAK_RULES = {
    "highest_first_criterion": _l("Highest score on the first criterion wins"),
    "highest_minimum": _l("Highest lowest single criterion score wins"),
    "jury_vote": _l("The jury decides by a separate vote"),
    "lot": _l("Lot drawn in the presence of two officers"),
}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    return None if not value else datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def build_snapshot(competition: Competition) -> dict:
    """Everything public in the call, as JSON-ready data."""
    return {
        "title": competition.title,
        "summary": competition.summary,
        "background": competition.background,
        "budget": competition.budget,
        "jury_binding": competition.jury_binding,
        "follow_on_contract": competition.follow_on_contract,
        "ipr_terms": competition.ipr_terms,
        "standstill_days": competition.standstill_days,
        "default_language": competition.default_language,
        "owners": [owner.organisation.name for owner in competition.owners],
        "eligibility": [
            {"name": c.name, "definition": c.definition, "self_check_question": c.self_check_question}
            | ({"max_registration_years": c.max_registration_years} if c.max_registration_years else {})
            for c in competition.eligibility_categories
        ],
        "stages": [
            {
                "position": s.position,
                "name": s.name,
                "kind": s.kind.value,
                "description": s.description,
                "opens_at": _iso(s.opens_at),
                "deadline_at": _iso(s.deadline_at),
                "question_deadline_at": _iso(s.question_deadline_at),
                "advancing_count": s.advancing_count,
                "award_amount": s.award_amount,
                "anonymous": s.anonymous,
                "tie_break_rule": s.tie_break_rule,
                "criteria": [
                    {
                        "name": c.name,
                        "description": c.description,
                        "weight": c.weight,
                        "scale_min": c.scale_min,
                        "scale_max": c.scale_max,
                        "descriptors": {str(k): v for k, v in sorted(c.descriptors.items(), key=lambda i: int(i[0]))},
                    }
                    for c in s.criteria
                ],
                "fields": [
                    {
                        "key": f.key,
                        "kind": f.kind,
                        "label": f.label,
                        "help_text": f.help_text,
                        "word_limit": f.word_limit,
                        "required": f.required,
                        # Only when set, so that the snapshots of earlier versions still compare equal.
                        **({"personal_data": True} if f.personal_data else {}),
                    }
                    for f in s.fields
                ],
                "file_slots": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "allowed_types": f.allowed_types,
                        "max_mb": f.max_mb,
                        "required": f.required,
                    }
                    for f in s.file_slots
                ],
            }
            for s in competition.stages
        ],
    }


def flatten(data, prefix: str = "") -> dict[str, object]:
    """{"stages": [{"name": "A"}]} -> {"stages.1.name": "A"} (lists numbered from 1)."""
    out: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list) and data and isinstance(data[0], dict):
        for i, value in enumerate(data, start=1):
            out.update(flatten(value, f"{prefix}{i}."))
    else:
        out[prefix.rstrip(".")] = ", ".join(map(str, data)) if isinstance(data, list) else data
    return out


@dataclass(frozen=True)
class Change:
    path: str
    before: object
    after: object


def diff(old: dict, new: dict) -> list[Change]:
    """What changed between two snapshots, in the order of the newer one."""
    a, b = flatten(old), flatten(new)
    keys = list(b) + [k for k in a if k not in b]
    return [Change(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


@dataclass(frozen=True)
class Problem:
    """One missing or wrong item of a call, and where the officer fixes it: `fix` names the form
    ("settings", "eligibility", "stage", "criteria", "new_stage"), `position` the stage if any."""

    message: object
    fix: str = "settings"
    position: int | None = None

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Check:
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_call(competition: Competition, *, at: datetime, min_window_days: int = 14) -> Check:
    """Every missing or wrong item that blocks publication (R1, R2, R3, R5), and R7 warnings."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if not competition.background.strip():
        errors.append(Problem(_l("Background and need are missing.")))
    if competition.budget <= 0:
        errors.append(Problem(_l("The budget is missing.")))
    if competition.jury_binding is None:
        errors.append(Problem(_l("State whether the jury is binding or advisory.")))
    if competition.follow_on_contract is None:
        errors.append(Problem(_l("State whether a follow-on contract may be awarded.")))
    if not competition.ipr_terms.strip():
        errors.append(Problem(_l("The IPR terms are missing.")))
    if not competition.eligibility_categories:
        warnings.append(
            Problem(
                _l("Add at least one eligibility category with its definition and self-check question."), "eligibility"
            )
        )
    if not competition.stages:
        errors.append(Problem(_l("Add at least one stage."), "new_stage"))
    if competition.total_stage_payments > competition.budget:
        errors.append(
            Problem(
                _l(
                    "Stage payments (%(payments)s kr) exceed the budget (%(budget)s kr).",
                    payments=competition.total_stage_payments,
                    budget=competition.budget,
                )
            )
        )
    previous_deadline = None
    for stage in competition.stages:
        name = f"{stage.position}. {stage.name}"

        def stage_error(message, fix: str = "stage", position: int = stage.position) -> None:
            errors.append(Problem(message, fix, position))

        if stage.opens_at is None:
            stage_error(_l("Stage %(stage)s: the opening time is missing.", stage=name))
        if stage.deadline_at is None:
            stage_error(_l("Stage %(stage)s: the deadline is missing.", stage=name))
        if stage.kind == StageKind.SOLUTION_DEVELOPMENT:
            if competition.follow_on_contract is False:
                stage_error(
                    _l(
                        "Stage %(stage)s is a solution development stage, but the call says no follow-on contract "
                        "will be awarded.",
                        stage=name,
                    )
                )
            continue
        if stage.question_deadline_at is None and stage.position == 1:
            stage_error(_l("Stage %(stage)s: the question deadline is missing.", stage=name))
        elif stage.deadline_at and stage.question_deadline_at and stage.question_deadline_at > stage.deadline_at:
            stage_error(_l("Stage %(stage)s: the question deadline is after the deadline.", stage=name))
        if stage.advancing_count <= 0:
            stage_error(_l("Stage %(stage)s: the number advancing is missing.", stage=name))
        if stage.award_amount <= 0:
            stage_error(_l("Stage %(stage)s: the payment per advancing participant is missing.", stage=name))
        if not stage.criteria:
            stage_error(_l("Stage %(stage)s: no criteria.", stage=name), "criteria")
        else:
            total = sum(c.weight for c in stage.criteria)
            if total != 100:
                stage_error(
                    _l("Stage %(stage)s: the weights total %(total)s %%, not 100 %%.", stage=name, total=total),
                    "criteria",
                )
        if not stage.tie_break_rule:
            stage_error(_l("Stage %(stage)s: choose a tie-break rule.", stage=name), "criteria")
        if stage.opens_at and stage.deadline_at:
            if stage.deadline_at - stage.opens_at < timedelta(days=min_window_days):
                warnings.append(
                    Problem(
                        _l(
                            "Stage %(stage)s: the submission window is shorter than %(days)s days.",
                            stage=name,
                            days=min_window_days,
                        ),
                        "stage",
                        stage.position,
                    )
                )
            if previous_deadline and stage.opens_at < previous_deadline:
                stage_error(_l("Stage %(stage)s opens before the previous stage's deadline.", stage=name))
        if stage.position == 1 and stage.deadline_at and stage.deadline_at <= at and competition.published_at is None:
            stage_error(_l("Stage %(stage)s: the deadline has already passed.", stage=name))
        previous_deadline = stage.deadline_at or previous_deadline
    return Check(errors, warnings)


class CallView(SimpleNamespace):
    """A snapshot with attribute access and parsed times, for templates."""


def call_view(snapshot: dict) -> CallView:
    def convert(value, key=""):
        if isinstance(value, dict) and key != "descriptors":
            return CallView(**{k: convert(v, k) for k, v in value.items()})
        if isinstance(value, list):
            return [convert(v) for v in value]
        if key.endswith("_at"):
            return parse_iso(value)
        return value

    view = convert(snapshot)
    for stage in view.stages:
        stage.total_payment = stage.advancing_count * stage.award_amount
    return view


def next_deadline(view: CallView, at: datetime) -> tuple[str, str, datetime] | None:
    """(stage name, "deadline" or "questions", time) of the next deadline after `at`."""
    upcoming = []
    for stage in view.stages:
        if stage.question_deadline_at and stage.question_deadline_at > at:
            upcoming.append((stage.question_deadline_at, stage.name, "questions"))
        if stage.deadline_at and stage.deadline_at > at:
            upcoming.append((stage.deadline_at, stage.name, "deadline"))
    if not upcoming:
        return None
    when, name, kind = min(upcoming)
    return name, kind, when


def ics_calendar(slug: str, title: str, view: CallView, *, stamp: datetime, base_url: str, language: str = "nb") -> str:
    """The call's deadlines as an RFC 5545 calendar (icalendar: UTC times with Z, CRLF, folded lines).
    Event titles are in the reader's language (R47): call it inside a request or force_locale."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Compete//Calls//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for stage in view.stages:
        for kind, when, text in (
            ("questions", stage.question_deadline_at, _("%(title)s: %(stage)s – question deadline")),
            ("deadline", stage.deadline_at, _("%(title)s: %(stage)s – deadline")),
        ):
            if not when:
                continue
            event = icalendar.Event()
            event.add("uid", f"{slug}-stage{stage.position}-{kind}@compete")
            event.add("dtstamp", stamp.astimezone(UTC))
            event.add("dtstart", when.astimezone(UTC))
            event.add("dtend", when.astimezone(UTC))
            event.add("summary", text % {"title": title, "stage": stage.name}, parameters={"language": language})
            event.add("url", f"{base_url}/competitions/{slug}")
            calendar.add_component(event)
    return calendar.to_ical().decode()

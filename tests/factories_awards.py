"""Factories for awards: a stage whose jury ranking is locked (and de-anonymised), decisions,
sent notices, and the second stage run by the selected participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from compete.audit.services import Actor
from compete.awards import services
from compete.awards.services.decisions import next_stage
from compete.competitions.models import Stage
from compete.competitions.states import StageState
from compete.core.time import frozen_at
from compete.extensions import db
from compete.jury import services as jury_services
from compete.jury.models import SeatRole
from compete.submissions import services as submission_services
from compete.submissions.models import Eligibility, Submission
from tests.factories import make_officer, make_user
from tests.factories_jury import declare_all_clear, make_jury_stage, score
from tests.factories_submissions import GOOD_CONTENT, Setup


@dataclass
class World:
    setup: Setup
    officer: Actor
    entries: list[Submission]  # ranked best first
    seats: list

    @property
    def stage(self) -> Stage:
        return self.setup.stage

    @property
    def competition(self):
        return self.setup.competition


def treasurer(world: World) -> Actor:
    """A second officer of the buyer, who registers as paid what `world.officer` approved (R37)."""
    return Actor(make_officer(world.setup.buyer, name="Kari Kasserer"), world.setup.buyer, "officer")


def lock_ranking(stage: Stage, entries: list[Submission], officer: Actor, *, jurors: int = 2, values=None) -> list:
    """Seat jurors, score `entries` so that they rank in the given order (unless `values` says
    otherwise: one score per entry, used for every criterion), record remarks and approve the
    report, which locks the ranking."""
    seats = []
    for index in range(jurors):
        seat = jury_services.appoint(
            stage, make_user(name=f"Jurymedlem {index + 1}"), SeatRole.CHAIR if index == 0 else SeatRole.MEMBER, officer
        )
        jury_services.accept_briefing(seat)
        seats.append(seat)
    values = values or [max(0, 9 - i) for i in range(len(entries))]  # ties below 9 entries
    for seat in seats:
        declare_all_clear(seat, entries)
        for entry, value in zip(entries, values, strict=True):
            score(seat, entry, [value] * len(stage.criteria))
    for entry in entries:
        jury_services.record_remark(seats[0], entry, f"Merknad om {entry.code}: tydelig behov, svakere plan.")
    for seat in seats:
        jury_services.approve_report(seat)
    db.session.flush()
    assert stage.state == StageState.RANKING_LOCKED
    return seats


def make_ranked_stage(entries: int = 4, *, deanonymise: bool = True, jury_binding: bool = False) -> World:
    """Stage 1 of a two-stage competition with `entries` eligible entries and a locked ranking in the
    order of `World.entries`."""
    setup, officer, submissions, _seats = make_jury_stage(entries=entries, jurors=0)
    setup.competition.jury_binding = jury_binding
    seats = lock_ranking(setup.stage, submissions, officer)
    if deanonymise:
        jury_services.deanonymise(setup.stage, officer)
    db.session.flush()
    return World(setup, officer, submissions, seats)


def decide(world: World, count: int | None = None, **kwargs):
    chosen = [e.id for e in world.entries[: count if count is not None else world.stage.advancing_count]]
    return services.record_decision(world.stage, world.officer, chosen, **kwargs)


def decide_and_notify(world: World, count: int | None = None, **kwargs):
    decision = decide(world, count, **kwargs)
    services.send_notices(decision, world.officer)
    db.session.flush()
    return decision


def run_final_stage(world: World, decision) -> tuple[Stage, list[Submission]]:
    """The selected participants submit in stage 2 while it is open; the deadline passes; the jury
    ranks them (in selection order) and the ranking locks. Stage 2 is not anonymous."""
    stage2 = world.competition.stages[1]
    entries = []
    by_org = {e.organisation_id: e for e in world.entries}
    with frozen_at(stage2.opens_at + timedelta(days=1)):
        for selection in decision.selections:
            first = by_org[selection.organisation_id]
            submission = submission_services.start_submission(stage2, first.created_by, first.organisation, "")
            submission_services.save_draft(submission, first.created_by, GOOD_CONTENT)
            submission_services.submit(submission, first.created_by, f"stage2-{submission.id}")
            entries.append(submission)
    for submission in entries:
        submission.eligibility = Eligibility.ELIGIBLE
    stage2.state = StageState.JURY_SCORING
    db.session.flush()
    lock_ranking(stage2, entries, world.officer)
    return stage2, entries


def submit_deliverable(world: World, award, *, days: int = 1) -> Submission:
    """The award's participant submits its entry in the next stage `days` after it opens: the
    deliverable a stage award pays for (R37)."""
    stage2 = next_stage(award.stage)
    first = next(e for e in world.entries if e.organisation_id == award.organisation_id)
    with frozen_at(stage2.opens_at + timedelta(days=days)):
        submission = submission_services.start_submission(stage2, first.created_by, first.organisation, "")
        submission_services.save_draft(submission, first.created_by, GOOD_CONTENT)
        submission_services.submit(submission, first.created_by, f"deliverable-{submission.id}")
    db.session.flush()
    return submission

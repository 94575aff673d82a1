"""Factories for the jury: a stage in jury scoring with eligible entries and seated jurors."""

from __future__ import annotations

from datetime import timedelta

from compete.audit.services import Actor
from compete.competitions.states import StageState
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.jury import services
from compete.jury.models import Answer, SeatRole
from compete.submissions.models import Eligibility
from tests.factories import make_participant, make_user
from tests.factories_submissions import make_setup, make_submitted


def make_jury_stage(entries: int = 4, jurors: int = 3):
    """A stage whose deadline has passed, in JURY_SCORING, with eligible entries and jurors
    (the first is the chair) who have accepted the briefing but not yet declared."""
    start = now()
    with frozen_at(start - timedelta(days=30)):
        setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
        submissions = [make_submitted(setup)]
        for _ in range(entries - 1):
            user, org = make_participant()
            submissions.append(make_submitted(setup, user=user, organisation=org))
    for submission in submissions:
        submission.eligibility = Eligibility.ELIGIBLE
    setup.stage.state = StageState.JURY_SCORING
    officer = Actor(setup.officer, setup.buyer, "officer")
    seats = []
    for index in range(jurors):
        juror = make_user(name=f"Juror {index + 1}")
        seat = services.appoint(setup.stage, juror, SeatRole.CHAIR if index == 0 else SeatRole.MEMBER, officer)
        services.accept_briefing(seat)
        seats.append(seat)
    db.session.flush()
    return setup, officer, submissions, seats


def declare_all_clear(seat, submissions, overrides: dict | None = None):
    answers = {s.id: (Answer.NO_CONFLICT, "") for s in submissions}
    answers.update(overrides or {})
    services.declare(seat, "Ingen tilknytning", answers)


def score(seat, submission, values: list[int], *, submit: bool = True):
    criteria = seat.stage.criteria
    return services.save_scorecard(
        seat,
        submission,
        {c.id: (v, f"Begrunnelse for {c.name}") for c, v in zip(criteria, values, strict=True)},
        submit=submit,
    )


def make_scored_stage(entries: int = 3, jurors: int = 3, conflict: bool = True):
    """A stage where every juror declared (the second one conflicted with the first entry when
    `conflict`), and every juror submitted every scorecard they may give."""
    setup, officer, submissions, seats = make_jury_stage(entries=entries, jurors=jurors)
    for index, seat in enumerate(seats):
        overrides = {submissions[0].id: (Answer.CONFLICT, "Styremedlem")} if conflict and index == 1 else {}
        declare_all_clear(seat, submissions, overrides)
    for index, seat in enumerate(seats):
        for position, submission in enumerate(submissions):
            if services.can_see(seat, submission):
                value = min(10, 3 + position * 2 + index)
                score(seat, submission, [value] * len(seat.stage.criteria))
    db.session.flush()
    return setup, officer, submissions, seats


def clarification_through(seat, submission, functionary, participant, *, until: str = "relayed"):
    """Ask a question and take it as far as `until` (asked, forwarded, answered, relayed)."""
    item = services.ask(seat, submission, "Hvor mange unge kan dere ta imot per år?")
    if until == "asked":
        return item
    services.forward(item, functionary, "Hvor mange unge kan løsningen ta imot per år?")
    if until == "forwarded":
        return item
    services.respond(item, participant, "Rundt 40 unge per år.")
    if until == "answered":
        return item
    services.relay(item, functionary, "Rundt 40 unge per år.")
    return item

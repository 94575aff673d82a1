"""Demo jury data: two more competitions made from "Unge på vei til jobb", whose stage 1 deadline
has passed with 12 sketches each. In "Ungdom i arbeid – Vestland" the jury is mid-scoring (one declared conflict,
drafts and missing scorecards, a clarification answered and one waiting for the functionary); in
"Trøndelag" the whole jury has scored, the chair has recorded remarks and everyone has approved,
so the ranking is locked and ready to be de-anonymised. Idempotent; flush only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import OrgCategory, User
from compete.audit.services import Actor
from compete.competitions import services as competition_services
from compete.competitions.models import Competition
from compete.competitions.states import StageState
from compete.core import time as clock
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer, SeatRole
from compete.submissions import services as submission_services

COMPETITIONS = [
    ("ungdom-i-arbeid-vestland", "Ungdom i arbeid – Vestland", "scoring"),
    ("ungdom-i-arbeid-trondelag", "Ungdom i arbeid – Trøndelag", "locked"),
]
JURY = [
    ("juror1@demo.test", SeatRole.CHAIR),
    ("juror2@demo.test", SeatRole.MEMBER),
    ("juror3@demo.test", SeatRole.MEMBER),
    ("juror4@demo.test", SeatRole.MEMBER),
    ("userrep@demo.test", SeatRole.USER_REPRESENTATIVE),
]
REMARKS = [
    "Tydelig forankret i de unges egne mål; juryen ønsker mer om hvordan resultatene måles.",
    "Realistisk plan og sterkt lokalt nettverk.",
    "God idé, men usikker gjennomføringsevne i neste fase.",
]


def load(accounts: list[tuple[str, str]]) -> None:
    from compete.demo import NAV_ORGNR, _org, _user
    from compete.demo import SLUG as MAIN_SLUG

    main = db.session.scalars(select(Competition).where(Competition.slug == MAIN_SLUG)).first()
    if main is None:
        return
    nav = _org("NAV", NAV_ORGNR, OrgCategory.PUBLIC_BODY, buyer=True)
    officer = _user("officer@demo.test", "Ola Innkjøper")
    actor = Actor(officer, nav, "officer")
    for slug, title, state in COMPETITIONS:
        if db.session.scalars(select(Competition.id).where(Competition.slug == slug)).first() is None:
            _competition(main, nav, actor, slug, title, state)
    db.session.flush()


def _user_by_email(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _competition(main, nav, actor, slug, title, state) -> None:
    from compete.competitions.demo import _at_oslo_noon
    from compete.submissions.demo import _fill

    real_now = now()
    saved = clock._frozen
    try:
        clock.freeze(real_now - timedelta(days=40))
        competition = competition_services.create_competition(actor, nav, title=title, slug=slug, source=main)
        competition_services.update_settings(competition, actor, {"budget": 600_000})
        dates = [(-38, -10, -15), (30, 70, 60), (100, 465, None)]
        for stage, (opens, deadline, questions) in zip(competition.stages, dates, strict=False):
            competition_services.save_stage(
                competition,
                actor,
                stage,
                {
                    "opens_at": _at_oslo_noon(real_now, opens),
                    "deadline_at": _at_oslo_noon(real_now, deadline),
                    "question_deadline_at": _at_oslo_noon(real_now, questions) if questions is not None else None,
                },
            )
        competition_services.publish(competition, actor, min_window_days=0)
        stage = competition.stages[0]
        _fill(competition, submitted=12, drafts=0, moment=stage.deadline_at - timedelta(days=3))
    finally:
        clock.freeze(saved) if saved is not None else clock.unfreeze()
    db.session.flush()
    services.appoint_staff(stage, _user_by_email("functionary@demo.test"), "functionary", actor)
    services.appoint_staff(stage, _user_by_email("verifier@demo.test"), "verifier", actor)
    submission_services.start_formal_check(stage, actor)
    entries = list(stage_entries(stage))
    for submission in entries:
        submission_services.decide_eligibility(submission, actor, eligible=True)
    seats = [services.appoint(stage, _user_by_email(email), role, actor) for email, role in JURY]
    entries = queries.entries(stage)
    for index, seat in enumerate(seats):
        services.accept_briefing(seat)
        conflict = {entries[4].id: (Answer.CONFLICT, "Jeg sitter i styret til en av søkerne.")} if index == 2 else {}
        answers = {e.id: (Answer.NO_CONFLICT, "") for e in entries} | conflict
        services.declare(seat, "Ingen tilknytning til søkerne utover det som er oppgitt.", answers)
    competition_services.transition_stage(stage, StageState.JURY_SCORING, actor)
    complete = state == "locked"
    for index, seat in enumerate(seats):
        for position, entry in enumerate(entries):
            if not services.can_see(seat, entry):
                continue
            if not complete and (index + position) % 3 == 0:
                continue  # still missing
            base = 9 - (position * 7) // len(entries)
            values = {
                c.id: (
                    max(c.scale_min, min(c.scale_max, base + (index + c.position + position) % 3 - 1)),
                    _why(c.name, base),
                )
                for c in stage.criteria
            }
            submit = complete or (index + position) % 3 != 1
            services.save_scorecard(seat, entry, values, submit=submit)
    functionary = _user_by_email("functionary@demo.test")
    participant = entries[1].organisation.memberships[0].user
    question = services.ask(seats[1], entries[1], "Hvor mange unge kan tiltaket ta imot det første året?")
    services.forward(question, functionary, "Hvor mange unge kan tiltaket ta imot det første året?")
    services.respond(question, participant, "Vi har plass til 40 unge det første året, 60 det andre.")
    services.relay(question, functionary, "Tiltaket har plass til 40 unge det første året og 60 det andre.")
    if not complete:
        services.ask(seats[0], entries[2], "Hvilke bedrifter har sagt ja til å ta imot praksiskandidater?")
        return
    for entry, remark in zip(queries.ranking(stage)[:3], REMARKS, strict=False):
        services.record_remark(seats[0], next(e for e in entries if e.id == entry.entry), remark)
    for seat in seats:
        services.approve_report(seat)


def stage_entries(stage):
    from compete.submissions.models import Submission, SubmissionStatus

    return db.session.scalars(
        select(Submission).where(Submission.stage_id == stage.id, Submission.status == SubmissionStatus.SUBMITTED)
    )


def _why(criterion: str, base: int) -> str:
    if base >= 7:
        return f"{criterion}: sterkt svar, godt begrunnet og konkret."
    if base >= 4:
        return f"{criterion}: lovende, men noe uklart på enkelte punkter."
    return f"{criterion}: svakt belyst i skissen."

"""Demo jury data: three more competitions made from "Unge på vei til jobb", whose stage 1 deadline
has passed with 12 sketches each. In "Ungdom i arbeid – Vestland" the jury is mid-scoring (one declared conflict,
drafts and missing scorecards, a clarification answered and one waiting for the functionary); in
"Trøndelag" the whole jury has scored, the chair has recorded remarks and everyone has approved,
so the ranking is locked and ready to be de-anonymised. «Unge på vei til jobb – 2025» is an earlier round
run two years back (the clock frozen at each step): its stage 1 is scored with a declared doubt ruled a conflict and
its ranking locked, so the awards and contracts demos can carry it to a winner and a contract. Idempotent; flush
only."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import OrgCategory, User
from compete.audit.services import Actor
from compete.competitions import services as competition_services
from compete.competitions.models import Competition
from compete.competitions.states import StageState
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer, EntryDeclaration, SeatRole
from compete.submissions import services as submission_services

COMPETITIONS = [
    ("ungdom-i-arbeid-vestland", "Ungdom i arbeid – Vestland", "scoring"),
    ("ungdom-i-arbeid-trondelag", "Ungdom i arbeid – Trøndelag", "locked"),
    ("unge-pa-vei-til-jobb-2025", "Unge på vei til jobb – 2025", "finished"),
]
FINISHED_SLUG = "unge-pa-vei-til-jobb-2025"
# Days from now: when the competition was created, and (opens, deadline, question deadline) per stage.
TIMELINES = {
    "recent": (-40, [(-38, -10, -15), (30, 70, 60), (100, 465, None)]),
    "finished": (-760, [(-758, -730, -735), (-700, -660, -665), (-625, -260, None)]),
}
FINISHED_SUMMARY = (
    "Forrige runde av «Unge på vei til jobb»: tolv idéskisser, tre videreutviklinger, én vinner og en "
    "effektkontrakt med målte resultater."
)
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
    historical = state == "finished"
    created, dates = TIMELINES["finished" if historical else "recent"]
    with frozen_at(real_now + timedelta(days=created)):
        competition = competition_services.create_competition(actor, nav, title=title, slug=slug, source=main)
        settings = {"budget": 600_000} | ({"summary": FINISHED_SUMMARY} if historical else {})
        competition_services.update_settings(competition, actor, settings)
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
    if historical:
        _questions_and_extension(competition, stage, actor)
    _fill(competition, submitted=12, drafts=0, moment=stage.deadline_at - timedelta(days=3))
    db.session.flush()
    functionary = _user_by_email("functionary@demo.test")
    with _at(stage.deadline_at + timedelta(days=1) if historical else None):
        services.appoint_staff(stage, functionary, "functionary", actor)
        services.appoint_staff(stage, _user_by_email("verifier@demo.test"), "verifier", actor)
        submission_services.start_formal_check(stage, actor)
        for submission in list(stage_entries(stage)):
            submission_services.decide_eligibility(submission, actor, eligible=True)
    seats = score_stage(stage, actor, complete=state != "scoring", historical=historical)
    entries = queries.entries(stage)
    participant = entries[1].organisation.memberships[0].user
    with _at(stage.deadline_at + timedelta(days=3) if historical else None):
        question = services.ask(seats[1], entries[1], "Hvor mange unge kan tiltaket ta imot det første året?")
        services.forward(question, functionary, "Hvor mange unge kan tiltaket ta imot det første året?")
        services.respond(question, participant, "Vi har plass til 40 unge det første året, 60 det andre.")
        services.relay(question, functionary, "Tiltaket har plass til 40 unge det første året og 60 det andre.")
    if state == "scoring":
        services.ask(seats[0], entries[2], "Hvilke bedrifter har sagt ja til å ta imot praksiskandidater?")
        return
    approve(stage, seats, historical=historical)


def _questions_and_extension(competition, stage, actor: Actor) -> None:
    """A published question and answer, and the stage 1 deadline extended by two days with a reason."""
    from compete.competitions import qa
    from compete.submissions.services import extend_deadline

    asker = _user_by_email("applicant3@demo.test")
    with frozen_at(stage.opens_at + timedelta(days=6)):
        question = qa.ask_question(
            competition, asker, asker.memberships[0].organisation, "Må vi ha samarbeidsavtale med et NAV-kontor?"
        )
    with frozen_at(stage.opens_at + timedelta(days=7)):
        qa.publish_answer(
            question,
            actor,
            answer="Nei. En avtale kan komme i fase 2; beskriv gjerne hvilke NAV-kontor dere vil samarbeide med.",
            public_body=question.body,
        )
    with frozen_at(stage.deadline_at - timedelta(days=4)):
        extend_deadline(
            stage,
            actor,
            stage.deadline_at + timedelta(days=2),
            "Innleveringen var utilgjengelig i fire timer; fristen forlenges for alle.",
        )


def _at(moment):
    """Freeze the clock at `moment` (a historical step), or leave it running (None)."""
    return frozen_at(moment) if moment is not None else nullcontext()


def score_stage(stage, actor: Actor, *, complete: bool = True, historical: bool = False) -> list:
    """Seat the demo jury on a stage whose formal check is done, declare impartiality and score.

    Juror 3 has a conflict with the fifth entry: declared outright in a recent competition, declared
    "in doubt" and ruled a conflict by the officer in a historical one (its steps a day apart after
    the deadline). With `complete` False some scorecards stay drafts or missing."""
    day = (lambda n: _at(stage.deadline_at + timedelta(days=n))) if historical else (lambda n: _at(None))
    with day(2):
        seats = [services.appoint(stage, _user_by_email(email), role, actor) for email, role in JURY]
        entries = queries.entries(stage)
        for index, seat in enumerate(seats):
            services.accept_briefing(seat)
            doubt = Answer.IN_DOUBT if historical else Answer.CONFLICT
            conflict = (
                {entries[4].id: (doubt, "Jeg sitter i styret til en av søkerne.")}
                if index == 2 and len(entries) > 4
                else {}
            )
            answers = {e.id: (Answer.NO_CONFLICT, "") for e in entries} | conflict
            services.declare(seat, "Ingen tilknytning til søkerne utover det som er oppgitt.", answers)
        if historical and len(entries) > 4:
            declaration = db.session.scalars(
                select(EntryDeclaration).where(
                    EntryDeclaration.seat_id == seats[2].id, EntryDeclaration.submission_id == entries[4].id
                )
            ).one()
            services.rule(
                declaration,
                actor,
                conflicted=True,
                reason="Styreverv hos søkeren gir inhabilitet; jurymedlemmet vurderer ikke denne skissen.",
            )
        competition_services.transition_stage(stage, StageState.JURY_SCORING, actor)
    with day(4):
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
    return seats


def approve(stage, seats, *, historical: bool = False) -> None:
    """The chair's remarks on the top three, then every juror approves the report: the ranking locks."""
    with _at(stage.deadline_at + timedelta(days=8) if historical else None):
        entries = queries.entries(stage)
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

"""Factories for the end-to-end run of "Unge på vei til jobb": stage 1 of a two-stage competition
with a published call, a question and its answer, 12 submitted sketches, a formal check, a jury
that declares and scores, and a locked, de-anonymised ranking. Everything goes through the real
services on a controlled clock so that the protocol has a complete record to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor
from compete.competitions import qa
from compete.competitions.models import Competition, CompetitionStaff, Stage
from compete.competitions.services.lifecycle import transition_stage
from compete.competitions.states import StageState
from compete.core.time import frozen_at
from compete.extensions import db
from compete.jury import services as jury_services
from compete.submissions import services as submission_services
from compete.submissions.models import Submission
from tests.factories import make_participant, make_user
from tests.factories_awards import lock_ranking
from tests.factories_competitions import publish_version_one
from tests.factories_submissions import GOOD_CONTENT, make_setup

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # stage 1 opened the day before; its deadline is T0 + 14 days
NAMES = (
    "Arbeidsbro AS",
    "Mentorløftet SA",
    "Veiviser Ung AS",
    "Læringsverket AS",
    "Jobbstart Norge AS",
    "Neste Steg AS",
    "Ungdomskraft SA",
    "Praksisporten AS",
    "Fremtidsfabrikken AS",
    "Kompetansebanken AS",
    "Sjansen AS",
    "Nye Muligheter AS",
)


@dataclass
class Competition12:
    competition: Competition
    stage: Stage
    officer: User
    buyer: Organisation
    functionary: User
    verifier: User
    participants: list[tuple[User, Organisation]]  # in the jury's ranking order, best first
    entries: list[Submission]  # the same order
    times: dict[str, datetime] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(self.officer, self.buyer, "officer")


def make_stage_one_ranked(*, entries: int = 12) -> Competition12:
    """A published two-stage call (3 × 50 000 kr, then one winner with 450 000 kr) with one answered
    question, `entries` sketches submitted on time, all found eligible in the formal check, scored by
    a jury of two and ranked in the order of `Competition12.entries`; the ranking is locked and
    de-anonymised. The clock ends at T0 + 16 days."""
    with frozen_at(T0):
        setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
        competition, stage = setup.competition, setup.stage
        competition.title = "Unge på vei til jobb"
        setup.officer.email = "innkjoper@nav.test"
        setup.buyer.name = "NAV"
        actor = Actor(setup.officer, setup.buyer, "officer")
        publish_version_one(competition, setup.officer, setup.buyer)
        participants = [(setup.user, setup.organisation)] + [make_participant() for _ in range(entries - 1)]
        for index, (user, org) in enumerate(participants):
            org.name = NAMES[index % len(NAMES)]
            user.email = f"deltaker{index + 1}@ung.test"
        verifier = make_user(email="verifikator@ssb.test", name="Vera Verifikator")
        jury_services.appoint_staff(stage, verifier, "verifier", actor)
    with frozen_at(T0 + timedelta(days=2)):
        question = qa.ask_question(competition, *participants[0], "Kan vi samarbeide med en kommune?")
    with frozen_at(T0 + timedelta(days=3)):
        qa.publish_answer(question, actor, answer="Ja, som underleverandør.", public_body=question.body)
    submissions = []
    for index, (user, org) in enumerate(participants):
        with frozen_at(T0 + timedelta(days=4, hours=index)):
            submission = submission_services.start_submission(stage, user, org, "")
            submission_services.save_draft(submission, user, GOOD_CONTENT)
            submission_services.submit(submission, user, f"e2e-{submission.id}")
            submissions.append(submission)
    functionary = Actor(setup.functionary, None, "functionary")
    with frozen_at(T0 + timedelta(days=15)):
        submission_services.start_formal_check(stage, functionary)
        for submission in submissions:
            submission_services.decide_eligibility(submission, functionary, eligible=True)
    with frozen_at(T0 + timedelta(days=16)):
        transition_stage(stage, StageState.JURY_SCORING, actor)
        # Two jurors agree: 10, 9, ..., 0 (the last two tie; the top three are clear).
        lock_ranking(stage, submissions, actor, values=[max(0, 10 - i) for i in range(len(submissions))])
        jury_services.deanonymise(stage, actor)
    db.session.flush()
    return Competition12(
        competition=competition,
        stage=stage,
        officer=setup.officer,
        buyer=setup.buyer,
        functionary=setup.functionary,
        verifier=verifier,
        participants=participants,
        entries=submissions,
    )


def _competition(slug: str) -> Competition:
    return db.session.scalars(select(Competition).where(Competition.slug == slug)).one()


def submit_stage_two(slug: str, organisation_names: list[str]) -> None:
    """Stage-2 entries of the named (selected) participants, submitted through the services while
    the stage is open."""
    stage = _competition(slug).stages[1]
    for name in organisation_names:
        organisation = db.session.scalars(select(Organisation).where(Organisation.name == name)).one()
        user = organisation.memberships[0].user
        submission = submission_services.start_submission(stage, user, organisation, "")
        submission_services.save_draft(submission, user, GOOD_CONTENT)
        submission_services.submit(submission, user, f"e2e-2-{submission.id}")
    db.session.flush()


def rank_final_stage(slug: str, order: list[str]) -> None:
    """After stage 2's deadline: formal check, jury scoring, and a locked ranking in the order of the
    organisation names in `order`."""
    competition = _competition(slug)
    stage = competition.stages[1]
    functionary_user = db.session.scalars(
        select(User)
        .join(CompetitionStaff, CompetitionStaff.user_id == User.id)
        .where(CompetitionStaff.competition_id == competition.id, CompetitionStaff.role == "functionary")
    ).first()
    officer = Actor(
        competition.owners[0].organisation.memberships[0].user, competition.owners[0].organisation, "officer"
    )
    functionary = Actor(functionary_user, None, "functionary")
    entries = db.session.scalars(select(Submission).where(Submission.stage_id == stage.id)).all()
    entries = sorted(entries, key=lambda e: order.index(e.organisation.name))
    submission_services.start_formal_check(stage, functionary)
    for submission in entries:
        submission_services.decide_eligibility(submission, functionary, eligible=True)
    transition_stage(stage, StageState.JURY_SCORING, officer)
    lock_ranking(stage, entries, officer, values=[9 - i for i in range(len(entries))])
    db.session.flush()

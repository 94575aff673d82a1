"""Factories for the protocol: one competition with a full record of the call and submissions,
built through the real services on a controlled clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor
from compete.competitions import qa
from compete.competitions import services as competition_services
from compete.competitions.models import Competition, EligibilityCategory, Question, Stage
from compete.core.time import frozen_at
from compete.extensions import db
from compete.submissions import services
from compete.submissions.models import LateAttempt, Submission
from tests.factories import make_participant
from tests.factories_competitions import publish_version_one
from tests.factories_submissions import GOOD_CONTENT, make_setup

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # stage 1 opened the day before; deadline T0 + 14 days
CATEGORIES = ("Sosial entreprenør", "Oppstartsbedrift", "Ideell organisasjon")


@dataclass
class Record:
    competition: Competition
    stage: Stage
    officer: User
    buyer: Organisation
    functionary: User
    participants: list[tuple[User, Organisation]]
    submissions: list[Submission]
    questions: list[Question]
    late: LateAttempt
    times: dict[str, datetime] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(self.officer, self.buyer, "officer")


def at(days: float, hours: int = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def submit(stage: Stage, user: User, org: Organisation, category: str, content: dict | None = None) -> Submission:
    submission = services.start_submission(stage, user, org, category)
    services.save_draft(submission, user, content or GOOD_CONTENT)
    services.submit(submission, user, f"key-{submission.id}-{len(submission.versions)}")
    return submission


def make_record(*, formal_check: bool = True) -> Record:
    """Version 1 and an amendment, two questions (one answered), three submitted entries (one
    replaced by a second version), one withdrawn, an extension, a late attempt, and a formal check
    with one eligible and one rejected entry."""
    times: dict[str, datetime] = {}
    with frozen_at(T0):
        setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
        competition, stage = setup.competition, setup.stage
        for position, name in enumerate(CATEGORIES, start=1):
            competition.eligibility_categories.append(
                EligibilityCategory(
                    position=position, name=name, definition=f"{name}: definisjon", self_check_question="?"
                )
            )
        db.session.flush()
        actor = Actor(setup.officer, setup.buyer, "officer")
        publish_version_one(competition, setup.officer, setup.buyer)
        participants = [(setup.user, setup.organisation)] + [make_participant() for _ in range(3)]
    with frozen_at(at(1)):
        competition.summary = "Unge under 30 på vei til arbeid eller utdanning"
        competition_services.amend(competition, actor, "Målgruppen er presisert")
        times["amended"] = at(1)
    with frozen_at(at(2)):
        first = qa.ask_question(competition, *participants[0], "Kan Kari Nordmann AS søke sammen med en kommune?")
    with frozen_at(at(3)):
        qa.publish_answer(
            first, actor, answer="Ja, som underleverandør.", public_body="Kan vi søke sammen med en kommune?"
        )
    with frozen_at(at(4)):
        second = qa.ask_question(competition, *participants[1], "Hvor lang kan skissen være?")
    submissions = []
    with frozen_at(at(5)):
        submissions.append(submit(stage, *participants[0], CATEGORIES[0]))
    with frozen_at(at(6)):
        submissions.append(submit(stage, *participants[1], CATEGORIES[1]))
    with frozen_at(at(6, 2)):
        submissions.append(submit(stage, *participants[2], CATEGORIES[0]))
    with frozen_at(at(7)):
        services.save_draft(
            submissions[0], participants[0][0], {**GOOD_CONTENT, "solution": "Mentorer og lønnstilskudd."}
        )
        services.submit(submissions[0], participants[0][0], f"key-{submissions[0].id}-2")
    with frozen_at(at(8)):
        withdrawn = submit(stage, *participants[3], CATEGORIES[2])
    with frozen_at(at(8, 3)):
        services.withdraw(withdrawn, participants[3][0])
        times["withdrawn"] = at(8, 3)
    with frozen_at(at(10)):
        services.extend_deadline(stage, actor, at(16), "Driftsavbrudd på plattformen")
    with frozen_at(at(17)):
        late = services.record_late_attempt(
            stage,
            participants[3][0],
            participants[3][1],
            "submit",
            submission=withdrawn,
            uploads=[("skisse.pdf", b"%PDF-1.4 late")],
            content=GOOD_CONTENT,
        )
    if formal_check:
        functionary = Actor(setup.functionary, None, "functionary")
        with frozen_at(at(18)):
            services.start_formal_check(stage, functionary)
            services.decide_eligibility(submissions[0], functionary, eligible=True)
            services.decide_eligibility(submissions[1], functionary, eligible=False, ground="Ikke en oppstartsbedrift")
    db.session.flush()
    return Record(
        competition=competition,
        stage=stage,
        officer=setup.officer,
        buyer=setup.buyer,
        functionary=setup.functionary,
        participants=participants,
        submissions=[*submissions, withdrawn],
        questions=[first, second],
        late=late,
        times=times,
    )

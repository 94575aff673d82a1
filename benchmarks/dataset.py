"""The benchmark's data, built through the services (real receipts, audit chain, outbox):

- a jury stage with N submitted sketches, J jurors and K jurors per entry (300 × 10 × 3 = 900
  scorecards in `make bench`), all scorecards submitted except the first juror's first one, which
  stays a draft so that it can be re-saved;
- an open stage for the deadline surge with P participants ready to start their submission.

The query-count tests build the same shapes at 30 and 300 entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory, User
from compete.audit.services import Actor
from compete.competitions.models import Competition, CompetitionOwner, Criterion, FileSlot, Stage, TemplateField
from compete.competitions.states import CompetitionState, StageKind, StageState
from compete.core.time import frozen_at, now
from compete.extensions import db

PASSWORD = "bench password 2026"  # noqa: S105 - the benchmark's throwaway accounts
CONTENT = {
    "problem": "Unge faller ut av skolen og står uten arbeid.",
    "solution": "Mentorer fra arbeidslivet følger dem opp hver uke i ett år.",
}


@dataclass
class JuryWorld:
    competition: Competition
    stage: Stage
    officer: User
    buyer: Organisation
    jurors: list[User]
    submissions: list = field(default_factory=list)
    draft_code: str = ""  # the entry whose scorecard the first juror keeps as a draft


@dataclass
class SurgeWorld:
    competition: Competition
    stage: Stage
    participants: list[tuple[User, Organisation]]


def _hash(password: str, cheap: bool) -> str:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1) if cheap else PasswordHasher()
    return hasher.hash(password)


class _People:
    """Users and organisations with one shared password hash (argon2 is slow on purpose)."""

    def __init__(self, prefix: str, cheap_hash: bool):
        self.prefix = prefix
        self.hash = _hash(PASSWORD, cheap_hash)
        self.n = 0

    def user(self, name: str) -> User:
        self.n += 1
        moment = now()
        user = User(
            email=f"{self.prefix}-{self.n}@bench.example",
            name=name,
            password_hash=self.hash,
            language="nb",
            email_verified_at=moment,
            privacy_accepted_at=moment,
            password_changed_at=moment,
        )
        db.session.add(user)
        return user

    def org(self, name: str, *, owner: User | None = None, buyer: bool = False) -> Organisation:
        self.n += 1
        org = Organisation(
            name=name,
            country="SE",
            foreign_registration=f"{self.prefix.upper()}{self.n:07d}",
            category=OrgCategory.PUBLIC_BODY if buyer else OrgCategory.START_UP,
            buyer_status=BuyerStatus.APPROVED if buyer else BuyerStatus.NONE,
        )
        db.session.add(org)
        if owner is not None:
            db.session.add(Membership(user=owner, organisation=org, role=MemberRole.OWNER))
        return org

    def participants(self, count: int) -> list[tuple[User, Organisation]]:
        pairs = []
        for i in range(count):
            user = self.user(f"Deltaker {i + 1}")
            pairs.append((user, self.org(f"Oppstart {self.prefix} {i + 1} AS", owner=user)))
        db.session.flush()
        return pairs


def _competition(slug: str, buyer: Organisation, *, deadline_in: timedelta):
    moment = now()
    competition = Competition(
        slug=slug,
        title=f"Unge på vei til jobb ({slug})",
        summary="Unge på vei til jobb: hvordan kan flere unge under 30 komme i arbeid?",
        background="## Behov\nUnge under 30 står i fare for å falle utenfor arbeid og utdanning.\n\n"
        + "\n".join(f"- Punkt {i}: erfaringer fra veiledere og unge selv." for i in range(20)),
        budget=600_000,
        state=CompetitionState.PUBLISHED,
        jury_binding=False,
        follow_on_contract=True,
        ipr_terms="Deltakeren beholder rettighetene; kjøperen får en vederlagsfri lisens.",
        standstill_days=10,
        published_at=moment,
    )
    competition.owners.append(CompetitionOwner(organisation=buyer, is_lead=True))
    stage = Stage(
        position=1,
        name="Idéskisse",
        kind=StageKind.IDEA_SKETCH,
        opens_at=moment - timedelta(days=1),
        deadline_at=moment + deadline_in,
        question_deadline_at=moment + deadline_in - timedelta(days=5) if deadline_in > timedelta(days=7) else None,
        advancing_count=3,
        award_amount=50_000,
        anonymous=True,
        tie_break_rule="highest_first_criterion",
    )
    for position, (name, weight) in enumerate(
        [("Relevans for behovet", 30), ("Nytte for brukerne", 30), ("Gjennomførbarhet", 25), ("Team", 15)], start=1
    ):
        stage.criteria.append(
            Criterion(
                position=position,
                name=name,
                weight=weight,
                scale_min=0,
                scale_max=10,
                descriptors={"0": "Ikke besvart", "5": "Tilfredsstillende", "10": "Fremragende"},
            )
        )
    stage.fields.append(TemplateField(position=1, key="problem", kind="long_text", label="Problem", word_limit=300))
    stage.fields.append(TemplateField(position=2, key="solution", kind="long_text", label="Løsning", word_limit=600))
    stage.file_slots.append(
        FileSlot(position=1, key="sketch", label="Idéskisse (PDF)", allowed_types="pdf", max_mb=10, required=False)
    )
    competition.stages.append(stage)
    db.session.add(competition)
    db.session.flush()
    from compete.competitions.services import lifecycle

    return competition, lifecycle


def build_jury_stage(
    entries: int = 300, jurors: int = 10, per_entry: int = 3, *, slug: str = "bench-jury", cheap_hash: bool = False
) -> JuryWorld:
    """A stage in jury scoring; flushes, the caller commits."""
    from compete.jury import services as jury
    from compete.jury.models import Answer, AssignmentMode, SeatRole
    from compete.submissions import services as submissions
    from compete.submissions.models import Eligibility

    people = _People(slug, cheap_hash)
    start = now()
    with frozen_at(start - timedelta(days=30)):
        buyer = people.org("NAV bench", buyer=True)
        officer = people.user("Saksbehandler Bench")
        db.session.add(Membership(user=officer, organisation=buyer, role=MemberRole.MEMBER, is_officer=True))
        db.session.flush()
        competition, lifecycle = _competition(slug, buyer, deadline_in=timedelta(days=14))
        actor = Actor(officer, buyer, "officer")
        lifecycle._new_version(competition, actor, 1, "")
        stage = competition.stages[0]
        world = JuryWorld(competition, stage, officer, buyer, [])
        for index, (user, org) in enumerate(people.participants(entries)):
            submission = submissions.start_submission(stage, user, org, "")
            submissions.save_draft(submission, user, CONTENT)
            submissions.submit(submission, user, f"{slug}-{index}")
            world.submissions.append(submission)
    for submission in world.submissions:
        submission.eligibility = Eligibility.ELIGIBLE
    stage.state = StageState.FORMAL_CHECK
    seats = []
    for index in range(jurors):
        juror = people.user(f"Jurymedlem {index + 1}")
        db.session.flush()
        world.jurors.append(juror)
        seat = jury.appoint(stage, juror, SeatRole.CHAIR if index == 0 else SeatRole.MEMBER, actor)
        jury.accept_briefing(seat)
        jury.declare(seat, "Ingen tilknytning", {s.id: (Answer.NO_CONFLICT, "") for s in world.submissions})
        seats.append(seat)
    jury.set_assignment(stage, AssignmentMode.PER_ENTRY, per_entry, actor)
    stage.state = StageState.JURY_SCORING
    db.session.flush()
    from compete.jury.models import Assignment

    assigned = {
        (row.seat_id, row.submission_id)
        for row in db.session.execute(
            select(Assignment.seat_id, Assignment.submission_id).where(Assignment.seat_id.in_([s.id for s in seats]))
        )
    }
    criteria = stage.criteria
    for s_index, seat in enumerate(seats):
        first = True
        for e_index, submission in enumerate(world.submissions):
            if (seat.id, submission.id) not in assigned:
                continue
            draft = s_index == 0 and first
            if draft:
                world.draft_code = submission.code
            first = False
            values = {c.id: ((e_index * 7 + s_index * 3 + c.position) % 11, f"Begrunnelse {c.name}") for c in criteria}
            jury.save_scorecard(seat, submission, values, submit=not draft)
    db.session.flush()
    return world


def build_surge_stage(participants: int = 500, *, slug: str = "bench-surge", cheap_hash: bool = False) -> SurgeWorld:
    """An open stage (deadline in an hour) and participants who have not started yet."""
    people = _People(slug, cheap_hash)
    buyer = people.org("NAV surge", buyer=True)
    officer = people.user("Saksbehandler Surge")
    db.session.add(Membership(user=officer, organisation=buyer, role=MemberRole.MEMBER, is_officer=True))
    db.session.flush()
    competition, lifecycle = _competition(slug, buyer, deadline_in=timedelta(hours=1))
    lifecycle._new_version(competition, Actor(officer, buyer, "officer"), 1, "")
    return SurgeWorld(competition, competition.stages[0], people.participants(participants))

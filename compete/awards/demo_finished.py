"""The finished competition in the demo («Unge på vei til jobb – 2025»): from the jury's locked stage 1
ranking to the winner's paid award, through the real services with the clock frozen at each historical
step. The contracts demo then signs the development contract. Flush only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.audit.services import Actor
from compete.awards import services
from compete.awards.models import Decision, Notice, StageAward
from compete.awards.states import AwardState
from compete.competitions.models import Competition, Stage
from compete.competitions.states import StageState
from compete.core.time import OSLO, frozen_at, oslo_to_utc
from compete.extensions import db
from compete.notifications.models import OutboxMessage, OutboxStatus
from compete.submissions import services as submission_services
from compete.submissions.models import Submission, SubmissionStatus

PAID = [
    AwardState.AGREEMENT_SIGNED,
    AwardState.DELIVERED,
    AwardState.ACCEPTED,
    AwardState.PAYMENT_APPROVED,
    AwardState.PAID,
]
STAGE2_TEXT = {
    "problem": "Unge som står utenfor arbeid og utdanning trenger tett, individuell oppfølging.",
    "solution": "Videreutviklet løsning, prøvd ut med ti unge og to arbeidsgivere i fase 2.",
    "user_benefit": "De unge setter egne mål og får en fast kontaktperson gjennom hele løpet.",
    "feasibility": "Testet i to NAV-kontor; plan og budsjett for fase 3 er klare.",
    "team": "Prosjektleder, to veiledere og en rådgiver med erfaring fra arbeidslivet.",
    "plan": "450 000 kr går til å bygge løsningen og prøve den ut i større skala.",
}


def finish(competition: Competition, officer: Actor) -> bool:
    """Decide stage 1 and stage 2 of the finished competition and pay its awards. Returns False when
    there is nothing to do (stage 1 not locked, or already decided)."""
    stage1, stage2 = competition.stages[0], competition.stages[1]
    if services.decision_for(stage1) is not None or stage1.state != StageState.RANKING_LOCKED:
        return False
    first = _decide(stage1, officer, stage1.deadline_at + timedelta(days=12))
    _complaint(first, officer)
    awards = _awards(first)
    with frozen_at(office_hours(first.standstill_ends_at, 2)):
        for award in awards:
            services.transition_award(award, AwardState.AGREEMENT_SIGNED, officer)
    _second_stage(stage2, first, officer)
    with frozen_at(stage2.deadline_at + timedelta(days=2)):
        for award in awards:
            for target in PAID[1:]:
                services.transition_award(
                    award, target, paying(officer, target), invoice_reference=f"NAV-2025-{award.id:04d}"
                )
    from compete.jury.demo import approve, score_stage

    seats = score_stage(stage2, officer, historical=True)
    approve(stage2, seats, historical=True)
    final = _decide(stage2, officer, stage2.deadline_at + timedelta(days=10))
    (winner,) = _awards(final)
    with frozen_at(office_hours(final.standstill_ends_at, 1)):
        services.transition_award(winner, AwardState.AGREEMENT_SIGNED, officer)
    with frozen_at(office_hours(final.standstill_ends_at, 30)):
        for target in PAID[1:-1]:
            services.transition_award(winner, target, officer, invoice_reference=f"NAV-2025-{winner.id:04d}")
    with frozen_at(office_hours(final.standstill_ends_at, 35, 13)):
        services.transition_award(winner, AwardState.PAID, paying(officer, AwardState.PAID))
    # --- Innsyn (R44): a journalist's request answered with a redacted package (compete/innsyn/demo.py).
    from compete.innsyn.demo import answer_request

    answer_request(competition, officer, office_hours(final.standstill_ends_at, 42), stage2)
    # --- end of innsyn
    mark_sent(competition)
    db.session.flush()
    return True


def paying(officer: Actor, target: AwardState) -> Actor:
    """Four eyes on money (R37): the demo's treasurer registers as paid what the officer approved."""
    if target != AwardState.PAID:
        return officer
    from compete.demo import _member, _user

    treasurer = _user("treasurer@demo.test", "Kari Kasserer")
    _member(treasurer, officer.organisation, officer=True)
    return Actor(treasurer, officer.organisation, "officer")


def office_hours(moment, days: int, hour: int = 10):
    """10:00 Oslo time `days` days after the day of `moment` (a standstill ends at midnight)."""
    day = (moment.astimezone(OSLO) + timedelta(days=days)).replace(tzinfo=None)
    return oslo_to_utc(day.replace(hour=hour, minute=0, second=0, microsecond=0))


def _decide(stage: Stage, officer: Actor, moment) -> Decision:
    """De-anonymise (an anonymous stage), decide from the jury's proposal, send the notices two hours later."""
    from compete.jury import services as jury_services

    with frozen_at(moment):
        if stage.anonymous and stage.state == StageState.RANKING_LOCKED:
            jury_services.deanonymise(stage, officer)
        decision = services.record_decision(stage, officer, services.proposal(stage))
    with frozen_at(moment + timedelta(hours=2)):
        services.send_notices(decision, officer)
    return decision


def _complaint(decision: Decision, officer: Actor) -> None:
    chosen = {s.submission_id for s in decision.selections}
    notices = db.session.scalars(select(Notice).where(Notice.decision_id == decision.id).order_by(Notice.id)).all()
    loser = next(n for n in notices if n.submission_id not in chosen)
    with frozen_at(decision.notices_sent_at + timedelta(days=3)):
        complaint = services.register_complaint(
            decision,
            loser.recipient,
            loser.organisation,
            "Vi mener juryen ikke la nok vekt på at tiltaket vårt allerede er prøvd ut i liten skala.",
        )
    with frozen_at(decision.notices_sent_at + timedelta(days=5)):
        services.respond(
            complaint,
            officer,
            "Juryen vurderte skissen etter kriteriene slik de sto i utlysningen, og utprøvingen er omtalt under "
            "gjennomførbarhet. Vi opprettholder tildelingsbeslutningen.",
        )


def _awards(decision: Decision) -> list[StageAward]:
    return list(
        db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id).order_by(StageAward.id))
    )


def _second_stage(stage: Stage, decision: Decision, officer: Actor) -> None:
    """The three selected submit their further development before the deadline; the formal check follows."""
    firsts = {
        s.organisation_id: s
        for s in db.session.scalars(select(Submission).where(Submission.stage_id == decision.stage_id))
    }
    keys = [f.key for f in stage.fields]
    for index, selection in enumerate(sorted(decision.selections, key=lambda s: s.rank or 0)):
        first = firsts[selection.organisation_id]
        with frozen_at(stage.deadline_at - timedelta(days=2, hours=index)):
            submission = submission_services.start_submission(
                stage, first.created_by, first.organisation, first.eligibility_category
            )
            content = {key: STAGE2_TEXT.get(key, STAGE2_TEXT["solution"]) for key in keys}
            submission_services.save_draft(submission, first.created_by, content)
            submission_services.submit(submission, first.created_by, f"demo-{stage.competition.slug}-2-{first.id}")
    with frozen_at(stage.deadline_at + timedelta(days=1)):
        submission_services.start_formal_check(stage, officer)
        for submission in db.session.scalars(
            select(Submission).where(Submission.stage_id == stage.id, Submission.status == SubmissionStatus.SUBMITTED)
        ):
            submission_services.decide_eligibility(submission, officer, eligible=True)


def mark_sent(competition: Competition) -> None:
    """What the outbox worker would have done at the time: every message of the competition sent, a few
    seconds after it was queued (one after another), so each letter shows its own send time."""
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.competition_id == competition.id, OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id)
    ).all()
    for index, message in enumerate(pending):
        message.status = OutboxStatus.SENT
        message.attempts = 1
        message.sent_at = message.next_attempt_at + timedelta(seconds=3 + 2 * (index % 30))
        message.last_error = None
    db.session.flush()

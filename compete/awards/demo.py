"""Demo data for awards: in the closed competition, once its first stage's jury ranking is locked
(the jury's demo data), a decision with notices sent, a complaint answered after the standstill,
and three awards (two agreements signed, one pending; stage 2 has not opened, so nothing is
delivered yet). Without a locked ranking it does nothing. In the finished
competition «Unge på vei til jobb – 2025» (two years back, the clock frozen at each step) it carries the
jury's locked stage 1 to the end: decision, notices sent, a complaint answered, three stage awards paid, stage 2
run by the three and scored, the winner decided, notified and paid. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.services import Actor
from compete.awards import services
from compete.awards.models import StageAward
from compete.awards.states import AwardState
from compete.competitions.models import Competition
from compete.competitions.permissions import officer_organisation
from compete.competitions.states import StageState
from compete.core.time import frozen_at, now
from compete.extensions import db


def load(accounts: list[tuple[str, str]]) -> None:
    from compete.competitions.demo import SLUG as CLOSED_SLUG

    competition = db.session.scalars(select(Competition).where(Competition.slug == CLOSED_SLUG)).first()
    officer = db.session.scalars(select(User).where(User.email == "officer@demo.test")).first()
    if competition is None or officer is None:
        return
    organisation = officer_organisation(officer, competition)
    if organisation is not None:
        show_decision(competition, Actor(officer, organisation, "officer"))
    from compete.jury.demo import FINISHED_SLUG

    finished = db.session.scalars(select(Competition).where(Competition.slug == FINISHED_SLUG)).first()
    organisation = officer_organisation(officer, finished) if finished is not None else None
    if organisation is not None:
        from compete.awards.demo_finished import finish

        finish(finished, Actor(officer, organisation, "officer"))


def show_decision(competition: Competition, officer: Actor) -> bool:
    """Decide stage 1 from its locked ranking 20 days ago, notify, take and answer a complaint,
    and sign two of the awards' agreements (the deliverables come in stage 2, which has not opened).
    Returns False when there is nothing to show (no locked ranking) or it was done before."""
    from compete.jury import services as jury_services

    stage = competition.stages[0] if competition.stages else None
    if stage is None or services.decision_for(stage) is not None:
        return False
    if stage.state not in (StageState.RANKING_LOCKED, StageState.DEANONYMISED):
        return False
    proposal = services.proposal(stage)
    if not proposal:
        return False
    start = now() - timedelta(days=20)
    with frozen_at(start):
        if stage.anonymous and stage.state == StageState.RANKING_LOCKED:
            jury_services.deanonymise(stage, officer)
        decision = services.record_decision(
            stage,
            officer,
            proposal,
            fewer_reason="Færre enn varslet holdt minstenivået." if len(proposal) < stage.advancing_count else "",
        )
    with frozen_at(start + timedelta(hours=2)):
        notices = services.send_notices(decision, officer)
    chosen = {s.submission_id for s in decision.selections}
    loser = next((n for n in notices if n.submission_id not in chosen), None)
    if loser is not None and loser.recipient is not None:
        with frozen_at(start + timedelta(days=3)):
            complaint = services.register_complaint(
                decision,
                loser.recipient,
                loser.organisation,
                "Vi mener juryen ikke la nok vekt på gjennomførbarheten i skissen vår.",
            )
        with frozen_at(start + timedelta(days=5)):
            services.respond(
                complaint,
                officer,
                "Juryen vurderte gjennomførbarheten etter kriteriet slik det sto i utlysningen. "
                "Vi opprettholder beslutningen.",
            )
    awards = db.session.scalars(
        select(StageAward).where(StageAward.decision_id == decision.id).order_by(StageAward.id)
    ).all()
    # Stage 2 has not opened yet, so no deliverable exists: two agreements are signed, one is pending (R37).
    plans = [[AwardState.AGREEMENT_SIGNED], [AwardState.AGREEMENT_SIGNED], []]
    with frozen_at(decision.standstill_ends_at + timedelta(days=1)):
        for award, plan in zip(awards, plans, strict=False):
            for target in plan:
                services.transition_award(award, target, officer, invoice_reference=f"DEMO-{award.id:04d}")
    db.session.flush()
    return True

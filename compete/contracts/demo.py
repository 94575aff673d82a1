"""Demo contract: for a competition whose final decision has a winner and whose gate is open, a signed
development contract with two milestones (one paid) and one outcome milestone verified and paid, with
its measured results published. When the winner's standstill ended long ago (the finished competition of
the demo), each step happens at its historical moment: signed days after the standstill, the first milestone
paid two months later, the outcome measured over a year and claimed, verified and paid after it. Idempotent;
does nothing when no competition has a winner yet."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from compete.audit.services import Actor
from compete.awards.demo_finished import paying
from compete.awards.gate import agreement_blocked, decision_of
from compete.awards.states import AwardState
from compete.competitions.models import Competition, CompetitionStaff
from compete.competitions.permissions import officer_organisation
from compete.contracts import queries, services
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.time import frozen_at, now, to_oslo
from compete.extensions import db


def load(accounts: list[tuple[str, str]]) -> None:
    from compete.demo import _user

    officer = _user("officer@demo.test", "Ola Innkjøper")
    verifier = _user("verifier@demo.test", "Vera Verifikator")
    for competition in db.session.scalars(select(Competition).order_by(Competition.id)):
        winner = queries.winner(competition)
        if winner is None or queries.contract_of(competition) is not None:
            continue
        if not queries.announced_follow_on(competition) or agreement_blocked(winner.stage) is not None:
            continue
        organisation = officer_organisation(officer, competition)
        if organisation is None:
            continue
        from compete.awards.demo_finished import office_hours

        signed = office_hours(decision_of(winner.stage).standstill_ends_at, 3)
        if signed + HISTORY > now():
            signed = None  # a recent winner: everything happens now
        _contract(competition, Actor(officer, organisation, "officer"), verifier, signed)


# Days after signing: first milestone delivered and paid, outcome window, claim, verification, payment, results.
HISTORY = timedelta(days=470)
STEPS = {"deliver": 55, "pay": 65, "window": (30, 395), "claim": 420, "verify": 430, "paid": 440, "results": 455}


def _contract(competition: Competition, officer: Actor, verifier, signed=None) -> None:
    """Sign now (`signed` None) or at the historical moment `signed`, then carry the contract on."""
    if not queries.is_verifier_of(verifier, competition):
        db.session.add(CompetitionStaff(competition=competition, user=verifier, role="verifier"))
        db.session.flush()
    start = signed or now()
    if signed is not None:
        later = lambda step: start + timedelta(days=STEPS[step])  # noqa: E731
    else:
        later = lambda step: now() + timedelta(minutes=5)  # noqa: E731
    with frozen_at(start):
        contract, outcome = _draft(competition, officer, verifier, signed is not None)
    _carry_on(contract, outcome, officer, verifier, later)
    if signed is not None:
        from compete.awards.demo_finished import mark_sent

        mark_sent(competition)


def _draft(competition: Competition, officer: Actor, verifier, historical: bool):
    today = to_oslo(now()).date()
    if historical:
        window_from, window_to = (today + timedelta(days=days) for days in STEPS["window"])
        pilot_due = to_oslo(now() + HISTORY).date() + timedelta(days=90)
    else:
        window_from, window_to = today - timedelta(days=400), today - timedelta(days=35)
        pilot_due = today + timedelta(days=180)
    contract = services.create_contract(competition, officer, 1_500_000)
    services.add_milestone(contract, officer, "Prototype testet med 10 unge", 250_000, today + timedelta(days=60))
    services.add_milestone(contract, officer, "Pilot i to NAV-kontor", 350_000, pilot_due)
    outcome = services.add_outcome(
        contract,
        officer,
        definition="Ung person under 30 år i arbeid eller utdanning 12 måneder etter oppstart i tiltaket",
        target_cohort="Unge 18–29 år som starter i avklaringstiltak hos NAV i pilotperioden",
        measure="Antall deltakere i arbeid eller utdanning",
        threshold="Minst 50 % stilling eller fulltidsstudium i tre sammenhengende måneder",
        data_source="NAVs registerdata (Arena og Aa-registeret), aggregert per kvartal",
        verifier=verifier,
        window_from=window_from,
        window_to=window_to,
        price_per_outcome=25_000,
        cap=600_000,
    )
    services.sign_contract(contract, officer, today)
    return contract, outcome


def _carry_on(contract, outcome, officer: Actor, verifier, later) -> None:
    members = queries.contractor_members(contract)
    if not members:
        return
    contractor = members[0]
    treasurer = paying(officer, AwardState.PAID)  # four eyes on money (R37)
    first = contract.milestones[0]
    with frozen_at(later("deliver")):
        services.transition_milestone(
            first,
            MilestoneState.DELIVERED,
            Actor(contractor, contract.organisation, "contractor"),
            "contractor",
            note="Rapport fra testingen er sendt på e-post.",
        )
        for target in (MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED):
            services.transition_milestone(first, target, officer, "officer")
    with frozen_at(later("pay")):
        services.transition_milestone(
            first,
            MilestoneState.PAID,
            treasurer,
            "officer",
            invoice_reference="INV-2026-101",
            recipient_orgnr=contract.contractor_registration,
            paid_on=to_oslo(now()).date(),
        )
    with frozen_at(later("claim")):
        claim = services.submit_claim(
            outcome,
            contractor,
            contract.organisation,
            14,
            "14 av 32 deltakere var i arbeid eller utdanning ved utløpet av observasjonsperioden (aggregert).",
            filename="resultater.csv",
            data=b"kvartal;deltakere;i arbeid eller utdanning\n2026K1;32;14\n",
        )
    with frozen_at(later("verify")):
        services.transition_claim(
            claim,
            ClaimState.VERIFIED,
            Actor(verifier, None, "verifier"),
            "verifier",
            verified_count=13,
            note="Én deltaker hadde under 50 % stilling.",
        )
        services.transition_claim(claim, ClaimState.APPROVED, officer, "officer")
    with frozen_at(later("paid")):
        services.transition_claim(
            claim,
            ClaimState.PAID,
            treasurer,
            "officer",
            invoice_reference="INV-2026-117",
            recipient_orgnr=contract.contractor_registration,
            paid_on=to_oslo(now()).date(),
        )
    with frozen_at(later("results")):
        services.publish_results(
            contract,
            officer,
            "13 av 32 unge (41 %) var i arbeid eller utdanning etter 12 måneder, mot 25 % i sammenligningsgruppen.",
        )

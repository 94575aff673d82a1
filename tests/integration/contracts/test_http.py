"""The contract step through HTTP: the officer drafts and signs, the contractor claims, the verifier
verifies, the officer approves and pays; e-mails read from the SMTP server."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string
from sqlalchemy import select

from compete.accounts.models import MemberRole, Membership
from compete.audit import protocol
from compete.audit.models import AuditEntry
from compete.competitions.models import CompetitionOwner
from compete.competitions.states import StageState
from compete.contracts.models import Claim, Contract
from compete.contracts.states import ClaimState
from compete.extensions import db
from compete.notifications.services import send_pending
from tests.factories import make_org
from tests.factories_competitions import login_as
from tests.factories_contracts import make_contract, make_winner_setup, today

T0 = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def cs(app, clock):
    clock.set(T0)
    setup = make_winner_setup()
    db.session.commit()
    return setup


def _base(cs):
    return f"/manage/competitions/{cs.competition.slug}/contract"


def test_full_contract_with_an_outcome_verified_and_paid(client, cs, smtp):
    login_as(client, cs.officer, cs.buyer)
    page = client.get(_base(cs)).get_data(as_text=True)
    assert cs.winner_org.name in page and cs.competition.ipr_terms in page

    assert client.post(_base(cs), data={"ceiling": "1 000 000 kr"}).status_code == 302
    contract = db.session.scalars(select(Contract)).one()
    assert contract.ceiling == 1_000_000
    added = client.post(
        f"{_base(cs)}/milestones", data={"description": "Prototype", "amount": "200 000", "due_on": "2027-09-01"}
    )
    assert added.status_code == 302
    window_to = today() - timedelta(days=1)
    outcome_data = {
        "definition": "I arbeid eller utdanning etter 12 måneder",
        "target_cohort": "Unge 18–29 år",
        "measure": "Antall i arbeid eller utdanning",
        "threshold": "Minst 3 sammenhengende måneder",
        "data_source": "NAVs registerdata, aggregert",
        "verifier": str(cs.verifier.id),
        "window_from": (window_to - timedelta(days=365)).isoformat(),
        "window_to": window_to.isoformat(),
        "price_per_outcome": "25 000",
        "cap": "500 000",
    }
    assert client.post(f"{_base(cs)}/outcomes", data=outcome_data).status_code == 302
    too_much = client.post(
        f"{_base(cs)}/milestones", data={"description": "X", "amount": "900 000", "due_on": "2027-09-01"}
    )
    assert too_much.status_code == 409
    assert "1\u00a0000\u00a0000\u00a0kr" in too_much.get_data(as_text=True)
    assert client.post(f"{_base(cs)}/sign", data={"signed_on": today().isoformat()}).status_code == 302
    db.session.refresh(contract)
    assert contract.is_signed
    outcome = contract.outcomes[0]

    # The contractor claims, with a personal-data refusal first.
    login_as(client, cs.winner, cs.winner_org)
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/claims"
    refused = client.post(
        url,
        data={f"o{outcome.id}-claimed_count": "9", f"o{outcome.id}-statement": "Kari, fnr 15076500565, er i jobb"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 409
    assert "fødselsnummer" in refused.get_data(as_text=True) or "identity" in refused.get_data(as_text=True)
    sent = client.post(
        url,
        data={
            f"o{outcome.id}-claimed_count": "9",
            f"o{outcome.id}-statement": "9 av 24 deltakere i arbeid eller utdanning",
            f"o{outcome.id}-evidence": (io.BytesIO(b"kohort;antall\n2026;9\n"), "oppsummering.csv"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    claim = db.session.scalars(select(Claim)).one()

    # The officer may not see the evidence (R50); the verifier may, and verifies.
    login_as(client, cs.officer, cs.buyer)
    assert client.get(f"/verify/claims/{claim.id}/evidence").status_code == 403
    login_as(client, cs.verifier)
    assert f"/verify/claims/{claim.id}" in client.get("/verify").get_data(as_text=True)
    assert client.get(f"/verify/claims/{claim.id}/evidence").data == b"kohort;antall\n2026;9\n"
    verified = client.post(
        f"/verify/claims/{claim.id}",
        data={"decision": "verify", "verified_count": "8", "note": "Én uten dokumentasjon"},
    )
    assert verified.status_code == 302

    login_as(client, cs.officer, cs.buyer)
    assert client.post(f"{_base(cs)}/claims/{claim.id}/approve").status_code == 302
    login_as(client, cs.treasurer, cs.buyer)  # four eyes: another officer registers the payment (R37)
    paid = client.post(
        f"{_base(cs)}/claims/{claim.id}/pay",
        data={"invoice_reference": "F-2027-17", "recipient_orgnr": cs.winner_org.orgnr, "paid_on": today().isoformat()},
    )
    assert paid.status_code == 302
    db.session.refresh(claim)
    assert (claim.state, claim.amount, claim.invoice_reference) == (ClaimState.PAID, 200_000, "F-2027-17")
    assert client.post(f"{_base(cs)}/results", data={"summary": "8 av 24 i arbeid eller utdanning."}).status_code == 302

    send_pending()
    received = sorted((m["To"], m["Subject"]) for m in smtp.messages)
    assert received == sorted(
        [
            (cs.verifier.email, f"Krav til verifisering: {cs.competition.title}"),
            (cs.officer.email, f"Krav verifisert: {cs.competition.title}"),
            (cs.treasurer.email, f"Krav verifisert: {cs.competition.title}"),  # every officer of the buyer
            (cs.winner.email, "Betaling registrert: 200\u00a0000\u00a0kr"),  # non-breaking spaces kept
        ]
    )

    html = render_template_string('{% include "contracts/_results.html" %}', competition=cs.competition)
    assert "8 av 24 i arbeid eller utdanning." in html
    assert '<td class="num">8</td>' in html and "200\u00a0000\u00a0kr" in html

    rows = next(s for s in protocol.build(cs.competition)["sections"] if s["key"] == "contracts")["rows"]
    kinds = [r["record"] for r in rows]
    assert kinds == ["contract", "milestone", "outcome_milestone", "claim", "verification", "payment"]
    assert rows[0]["ceiling"] == 1_000_000 and rows[0]["signed_on"] == today().isoformat()
    assert rows[4]["verified_count"] == 8 and rows[4]["verifier"] == cs.verifier.name
    assert rows[5] == {
        "record": "payment",
        "outcome_milestone": 1,
        "claim": 1,
        "amount": 200_000,
        "invoice_reference": "F-2027-17",
        "recipient_orgnr": cs.winner_org.orgnr,
        "paid_on": today().isoformat(),
        "recorded_at": "2027-06-01T10:00:00Z",
        "approver": cs.officer.name,
    }


def test_results_partial_is_empty_until_published(app, cs):
    make_contract(cs)
    html = render_template_string('{% include "contracts/_results.html" %}', competition=cs.competition)
    assert html.strip() == ""


def test_create_page_explains_the_gate(client, app, clock):
    clock.set(T0)
    cs = make_winner_setup(standstill_left=timedelta(days=4))
    db.session.commit()
    login_as(client, cs.officer, cs.buyer)
    page = client.get(_base(cs)).get_data(as_text=True)
    assert "Karenstiden varer til 05.06.2027 kl.\u00a012.00" in page
    assert client.post(_base(cs), data={"ceiling": "500000"}).status_code == 409
    assert db.session.scalars(select(Contract)).first() is None


def test_milestone_delivery_by_the_contractor_tells_the_officers(client, cs, smtp):
    contract, _ = make_contract(cs)
    db.session.commit()
    login_as(client, cs.winner, cs.winner_org)
    milestone = contract.milestones[0]
    response = client.post(f"/contracts/{contract.id}/milestones/{milestone.id}/deliver", data={"note": "Levert"})
    assert response.status_code == 302
    send_pending()
    assert sorted(m["To"] for m in smtp.messages) == sorted([cs.officer.email, cs.treasurer.email])
    assert smtp.messages[0]["Subject"] == f"Milepæl levert: {cs.competition.title}"


def test_manage_page_links_the_contract_page_when_a_solution_development_stage_follows(client, app, clock):
    """Three stages: the last (solution development) never gets a decision, the link shows anyway."""
    clock.set(T0)
    three = make_winner_setup(stages=3)
    for stage in three.competition.stages[:2]:
        stage.state = StageState.DECIDED
    none = make_winner_setup(follow_on=False, stages=3)
    db.session.commit()
    assert three.competition.stages[-1].state != StageState.DECIDED
    login_as(client, three.officer, three.buyer)
    page = client.get(f"/manage/competitions/{three.competition.slug}").get_data(as_text=True)
    assert f'href="/manage/competitions/{three.competition.slug}/contract"' in page
    login_as(client, none.officer, none.buyer)
    page = client.get(f"/manage/competitions/{none.competition.slug}").get_data(as_text=True)
    assert "/contract" not in page


def test_a_co_owner_officer_acts_for_the_organisation_chosen_in_the_session(client, app, clock):
    clock.set(T0)
    setup = make_winner_setup()
    partner = make_org(buyer=True)
    setup.competition.owners.append(CompetitionOwner(organisation=partner, is_lead=False))
    db.session.add(Membership(user=setup.officer, organisation=partner, role=MemberRole.MEMBER, is_officer=True))
    db.session.commit()
    login_as(client, setup.officer, partner)
    assert (
        client.post(f"/manage/competitions/{setup.competition.slug}/contract", data={"ceiling": "900 000"}).status_code
        == 302
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contract.created")).one()
    assert (entry.actor_id, entry.organisation_id) == (setup.officer.id, partner.id)


def test_amounts_above_two_billion_are_refused_with_a_clear_message(client, cs):
    """The integer columns end at 2 147 483 647: larger amounts were a 500 on PostgreSQL."""
    login_as(client, cs.officer, cs.buyer)
    page = client.post(_base(cs), data={"ceiling": "3 000 000 000"}, follow_redirects=True)
    assert page.status_code == 400  # the form is shown again with the error
    assert "2 000 000 000 kr" in page.get_data(as_text=True)
    assert db.session.scalars(select(Contract)).first() is None
    assert client.post(_base(cs), data={"ceiling": "2 000 000 000"}).status_code == 302
    contract = db.session.scalars(select(Contract)).one()
    assert contract.ceiling == 2_000_000_000
    huge = {"description": "Alt", "amount": "99 999 999 999", "due_on": "2027-09-01"}
    page = client.post(f"{_base(cs)}/milestones", data=huge, follow_redirects=True)
    assert page.status_code < 500 and "2 000 000 000 kr" in page.get_data(as_text=True)
    db.session.refresh(contract)
    assert contract.milestones == []

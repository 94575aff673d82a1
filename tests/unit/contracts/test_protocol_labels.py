"""The contract's protocol section is rendered with readable headings and amounts in kroner."""

from flask_babel import force_locale

from compete.audit import protocol
from compete.audit.rendering import cell
from compete.audit.services import Actor
from compete.contracts import protocol as contracts_protocol
from compete.contracts import services
from compete.contracts.states import ClaimState, MilestoneState
from compete.extensions import db
from tests.factories_contracts import make_contract, make_winner_setup, today


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_every_key_and_record_of_the_contract_section_has_a_bokmal_heading(app):
    cs = make_winner_setup()
    make_contract(cs, outcome={})
    db.session.flush()
    rows = contracts_protocol.contracts(cs.competition)
    protocol.load_providers()  # headings are shared: some keys are registered by other domains
    with app.test_request_context(), force_locale("nb"):
        assert sorted({k for k in _keys(rows) if protocol.label(k) == k.replace("_", " ")}) == []
        assert [protocol.value_label("record", r["record"]) for r in rows][:2] == ["Kontrakt", "Milepæl"]
    assert rows[0]["committed"] == 300_000  # the JSON keeps integers
    with app.test_request_context():
        assert cell(300_000, "committed").text == "300\u00a0000\u00a0kr"


def test_payment_rows_keep_integer_references_with_bokmal_headings(app):
    """A paid milestone and a paid outcome claim: the JSON refers to them by number, the rendered
    protocol reads in bokmål (no untranslated "milestone 1" or "outcome 1, claim 1")."""
    cs = make_winner_setup()
    contract, outcome = make_contract(cs, milestones=((100_000, "Prototype"),), outcome={})
    (milestone,) = contract.milestones
    for target in (MilestoneState.DELIVERED, MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED):
        services.transition_milestone(milestone, target, cs.actor, "officer")
    payment = {"invoice_reference": "F-1", "recipient_orgnr": cs.winner_org.orgnr, "paid_on": today()}
    services.transition_milestone(milestone, MilestoneState.PAID, cs.payer, "officer", **payment)
    claim = services.submit_claim(outcome, cs.winner, cs.winner_org, 5, "5 av 60 i arbeid")
    verifier = Actor(cs.verifier, None, "verifier")
    services.transition_claim(claim, ClaimState.VERIFIED, verifier, "verifier", verified_count=5)
    services.transition_claim(claim, ClaimState.APPROVED, cs.actor, "officer")
    services.transition_claim(claim, ClaimState.PAID, cs.payer, "officer", **{**payment, "invoice_reference": "F-2"})
    db.session.flush()
    rows = contracts_protocol.contracts(cs.competition)
    payments = [r for r in rows if r["record"] == "payment"]
    assert [(p.get("milestone"), p.get("outcome_milestone"), p.get("claim")) for p in payments] == [
        (1, None, None),
        (None, 1, 1),
    ]
    protocol.load_providers()
    with app.test_request_context(), force_locale("nb"):
        assert sorted({k for k in _keys(rows) if protocol.label(k) == k.replace("_", " ")}) == []
        assert [protocol.label(k) for k in ("milestone", "outcome_milestone", "claim")] == [
            "Milepæl",
            "Effektmilepæl",
            "Krav",
        ]
        rendered = str(protocol.build(cs.competition))
    assert "milestone 1" not in rendered and "claim 1" not in rendered

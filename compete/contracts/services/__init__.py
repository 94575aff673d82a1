"""Writes for the development contract. Only flush; the request commits."""

from compete.contracts.services.drafting import (
    add_milestone,
    add_outcome,
    contract_blocked,
    create_contract,
    publish_results,
    sign_contract,
)
from compete.contracts.services.payments import (
    outcome_amount,
    record_evidence_download,
    submit_claim,
    transition_claim,
    transition_milestone,
)

__all__ = [
    "add_milestone",
    "add_outcome",
    "contract_blocked",
    "create_contract",
    "outcome_amount",
    "publish_results",
    "record_evidence_download",
    "sign_contract",
    "submit_claim",
    "transition_claim",
    "transition_milestone",
]

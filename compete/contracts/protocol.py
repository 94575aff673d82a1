"""The contract step in the procurement protocol (R42): contract, milestones, outcome milestones,
claims, verifications and payments. Times in ISO 8601 UTC, dates ISO, amounts integers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from compete.audit.protocol import iso, section
from compete.contracts import queries


def _day(value):
    return value.isoformat() if value is not None else None


@section("contracts", _l("Development contract and outcome payments"), order=90)
def contracts(competition) -> list[dict]:
    contract = queries.contract_of(competition)
    if contract is None:
        return []
    totals = queries.totals(contract)
    rows: list[dict] = [
        {
            "record": "contract",
            "contractor": contract.contractor_name,
            "registration": contract.contractor_registration,
            "ceiling": contract.ceiling,
            "committed": totals.committed,
            "paid": totals.paid,
            "ipr_terms": contract.ipr_terms,
            "created_at": iso(contract.created_at),
            "signed_on": _day(contract.signed_on),
            "signed_at": iso(contract.signed_at),
            "results_published_at": iso(contract.results_published_at),
        }
    ]
    for m in contract.milestones:
        rows.append(
            {
                "record": "milestone",
                "position": m.position,
                "description": m.description,
                "amount": m.amount,
                "due_on": _day(m.due_on),
                "state": m.state.value,
                "delivered_at": iso(m.delivered_at),
                "accepted_at": iso(m.accepted_at),
                "approved_at": iso(m.approved_at),
            }
        )
        if m.paid_on is not None:
            rows.append(
                {
                    "record": "payment",
                    "for": f"milestone {m.position}",
                    "amount": m.amount,
                    "invoice_reference": m.invoice_reference,
                    "recipient_orgnr": m.recipient_orgnr,
                    "paid_on": _day(m.paid_on),
                    "recorded_at": iso(m.paid_recorded_at),
                    "approver": m.approved_by.name if m.approved_by else None,
                }
            )
    for o in contract.outcomes:
        rows.append(
            {
                "record": "outcome_milestone",
                "position": o.position,
                "definition": o.definition,
                "target_cohort": o.target_cohort,
                "measure": o.measure,
                "threshold": o.threshold,
                "data_source": o.data_source,
                "verifier": o.verifier.name,
                "window_from": _day(o.window_from),
                "window_to": _day(o.window_to),
                "price_per_outcome": o.price_per_outcome,
                "cap": o.cap,
            }
        )
        for c in o.claims:
            rows.append(
                {
                    "record": "claim",
                    "outcome": o.position,
                    "number": c.number,
                    "submitted_at": iso(c.submitted_at),
                    "claimed_count": c.claimed_count,
                    "evidence_sha256": c.evidence_sha256,
                    "state": c.state.value,
                }
            )
            if c.verified_at is not None:
                rows.append(
                    {
                        "record": "verification",
                        "outcome": o.position,
                        "claim": c.number,
                        "verifier": c.verified_by.name if c.verified_by else None,
                        "verified_at": iso(c.verified_at),
                        "verified_count": c.verified_count,
                        "rejected": c.state.value == "rejected",
                        "note": c.verifier_note,
                    }
                )
            if c.paid_on is not None:
                rows.append(
                    {
                        "record": "payment",
                        "for": f"outcome {o.position}, claim {c.number}",
                        "amount": c.amount,
                        "invoice_reference": c.invoice_reference,
                        "recipient_orgnr": c.recipient_orgnr,
                        "paid_on": _day(c.paid_on),
                        "recorded_at": iso(c.paid_recorded_at),
                        "approver": c.approved_by.name if c.approved_by else None,
                    }
                )
    return rows

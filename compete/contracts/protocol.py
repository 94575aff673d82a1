"""The contract step in the procurement protocol (R42): contract, milestones, outcome milestones,
claims, verifications and payments. Times in ISO 8601 UTC, dates ISO, amounts integers."""

from __future__ import annotations

from compete.audit.protocol import iso, labels, section, value_labels
from compete.contracts import queries
from compete.core.i18n import lazy_gettext as _l

# Readable headings and codes in the rendered protocol (the JSON keeps the keys and codes).
labels(
    {
        "record": _l("Record"),
        "contractor": _l("Contractor"),
        "registration": _l("Organisation number"),
        "ceiling": _l("Ceiling"),
        "committed": _l("Committed"),
        "paid": _l("Paid"),
        "created_at": _l("Drafted"),
        "signed_on": _l("Date of signing"),
        "signed_at": _l("Signing recorded"),
        "results_published_at": _l("Results published"),
        "position": _l("Number"),
        "description": _l("Deliverable"),
        "due_on": _l("Due date"),
        "delivered_at": _l("Delivered"),
        "accepted_at": _l("Accepted"),
        "milestone": _l("Milestone"),
        "outcome_milestone": _l("Outcome milestone"),
        "invoice_reference": _l("Invoice reference"),
        "recipient_orgnr": _l("Recipient's organisation number"),
        "paid_on": _l("Payment date"),
        "approver": _l("Approved by"),
        "recorded_at": _l("Recorded"),
        "target_cohort": _l("Target cohort"),
        "measure": _l("Measure"),
        "threshold": _l("Threshold"),
        "data_source": _l("Data source"),
        "verifier": _l("Verifier"),
        "window_from": _l("Observation window from"),
        "window_to": _l("Observation window to"),
        "price_per_outcome": _l("Price per outcome"),
        "cap": _l("Cap"),
        "claim": _l("Claim"),
        "submitted_at": _l("Submitted"),
        "claimed_count": _l("Claimed"),
        "evidence_sha256": _l("Evidence (SHA-256)"),
        "verified_count": _l("Verified"),
        "verified_at": _l("Verified at"),
        "rejected": _l("Rejected"),
        "note": _l("Note"),
        "approved_at": _l("Payment approved"),
    }
)
value_labels(
    "record",
    {
        "contract": _l("Contract"),
        "milestone": _l("Milestone"),
        "outcome_milestone": _l("Outcome milestone"),
        "claim": _l("Claim"),
        "verification": _l("Verification"),
        "payment": _l("Payment"),
    },
)
value_labels(
    "state",
    {
        "planned": _l("Planned"),
        "submitted": _l("Submitted"),
        "verified": _l("Verified"),
        "approved": _l("Approved"),
    },
)


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
                    "milestone": m.position,
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
                    "outcome_milestone": o.position,
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
                        "outcome_milestone": o.position,
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
                        "outcome_milestone": o.position,
                        "claim": c.number,
                        "amount": c.amount,
                        "invoice_reference": c.invoice_reference,
                        "recipient_orgnr": c.recipient_orgnr,
                        "paid_on": _day(c.paid_on),
                        "recorded_at": iso(c.paid_recorded_at),
                        "approver": c.approved_by.name if c.approved_by else None,
                    }
                )
    return rows

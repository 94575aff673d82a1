"""The awards' sections of the procurement protocol (R42): decisions, notices with send times,
complaints, and awards with their payments."""

from __future__ import annotations

from compete.audit.protocol import iso, labels, section, value_labels
from compete.awards import queries
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_pgettext

# Readable headings and codes in the rendered protocol (the JSON keeps the keys and codes).
labels(
    {
        "stage_name": _l("Stage name"),
        "decided_at": lazy_pgettext("decision time", "Decided"),
        "decided_by": _l("Decided by"),
        "final": _l("Final stage"),
        "announced": _l("Announced number"),
        "selected": _l("Selected"),
        "rank": _l("Rank"),
        "deviation_reasons": _l("Reasons for deviating from the jury's ranking"),
        "fewer_reason": _l("Reason for selecting fewer than announced"),
        "amount_each": _l("Amount per participant"),
        "notices_sent_at": _l("Notices sent"),
        "standstill_ends_at": _l("Standstill ends"),
        "recipient": _l("Recipient"),
        "language": _l("Language"),
        "outcome": _l("Outcome"),
        "queued_at": _l("Queued"),
        "sent_at": _l("Sent"),
        "delivery": _l("Delivery"),
        "received_at": _l("Received"),
        "text": _l("Text"),
        "responded_at": _l("Responded"),
        "response": _l("Response"),
        "recipient_orgnr": _l("Recipient's organisation number"),
        "amount": _l("Amount"),
        "agreement_signed_at": _l("Agreement signed"),
        "delivered_at": _l("Delivered"),
        "delivered_on_time": _l("On time"),
        "receipt_recorded_by_officer": _l("Receipt recorded by the officer"),
        "accepted_at": _l("Accepted"),
        "rejection_reason": _l("Reason for rejecting the deliverable"),
        "payment_approved_at": _l("Payment approved"),
        "approved_by": _l("Approved by"),
        "invoice_reference": _l("Invoice reference"),
        "paid_at": _l("Paid"),
        "paid_by": _l("Paid by"),
    }
)
value_labels(
    "outcome",
    {
        "selected": _l("Selected"),
        "not_selected": _l("Not selected"),
        "winner": _l("Winner"),
        "project_ends": _l("Not chosen: the project ends"),
    },
)
value_labels("delivery", {"sent": _l("Sent"), "pending": _l("In the outbox"), "failed": _l("Failed")})
value_labels("kind", {"stage": _l("Stage award"), "winner": _l("Winner's award")})
value_labels(
    "state",
    {
        "awarded": _l("Awarded"),
        "agreement_signed": _l("Agreement signed"),
        "delivered": _l("Deliverable received"),
        "accepted": _l("Deliverable accepted"),
        "rejected": _l("Rejected"),
        "payment_approved": _l("Payment approved"),
        "paid": _l("Paid"),
    },
)


@section("decisions", _l("Decisions"), order=70)
def decisions(competition) -> list[dict]:
    return [
        {
            "stage": d.stage.position,
            "stage_name": d.stage.name,
            "decided_at": iso(d.decided_at),
            "decided_by": d.decided_by.name,
            "final": d.is_final,
            "announced": d.stage.advancing_count if not d.is_final else 1,
            "selected": [
                {"organisation": s.organisation.name, "orgnr": s.organisation.orgnr, "rank": s.rank}
                for s in d.selections
            ],
            "deviation_reasons": d.deviation_reasons,
            "fewer_reason": d.fewer_reason,
            "amount_each": d.stage.award_amount,
            "notices_sent_at": iso(d.notices_sent_at),
            "standstill_ends_at": iso(d.standstill_ends_at),
        }
        for d in queries.decisions_of(competition)
    ]


@section("notices", _l("Notices of decisions"), order=75)
def notices(competition) -> list[dict]:
    rows = []
    for d in queries.decisions_of(competition):
        for row in queries.notices_of(d):
            n = row.notice
            rows.append(
                {
                    "stage": d.stage.position,
                    "organisation": n.organisation.name,
                    "recipient": n.recipient_email,
                    "language": n.language,
                    "outcome": n.outcome,
                    "queued_at": iso(n.queued_at),
                    "sent_at": iso(row.sent_at),
                    "delivery": row.status,
                }
            )
    return rows


@section("complaints", _l("Complaints"), order=80)
def complaints(competition) -> list[dict]:
    return [
        {
            "stage": c.decision.stage.position,
            "organisation": c.organisation.name if c.organisation else None,
            "received_at": iso(c.received_at),
            "text": c.text,
            "responded_at": iso(c.responded_at),
            "response": c.response,
        }
        for c in queries.complaints_of(competition)
    ]


@section("awards", _l("Awards and payments"), order=85)
def awards(competition) -> list[dict]:
    return [
        {
            "stage": a.stage.position,
            "kind": a.kind.value,
            "organisation": a.organisation.name,
            "recipient_orgnr": a.recipient_orgnr,
            "amount": a.amount,
            "state": a.state.value,
            "agreement_signed_at": iso(a.agreement_signed_at),
            "delivered_at": iso(a.delivered_at),
            "delivered_on_time": a.delivered_on_time,
            "accepted_at": iso(a.accepted_at),
            "rejection_reason": a.rejection_reason,
            "payment_approved_at": iso(a.payment_approved_at),
            "approved_by": a.payment_approved_by.name if a.payment_approved_by else None,
            "invoice_reference": a.invoice_reference,
            "paid_at": iso(a.paid_at),
            "paid_by": a.paid_by.name if a.paid_by else None,
        }
        for a in queries.awards_of(competition)
    ]

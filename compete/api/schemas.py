"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what the API answers."""

from __future__ import annotations


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array(item: dict) -> dict:
    return {"type": "array", "items": item}


def obj(properties: dict, *, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


MONEY = {"type": "integer", "minimum": 0, "description": "Whole Norwegian kroner."}

SCHEMAS: dict[str, dict] = {
    "Error": obj({"error": STR, "message": STR}, required=["message"]),
    "Buyer": obj({"name": STR, "orgnr": nullable(STR), "lead": BOOL}),
    "Organisation": obj({"name": STR, "orgnr": nullable(STR)}),
    "StageSummary": obj(
        {
            "position": INT,
            "name": STR,
            "kind": STR,
            "phase": STR,
            "anonymous": BOOL,
            "opens_at": nullable(TIME),
            "deadline_at": nullable(TIME),
            "advancing_count": INT,
            "award_amount": MONEY,
        }
    ),
    "CompetitionSummary": obj(
        {
            "slug": STR,
            "title": STR,
            "summary": STR,
            "state": STR,
            "budget": MONEY,
            "published_at": nullable(TIME),
            "buyers": array(ref("Buyer")),
            "stages": array(ref("StageSummary")),
            "url": STR,
        }
    ),
    "CallVersionSummary": obj({"number": INT, "published_at": TIME, "change_note": STR}),
    "Competition": {
        "allOf": [
            ref("CompetitionSummary"),
            obj(
                {
                    "cancel_reason": nullable(STR),
                    "current_call": nullable(ref("CallVersion")),
                    "call_versions": array(ref("CallVersionSummary")),
                }
            ),
        ]
    },
    "CallVersion": obj(
        {
            "number": INT,
            "published_at": TIME,
            "change_note": STR,
            "snapshot": {"type": "object", "description": "The call as published in this version."},
        }
    ),
    "Question": obj({"question": STR, "answer": STR, "published_at": TIME}),
    "Selected": obj({"rank": nullable(INT), "organisation": nullable(STR)}),
    "PublicDecision": obj(
        {
            "stage_position": INT,
            "stage_name": STR,
            "decided_at": TIME,
            "final": BOOL,
            "award_amount": MONEY,
            "selected_count": INT,
            "names_published": BOOL,
            "selected": array(ref("Selected")),
        }
    ),
    "MeasuredOutcome": obj(
        {
            "definition": STR,
            "measure": STR,
            "threshold": STR,
            "window_from": DATE,
            "window_to": DATE,
            "verified": INT,
            "paid": MONEY,
        }
    ),
    "MeasuredResults": obj(
        {
            "contractor": STR,
            "signed_on": nullable(DATE),
            "summary": STR,
            "published_at": TIME,
            "outcomes": array(ref("MeasuredOutcome")),
        }
    ),
    "Results": obj(
        {
            "slug": STR,
            "winner": nullable(STR),
            "decisions": array(ref("PublicDecision")),
            "measured_results": nullable(ref("MeasuredResults")),
        }
    ),
    "StaffSubmission": obj(
        {
            "code": STR,
            "status": STR,
            "eligibility": STR,
            "eligibility_category": STR,
            "version": nullable(INT),
            "submitted_at": nullable(TIME),
            "content_sha256": nullable(STR),
            "withdrawn_at": nullable(TIME),
            "organisation": ref("Organisation"),
        }
    ),
    "ReceiptLogRow": obj(
        {
            "at": TIME,
            "event": {"type": "string", "enum": ["submitted", "withdrawn", "late"]},
            "code": nullable(STR),
            "organisation": STR,
            "orgnr": nullable(STR),
            "person": STR,
            "detail": STR,
            "sha256": array(STR),
        }
    ),
    "RankedEntry": obj(
        {
            "rank": INT,
            "code": STR,
            "total": nullable({"type": "number"}),
            "tied_with": array(STR),
            "organisation": nullable(STR),
        }
    ),
    "Ranking": obj(
        {
            "stage_position": INT,
            "state": STR,
            "method": STR,
            "hidden_entries": INT,
            "names_published": BOOL,
            "entries": array(ref("RankedEntry")),
        }
    ),
    "Decision": obj(
        {
            "stage_position": INT,
            "stage_name": STR,
            "decided_at": TIME,
            "decided_by": STR,
            "final": BOOL,
            "notices_sent_at": nullable(TIME),
            "standstill_ends_at": nullable(TIME),
            "deviation_reasons": STR,
            "fewer_reason": STR,
            "selected": array(ref("Selected")),
        }
    ),
    "Award": obj(
        {
            "id": INT,
            "stage_position": INT,
            "organisation": ref("Organisation"),
            "kind": STR,
            "amount": MONEY,
            "state": STR,
            "due_at": nullable(TIME),
            "agreement_signed_at": nullable(TIME),
            "delivered_at": nullable(TIME),
            "delivered_on_time": nullable(BOOL),
            "accepted_at": nullable(TIME),
            "payment_approved_at": nullable(TIME),
            "payment_approved_by": nullable(STR),
            "invoice_reference": nullable(STR),
            "recipient_orgnr": nullable(STR),
            "paid_at": nullable(TIME),
            "paid_by": nullable(STR),
        }
    ),
    "Protocol": {"type": "object", "description": "The procurement protocol (R42), as in the JSON export."},
    "OwnVersion": obj({"number": INT, "submitted_at": TIME, "content_sha256": STR}),
    "OwnSubmission": obj(
        {
            "id": INT,
            "competition": obj({"slug": STR, "title": STR}),
            "stage_position": INT,
            "stage_name": STR,
            "code": STR,
            "status": STR,
            "organisation": ref("Organisation"),
            "withdrawn_at": nullable(TIME),
            "versions": array(ref("OwnVersion")),
        }
    ),
    "ReceiptFile": obj({"name": STR, "size": INT, "sha256": STR}),
    "Receipt": obj(
        {
            "code": STR,
            "competition": STR,
            "stage": STR,
            "version": INT,
            "submitted_at": TIME,
            "content_sha256": STR,
            "files": array(ref("ReceiptFile")),
        }
    ),
}

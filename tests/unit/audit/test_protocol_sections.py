"""The protocol sections of the call and submission records (R42), built from real records."""

from __future__ import annotations

import json

from compete.audit import protocol
from compete.competitions import services as competition_services
from compete.competitions.states import StageState
from compete.core.time import frozen_at
from compete.extensions import db
from tests.factories_protocol import CATEGORIES, at, make_record


def _section(built: dict, key: str) -> list[dict] | None:
    return next((s["rows"] for s in built["sections"] if s["key"] == key), None)


def test_call_section_states_the_key_facts(app):
    r = make_record()
    (row,) = protocol.sections_by_key()["call"].provider(r.competition)
    assert row["title"] == r.competition.title
    assert row["state"] == "published"
    assert row["buyers"] == [{"name": r.buyer.name, "orgnr": r.buyer.orgnr, "lead": True}]
    assert (row["budget"], row["announced_payments"]) == (600_000, 600_000)
    assert (row["jury_binding"], row["follow_on_contract"], row["standstill_days"]) == (False, True, 10)
    assert row["ipr_terms"].startswith("The participant keeps the rights")
    assert row["published_at"] == "2026-03-02T09:00:00Z"
    assert [c["name"] for c in row["eligibility_categories"]] == list(CATEGORIES)
    first, second = row["stages"]
    assert (first["stage"], first["advancing_count"], first["award_amount"], first["anonymous"]) == (1, 3, 50_000, True)
    assert (second["advancing_count"], second["award_amount"]) == (1, 450_000)
    assert first["opens_at"] == "2026-03-01T09:00:00Z"
    assert first["deadline_at"] == "2026-03-18T09:00:00Z"  # extended from 16 March
    assert [(c["criterion"], c["weight_percent"]) for c in first["criteria"]] == [
        ("Relevance to the need", 30),
        ("User benefit", 30),
        ("Feasibility", 25),
        ("Team", 15),
    ]


def test_call_versions_with_note_author_and_snapshot_hash(app):
    r = make_record()
    rows = protocol.sections_by_key()["call_versions"].provider(r.competition)
    assert [(v["number"], v["published_at"], v["change_note"]) for v in rows] == [
        (1, "2026-03-02T09:00:00Z", ""),
        (2, "2026-03-03T09:00:00Z", "Målgruppen er presisert"),
    ]
    assert {v["published_by"] for v in rows} == {r.officer.name}
    assert {v["organisation"] for v in rows} == {r.buyer.name}
    assert rows[0]["snapshot_sha256"] != rows[1]["snapshot_sha256"]
    assert all(len(v["snapshot_sha256"]) == 64 for v in rows)


def test_questions_and_answers_never_name_the_asker(app):
    r = make_record()
    rows = protocol.sections_by_key()["qa"].provider(r.competition)
    assert rows == [
        {
            "number": 1,
            "asked_at": "2026-03-04T09:00:00Z",
            "question": "Kan vi søke sammen med en kommune?",
            "answer": "Ja, som underleverandør.",
            "answered_by": r.officer.name,
            "published_at": "2026-03-05T09:00:00Z",
        },
        {
            "number": 2,
            "asked_at": "2026-03-06T09:00:00Z",
            "question": "Hvor lang kan skissen være?",
            "answer": None,
            "answered_by": None,
            "published_at": None,
        },
    ]
    text = json.dumps(rows, ensure_ascii=False)
    for user, org in r.participants[:2]:
        assert user.name not in text and org.name not in text
    assert "Kari Nordmann" not in text  # the name in the question as asked was removed when published


def test_cancellation_only_when_cancelled(app):
    r = make_record(formal_check=False)
    assert _section(protocol.build(r.competition), "cancellation") is None
    with frozen_at(at(12)):
        competition_services.cancel(r.competition, r.actor, "Behovet er dekket av et annet tiltak")
    db.session.flush()
    assert _section(protocol.build(r.competition), "cancellation") == [
        {
            "cancelled_at": "2026-03-14T09:00:00Z",
            "reason": "Behovet er dekket av et annet tiltak",
            "cancelled_by": r.officer.name,
            "organisation": r.buyer.name,
        }
    ]


def test_receipt_log_lists_versions_withdrawal_and_late_attempt_by_code(app):
    r = make_record()
    rows = protocol.sections_by_key()["receipt_log"].provider(r.competition)
    a, b, c, d = r.submissions
    assert [(row["at"], row["event"], row["code"], row["version"]) for row in rows] == [
        ("2026-03-07T09:00:00Z", "submitted", a.code, 1),
        ("2026-03-08T09:00:00Z", "submitted", b.code, 1),
        ("2026-03-08T11:00:00Z", "submitted", c.code, 1),
        ("2026-03-09T09:00:00Z", "submitted", a.code, 2),
        ("2026-03-10T09:00:00Z", "submitted", d.code, 1),
        ("2026-03-10T12:00:00Z", "withdrawn", d.code, None),
        ("2026-03-19T09:00:00Z", "late_submit", d.code, None),
    ]
    assert rows[3]["content_sha256"] == a.current_version.content_sha256
    assert rows[3]["receipt_sha256"] == a.current_version.receipt_sha256
    late = rows[-1]
    assert late["content_sha256"] == r.late.content_sha256
    assert late["files"] == [{"file": "skisse.pdf", "size": 13, "sha256": r.late.file_hashes[0]["sha256"]}]
    # Anonymous stage before de-anonymisation: codes only.
    assert {(row["organisation"], row["orgnr"], row["person"]) for row in rows} == {(None, None, None)}
    text = json.dumps(rows, ensure_ascii=False)
    assert all(org.name not in text and user.name not in text for user, org in r.participants)


def test_receipt_log_names_participants_once_deanonymised(app):
    r = make_record()
    r.stage.state = StageState.DEANONYMISED
    db.session.flush()
    rows = protocol.sections_by_key()["receipt_log"].provider(r.competition)
    user, org = r.participants[0]
    assert (rows[0]["organisation"], rows[0]["orgnr"], rows[0]["person"]) == (org.name, org.orgnr, user.name)
    late_user, late_org = r.participants[3]
    assert (rows[-1]["organisation"], rows[-1]["person"]) == (late_org.name, late_user.name)


def test_extensions_with_reason_and_both_deadlines(app):
    r = make_record()
    assert protocol.sections_by_key()["extensions"].provider(r.competition) == [
        {
            "stage": 1,
            "extended_at": "2026-03-12T09:00:00Z",
            "previous_deadline_at": "2026-03-16T09:00:00Z",
            "new_deadline_at": "2026-03-18T09:00:00Z",
            "reason": "Driftsavbrudd på plattformen",
            "extended_by": r.officer.name,
            "organisation": r.buyer.name,
        }
    ]


def test_formal_check_with_ground_who_and_when(app):
    r = make_record()
    rows = protocol.sections_by_key()["formal_check"].provider(r.competition)
    by_code = {row["code"]: row for row in rows}
    a, b, c, withdrawn = r.submissions
    assert set(by_code) == {a.code, b.code, c.code} and withdrawn.code not in by_code
    assert by_code[a.code] | {"organisation": "x"} == {
        "stage": 1,
        "code": a.code,
        "organisation": "x",
        "orgnr": None,
        "category": CATEGORIES[0],
        "eligibility": "eligible",
        "ground": None,
        "checked_by": r.functionary.name,
        "checked_at": "2026-03-20T09:00:00Z",
    }
    assert by_code[a.code]["organisation"] is None
    assert (by_code[b.code]["eligibility"], by_code[b.code]["ground"]) == ("rejected", "Ikke en oppstartsbedrift")
    assert (by_code[c.code]["eligibility"], by_code[c.code]["checked_at"]) == ("pending", None)


def test_empty_competition_gives_empty_sections(app):
    from tests.factories_competitions import make_setup

    s = make_setup()
    built = protocol.build(s.competition)
    assert {k: _section(built, k) for k in ("qa", "receipt_log", "extensions", "formal_check")} == {
        "qa": [],
        "receipt_log": [],
        "extensions": [],
        "formal_check": [],
    }
    assert len(_section(built, "call_versions")) == 1


def test_sections_registered_by_another_module_are_included(app):
    r = make_record(formal_check=False)

    @protocol.section("zz_dummy", "Dummy records", order=55)
    def dummy(competition):
        return [{"slug": competition.slug, "paid_amount": 50_000}]

    try:
        built = protocol.build(r.competition)
        keys = [s["key"] for s in built["sections"]]
        assert keys.index("formal_check") < keys.index("zz_dummy")
        assert _section(built, "zz_dummy") == [{"slug": r.competition.slug, "paid_amount": 50_000}]
    finally:
        protocol._SECTIONS.pop("zz_dummy")
    assert "zz_dummy" not in [s["key"] for s in protocol.build(r.competition)["sections"]]


def test_section_order_of_the_earlier_domains(app):
    r = make_record()
    keys = [s["key"] for s in protocol.build(r.competition)["sections"]]
    ours = ["call", "call_versions", "qa", "receipt_log", "extensions", "formal_check"]
    assert [k for k in keys if k in ours] == ours

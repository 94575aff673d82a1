"""The jury's protocol sections, exports and the distribution chart."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from compete.audit.protocol import build
from compete.competitions.states import StageState
from compete.core.formatting import spreadsheet_safe
from compete.core.time import frozen_at
from compete.jury import charts, exports, queries, services
from compete.jury.models import Answer
from tests.factories_jury import clarification_through, declare_all_clear, make_jury_stage, score


@pytest.fixture
def locked(app, clock):
    """Three entries, three jurors; juror 2 conflicted with entry 1, juror 3 in doubt on entry 2
    (ruled: may take part); everything scored, a remark, a clarification, all approved."""
    from datetime import UTC, datetime

    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    setup, officer, entries, seats = make_jury_stage(entries=3, jurors=3)
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Styremedlem")})
    declare_all_clear(seats[2], entries, {entries[1].id: (Answer.IN_DOUBT, "Tidligere kollega")})
    services.rule(queries.declaration(seats[2], entries[1]), officer, conflicted=False, reason="Over fem år siden")
    values = {0: [8, 5, 2], 1: [None, 6, 3], 2: [7, 4, 4]}
    for index, seat in enumerate(seats):
        for entry, v in zip(entries, values[index], strict=True):
            if v is not None:
                score(seat, entry, [v] * 4)
    clarification_through(seats[0], entries[0], setup.functionary, setup.user)
    services.record_remark(seats[0], entries[0], "Sterk forankring hos brukerne.")
    with frozen_at(datetime(2026, 4, 2, 9, 0, tzinfo=UTC)):
        for seat in seats:
            services.approve_report(seat)
    return setup, officer, entries, seats


def test_protocol_sections_are_json_ready_with_iso_times(locked):
    setup, _officer, entries, _seats = locked
    protocol = build(setup.competition)
    json.dumps(protocol)
    sections = {s["key"]: s["rows"] for s in protocol["sections"]}
    keys = [s["key"] for s in protocol["sections"]]
    assert keys.index("impartiality") < keys.index("clarifications") < keys.index("jury_report")

    impartiality = sections["impartiality"]
    assert [r["juror"] for r in impartiality] == ["Juror 1", "Juror 2", "Juror 3"]
    doubt = next(a for a in impartiality[2]["answers"] if a["entry"] == entries[1].code)
    assert doubt == {
        "entry": entries[1].code,
        "answer": "in_doubt",
        "explanation": "Tidligere kollega",
        "ruling": "no_conflict",
        "ruling_reason": "Over fem år siden",
        "ruled_by": setup.officer.name,
        "ruled_at": "2026-04-01T10:00:00Z",
    }
    assert {a["entry"]: a["answer"] for a in impartiality[1]["answers"]}[entries[0].code] == "conflict"

    (minute,) = sections["clarifications"]
    assert (minute["entry"], minute["status"], minute["asked_by"], minute["organisation"]) == (
        entries[0].code,
        "relayed",
        "Juror 1",
        None,
    )
    assert minute["relayed_at"] == "2026-04-01T10:00:00Z"

    (report,) = sections["jury_report"]
    assert report["locked_at"] == "2026-04-02T09:00:00Z"
    assert report["deanonymised_at"] is None
    assert [(r["entry"], r["total"]) for r in report["ranking"]] == [
        (entries[0].code, 7.5),
        (entries[1].code, 5.0),
        (entries[2].code, 3.0),
    ]
    assert report["ranking"][0]["remark"] == "Sterk forankring hos brukerne."
    assert [a["approved_at"] for a in report["approvals"]] == ["2026-04-02T09:00:00Z"] * 3


def test_deanonymisation_adds_names_and_time(locked, clock):
    setup, officer, entries, _seats = locked
    services.deanonymise(setup.stage, officer)
    sections = {s["key"]: s["rows"] for s in build(setup.competition)["sections"]}
    (report,) = sections["jury_report"]
    assert report["deanonymised_at"] == "2026-04-01T10:00:00Z"
    assert report["ranking"][0]["organisation"] == entries[0].organisation.name


def test_score_sheet_csv_marks_conflicts_and_hides_names_until_deanonymised(locked):
    setup, officer, entries, _seats = locked
    rows = list(csv.reader(io.StringIO(exports.score_sheet_csv(setup.stage).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Bidrag", "Jurymedlem", "Sete"]
    assert len(rows) == 1 + 3 * 3 * 4
    conflict = [r for r in rows[1:] if r[0] == entries[0].code and r[1] == "Juror 2"]
    assert {r[5] for r in conflict} == {"inhabil"} and {r[7] for r in conflict} == {"inhabil"}
    scored = next(r for r in rows[1:] if r[0] == entries[0].code and r[1] == "Juror 1")
    assert scored[5:8] == ["8", f"Begrunnelse for {scored[3]}", "levert"]
    assert all(entries[0].organisation.name not in ",".join(r) for r in rows)

    services.deanonymise(setup.stage, officer)
    rows = list(csv.reader(io.StringIO(exports.score_sheet_csv(setup.stage).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Bidrag", "Organisasjon"]
    assert {r[1] for r in rows[1:] if r[0] == entries[0].code} == {entries[0].organisation.name}


def test_score_sheet_xlsx_has_scores_and_ranking(locked):
    setup, _officer, entries, _seats = locked
    book = load_workbook(io.BytesIO(exports.score_sheet_xlsx(setup.stage)))
    assert book.sheetnames == ["Poeng", "Rangering"]
    scores = list(book["Poeng"].values)
    assert len(scores) == 1 + 36
    ranking = list(book["Rangering"].values)
    assert ranking[1][:3] == (1, entries[0].code, 7.5)


def test_report_pdf(locked):
    setup, _officer, _entries, _seats = locked
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.report_pdf(setup.stage))).pages)
    assert "Juryrapport" in text
    assert "Sterk forankring hos brukerne." in text
    assert setup.stage.state == StageState.RANKING_LOCKED


def test_formula_like_text_is_neutralised():
    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("Godt") == "Godt"
    assert spreadsheet_safe(7) == 7


def test_distribution_chart_geometry():
    chart = charts.distributions({"a": {1: 2.0, 2: 4.0, 3: 6.0, 4: 8.0}, "b": {1: None}}, {"a": "Anne"}, (0, 10))
    (row,) = chart.rows
    assert (row.label, row.count, row.low, row.median, row.high, row.mean) == ("Anne", 4, 2.0, 5.0, 8.0, 5.0)
    assert (row.q1, row.q3) == (3.5, 6.5)
    assert row.x_low == 180 + 0.2 * 436
    assert [value for _x, value in chart.ticks] == list(range(11))
    assert charts.distributions({}, {}, (0, 10)) is None


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_every_key_of_the_jury_sections_has_a_bokmal_heading(locked, app):
    from flask_babel import force_locale

    from compete.audit import protocol

    setup, _officer, _entries, _seats = locked
    sections = {s["key"]: s["rows"] for s in build(setup.competition)["sections"]}
    rows = [sections["impartiality"], sections["clarifications"], sections["jury_report"]]
    with app.test_request_context(), force_locale("nb"):
        assert sorted({k for k in _keys(rows) if protocol.label(k) == k.replace("_", " ")}) == []
        assert protocol.value_label("answer", "in_doubt") == "I tvil"
        assert protocol.value_label("role", "chair") == "Leder"

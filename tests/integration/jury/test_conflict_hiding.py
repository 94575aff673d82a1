"""A conflicted juror is kept out of the entry's content, discussion and aggregation (R22): the
chair's ranking, report and exports hide the entry's scores, while approvals stay comparable."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer
from compete.submissions.models import Eligibility
from tests.factories_competitions import login_as
from tests.factories_jury import declare_all_clear, make_jury_stage, score


@pytest.fixture
def jury(app):
    """The chair is conflicted on the first entry; only the member scores it (9 on every criterion)."""
    setup, officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    declare_all_clear(seats[0], entries, {entries[0].id: (Answer.CONFLICT, "Eier i selskapet")})
    declare_all_clear(seats[1], entries)
    score(seats[1], entries[0], [9, 9, 9, 9])
    score(seats[0], entries[1], [3, 3, 3, 3])
    score(seats[1], entries[1], [3, 3, 3, 3])
    db.session.commit()
    return setup, officer, entries, seats


def test_the_conflicted_chair_cannot_record_a_remark_on_the_entry(jury):
    _setup, _officer, entries, seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.record_remark(seats[0], entries[0], "Sterkt forslag")
    assert excinfo.value.code == "forbidden"
    assert services.record_remark(seats[0], entries[1], "Svakt forankret").text == "Svakt forankret"


def test_ranking_and_report_hide_the_conflicted_entry_from_the_juror(client, jury):
    setup, _officer, _entries, seats = jury
    stage = setup.stage
    login_as(client, seats[0].user)
    for path in ("ranking", "report"):
        page = client.get(f"/jury/stages/{stage.id}/{path}").get_data(as_text=True)
        assert "9.00" not in page, path
        assert "3.00" in page, path
        assert "1 bidrag er utelatt" in page, path
    login_as(client, seats[1].user)
    assert "9.00" in client.get(f"/jury/stages/{stage.id}/ranking").get_data(as_text=True)
    login_as(client, setup.officer, setup.buyer)
    assert "9.00" in client.get(f"/jury/stages/{stage.id}/report").get_data(as_text=True)


def test_the_chairs_exports_hide_the_conflicted_entry(client, jury):
    setup, _officer, entries, seats = jury
    stage = setup.stage
    login_as(client, seats[0].user)
    response = client.get(f"/jury/stages/{stage.id}/scores.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r for r in rows[1:] if r[0] == entries[0].code] == []  # not even its code (R22)
    second = [r for r in rows[1:] if r[0] == entries[1].code]
    assert {r[5] for r in second} == {"3"}
    login_as(client, setup.officer, setup.buyer)
    rows = list(csv.reader(io.StringIO(client.get(f"/jury/stages/{stage.id}/scores.csv").get_data(as_text=True))))
    assert "9" in {r[5] for r in rows[1:] if r[0] == entries[0].code}


def test_approvals_hash_the_full_report_whatever_each_juror_sees(jury):
    setup, _officer, _entries, seats = jury
    assert services.approve_report(seats[0]) is False
    assert services.approve_report(seats[1]) is True  # same digest: the ranking locks
    assert setup.stage.state == "ranking_locked"


def test_the_declaration_page_asks_only_for_new_entries_and_has_no_default(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=1)
    entries[1].eligibility = Eligibility.PENDING
    db.session.commit()
    login_as(client, seats[0].user)
    url = f"/jury/stages/{setup.stage.id}/declaration"
    page = client.get(url).get_data(as_text=True)
    assert "checked" not in page  # a choice is required, none is preset
    client.post(url, data={"affiliations": "Ingen"})  # no answer given
    assert seats[0].declared_at is None
    client.post(url, data={"affiliations": "Ingen", f"answer-{entries[0].id}": "no_conflict"})
    assert seats[0].declared_at is not None
    entries[1].eligibility = Eligibility.ELIGIBLE
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert f"answer-{entries[1].id}" in page and f"answer-{entries[0].id}" not in page
    client.post(url, data={f"answer-{entries[1].id}": "conflict", f"explanation-{entries[1].id}": "Søster"})
    assert services.can_see(seats[0], entries[1]) is False
    assert queries.declaration(seats[0], entries[1]).answer == Answer.CONFLICT


@pytest.fixture
def middle(app):
    """Three entries ranked 9, 6, 3 by the member; the chair is conflicted on the middle one."""
    setup, _officer, entries, seats = make_jury_stage(entries=3, jurors=2)
    declare_all_clear(seats[0], entries, {entries[1].id: (Answer.CONFLICT, "Eier i selskapet")})
    declare_all_clear(seats[1], entries)
    for entry, value in zip(entries, (9, 6, 3), strict=True):
        score(seats[1], entry, [value] * 4)
    score(seats[0], entries[0], [9] * 4)
    score(seats[0], entries[2], [3] * 4)
    db.session.commit()
    return setup, entries, seats


def test_a_conflicted_juror_learns_neither_the_position_nor_the_code_of_the_hidden_entry(client, middle):
    setup, entries, seats = middle
    stage, hidden = setup.stage, entries[1].code
    assert [r.rank for r in queries.ranking(stage)] == [1, 2, 3]
    login_as(client, seats[0].user)

    for path in ("ranking", "report"):
        page = client.get(f"/jury/stages/{stage.id}/{path}").get_data(as_text=True)
        assert hidden not in page, path
        assert "skjult" not in page, path
        ranks = re.findall(r"<tr>\s*<td>(\d+)</td>", page)
        assert ranks == ["1", "2"], path
    rows = list(csv.reader(io.StringIO(client.get(f"/jury/stages/{stage.id}/scores.csv").get_data(as_text=True))))
    assert hidden not in {r[0] for r in rows[1:]}
    book = load_workbook(io.BytesIO(client.get(f"/jury/stages/{stage.id}/scores.xlsx").data))
    cells = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert [row[:2] for row in cells[1:]] == [[1, entries[0].code], [2, entries[2].code]]
    assert all(hidden not in str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    pdf = PdfReader(io.BytesIO(client.get(f"/jury/stages/{stage.id}/report.pdf").data))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert hidden not in text and entries[0].code in text and "1 bidrag er utelatt" in text

    login_as(client, seats[1].user)  # the member, without a conflict, sees all three
    page = client.get(f"/jury/stages/{stage.id}/ranking").get_data(as_text=True)
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", page) == ["1", "2", "3"] and hidden in page

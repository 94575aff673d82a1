"""Through HTTP: clarification questions (R26), assignment, progress, the chart, exports, and
identity staying hidden from jurors until the ranking is locked (R24)."""

import csv
import io

import pytest

from compete.competitions.states import StageState
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer
from compete.notifications.models import OutboxMessage
from tests.factories_competitions import login_as
from tests.factories_jury import declare_all_clear, make_jury_stage, make_scored_stage, score


@pytest.fixture
def jury(app):
    setup, officer, entries, seats = make_jury_stage(entries=2, jurors=3)
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Eier i selskapet")})
    declare_all_clear(seats[2], entries)
    db.session.commit()
    return setup, officer, entries, seats


def test_a_clarification_goes_through_the_functionary_both_ways(client, jury):
    setup, _officer, entries, seats = jury
    stage, slug, code = setup.stage, setup.competition.slug, entries[0].code
    entry_url = f"/jury/stages/{stage.id}/entries/{code}"

    login_as(client, seats[0].user)
    client.post(f"{entry_url}/clarifications", data={"question": "Hvor mange unge i året, Kari?"})
    assert "Venter på funksjonæren." in client.get(entry_url).get_data(as_text=True)

    login_as(client, setup.functionary)
    desk = f"/manage/competitions/{slug}/stages/1/clarifications"
    page = client.get(desk).get_data(as_text=True)
    assert "Hvor mange unge i året, Kari?" in page and seats[0].user.name in page
    item = queries.clarifications_of_stage(stage)[0]
    client.post(f"{desk}/{item.id}/forward", data={"question": "Hvor mange unge i året?"})

    login_as(client, setup.user, setup.organisation)
    assert "Hvor mange unge i året?" in client.get("/my/clarifications").get_data(as_text=True)
    answer_page = client.get(f"/my/clarifications/{item.id}").get_data(as_text=True)
    assert "Kari" not in answer_page and seats[0].user.name not in answer_page
    client.post(f"/my/clarifications/{item.id}", data={"answer": "Førti unge i året, sier Spire AS."})

    login_as(client, setup.functionary)
    client.post(f"{desk}/{item.id}/relay", data={"answer": "Førti unge i året."})

    login_as(client, seats[2].user)
    page = client.get(entry_url).get_data(as_text=True)
    assert "Førti unge i året." in page and "Spire AS" not in page
    login_as(client, seats[1].user)
    assert client.get(entry_url).status_code == 403  # conflicted: never sees the entry nor its minutes
    kinds = [m.kind for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id) if m.kind.startswith("jury/")]
    assert kinds == [
        "jury/clarification_asked",
        "jury/clarification_forwarded",
        "jury/clarification_answered",
        "jury/clarification_relayed",
        "jury/clarification_relayed",
    ]


def test_identity_stays_hidden_from_a_juror_who_has_scored_until_deanonymised(client, jury):
    setup, _officer, entries, seats = jury
    for seat in seats:
        for entry in entries:
            if services.can_see(seat, entry):
                score(seat, entry, [6, 7, 8, 5])
    db.session.commit()
    login_as(client, seats[2].user)
    ranking = client.get(f"/jury/stages/{setup.stage.id}/ranking").get_data(as_text=True)
    assert entries[0].code in ranking
    assert all(e.organisation.name not in ranking for e in entries)
    for url in (
        f"/submissions/{entries[0].id}/versions/1/receipt",
        f"/manage/competitions/{setup.competition.slug}/stages/1/clarifications",
        f"/jury/stages/{setup.stage.id}/scores.csv",  # not the chair
    ):
        assert client.get(url).status_code == 403


def test_ranking_page_draws_the_distribution_with_a_text_alternative(client, app):
    setup, _officer, _entries, seats = make_scored_stage()
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    page = client.get(f"/jury/stages/{setup.stage.id}/ranking").get_data(as_text=True)
    assert page.count('role="img"') == 1
    assert '<title id="distribution-title">Vektede summer gitt av hvert jurymedlem</title>' in page
    assert page.count("<circle ") == 3 + 2 + 3  # juror 2 has a conflict
    assert '<caption id="distribution-caption">' in page
    for seat in seats:
        assert f'<th scope="row">{seat.user.name}</th>' in page


def test_chair_and_officer_download_exports(client, app):
    setup, _officer, _entries, seats = make_scored_stage()
    db.session.commit()
    base = f"/jury/stages/{setup.stage.id}"
    for user, org in ((seats[0].user, None), (setup.officer, setup.buyer)):
        login_as(client, user, org)
        response = client.get(f"{base}/scores.csv")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
        assert len(rows) == 1 + 3 * 3 * 4
        assert "inhabil" in {r[5] for r in rows}
        xlsx = client.get(f"{base}/scores.xlsx")
        assert xlsx.data[:2] == b"PK"
        pdf = client.get(f"{base}/report.pdf")
        assert (pdf.mimetype, pdf.data[:5]) == ("application/pdf", b"%PDF-")
    login_as(client, seats[1].user)
    assert client.get(f"{base}/scores.csv").status_code == 403


def test_officer_sets_the_assignment_and_sees_the_shortfall(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=3, jurors=3)
    for index, seat in enumerate(seats):
        declare_all_clear(seat, entries, {entries[0].id: (Answer.CONFLICT, "Eier")} if index < 2 else {})
    setup.stage.state = StageState.FORMAL_CHECK
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    url = f"/manage/competitions/{setup.competition.slug}/stages/1/jury"

    page = client.post(f"{url}/assignment", data={"mode": "per_entry", "per_entry": "2"}, follow_redirects=True)

    text = page.get_data(as_text=True)
    assert "Fordelingen ble lagret." in text
    assert f"{entries[0].code} kan bare få 1 jurymedlemmer uten inhabilitet, færre enn 2." in text
    assert f"{entries[0].code}: 1 av 2 jurymedlemmer" in text
    assert queries.assignment_plan(setup.stage).jurors_per_entry == 2


def test_progress_page_for_the_chair(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    for seat in seats:
        declare_all_clear(seat, entries)
    score(seats[1], entries[0], [5, 5, 5, 5])
    score(seats[1], entries[1], [5, 5, 5, 5], submit=False)
    db.session.commit()
    login_as(client, seats[0].user)
    page = client.get(f"/jury/stages/{setup.stage.id}/progress").get_data(as_text=True)
    row = page.split(f'<th scope="row">{seats[1].user.name}</th>')[1].split("</tr>")[0]
    assert [cell.split(">")[1] for cell in row.split("</td>")[:-1]] == ["2", "1", "1", "0", "0"]


def test_progress_and_score_sheet_use_a_constant_number_of_queries(app, count_queries):
    counts = []
    for size in (1, 5):
        setup, _officer, _entries, _seats = make_scored_stage(entries=size + 1, jurors=3)
        db.session.expire_all()
        with count_queries() as counter:
            queries.progress(setup.stage)
            from compete.jury import exports

            exports.score_sheet(setup.stage)
        counts.append(counter.count)
    assert counts[0] == counts[1]

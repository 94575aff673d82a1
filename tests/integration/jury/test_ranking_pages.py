"""The ranking and report pages name entries by code and show codes as readable text (R47)."""

from compete.extensions import db
from compete.jury.models import Answer
from tests.factories_competitions import login_as
from tests.factories_jury import declare_all_clear, make_jury_stage, score


def test_ties_show_codes_and_labels_are_translated(client, app):
    setup, officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    setup.stage.tie_break_rule = "lot"
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[1].id: (Answer.IN_DOUBT, "Tidligere kollega")})
    from compete.jury import queries, services

    services.rule(queries.declaration(seats[1], entries[1]), officer, conflicted=False, reason="Lenge siden")
    for seat in seats:
        for entry in entries:
            score(seat, entry, [5, 5, 5, 5])
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    ranking = client.get(f"/jury/stages/{setup.stage.id}/ranking").get_data(as_text=True)
    assert f"Likt med {entries[1].code}" in ranking and f"Likt med {entries[0].code}" in ranking
    assert "Gjennomsnitt" in ranking and ">mean" not in ranking and "mean:" not in ranking
    report = client.get(f"/jury/stages/{setup.stage.id}/report").get_data(as_text=True)
    assert "I tvil" in report and "in_doubt" not in report and "no conflict" not in report
    assert "<caption" in report


def _duplicate_ids(page: str) -> list[str]:
    import re
    from collections import Counter

    return [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]


def test_pages_with_many_forms_have_unique_ids(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    declare_all_clear(seats[0], entries)
    declare_all_clear(
        seats[1], entries, {e.id: (Answer.IN_DOUBT, "Tidligere kollega") for e in entries}
    )  # two doubts: two ruling forms
    from compete.jury import services

    for entry in entries:
        score(seats[0], entry, [5, 5, 5, 5])
    services.ask(seats[0], entries[0], "Hvor mange?")
    services.ask(seats[0], entries[1], "Hva koster det?")
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    slug = setup.competition.slug
    manage = client.get(f"/manage/competitions/{slug}/stages/1/jury").get_data(as_text=True)
    assert manage.count('name="decision"') == 2
    assert _duplicate_ids(manage) == []
    desk = client.get(f"/manage/competitions/{slug}/stages/1/clarifications").get_data(as_text=True)
    assert _duplicate_ids(desk) == []
    login_as(client, seats[0].user)  # the chair: a remark form per entry
    report = client.get(f"/jury/stages/{setup.stage.id}/report").get_data(as_text=True)
    assert report.count('name="text"') == 2
    assert _duplicate_ids(report) == []


def test_the_officer_replaces_a_juror_with_a_reason_r29(client, app):
    from sqlalchemy import select

    from compete.audit.models import AuditEntry
    from compete.jury import queries
    from tests.factories import make_user

    setup, _officer, _entries, seats = make_jury_stage(entries=2, jurors=2)
    newcomer = make_user(name="Ny jurymedlem")
    db.session.commit()
    slug = setup.competition.slug
    url = f"/manage/competitions/{slug}/stages/1/jury/replace"
    data = {"seat": seats[1].id, "new_email": newcomer.email, "replacement_reason": ""}
    login_as(client, seats[0].user)
    assert client.post(url, data={**data, "replacement_reason": "Sykdom"}).status_code == 403
    login_as(client, setup.officer, setup.buyer)
    page = client.get(f"/manage/competitions/{slug}/stages/1/jury").get_data(as_text=True)
    assert 'id="replacement_reason"' in page
    client.post(url, data=data)  # no reason: refused
    assert seats[1].replaced_at is None
    assert client.post(url, data={**data, "replacement_reason": "Sykdom"}).status_code == 302
    db.session.expire_all()
    assert seats[1].replacement_reason == "Sykdom"
    assert [s.user_id for s in queries.active_seats(setup.stage)] == [seats[0].user_id, newcomer.id]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "jury.replaced")).one()
    assert entry.after == {"user": newcomer.email, "reason": "Sykdom"}

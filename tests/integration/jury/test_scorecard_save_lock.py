"""A juror's scorecard save reads first without SQLite's write lock (`@reads_first`) and writes in
a transaction of its own that reads again what it checks (`write_after_checking`). On an app with
a database of its own, so that another request can write in between."""

import re

import pytest
from sqlalchemy import select, update

from compete.core.time import now
from compete.extensions import db
from compete.jury import services
from compete.jury.models import JurySeat, Scorecard
from tests.elsewhere import elsewhere, others_may_write
from tests.factories import login
from tests.factories_jury import declare_all_clear, make_jury_stage

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture
def juror(live_app):
    with live_app.app_context():
        setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=3)
        for seat in seats:
            declare_all_clear(seat, entries)
        db.session.commit()
        facts = {
            "stage": setup.stage.id,
            "code": entries[0].code,
            "criteria": [c.id for c in setup.stage.criteria],
            "seat": seats[1].id,
        }
        client = live_app.test_client()
        login(client, seats[1].user)
        db.session.remove()
    url = f"/jury/stages/{facts['stage']}/entries/{facts['code']}"
    token = TOKEN.search(client.get(url).get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "action": "save"}
    for criterion_id in facts["criteria"]:
        form[f"score-{criterion_id}"] = "3"
        form[f"why-{criterion_id}"] = "Godt begrunnet."
    return live_app, client, url, form, facts


def test_the_save_reads_first_without_the_write_lock(juror, monkeypatch):
    app, client, url, form, facts = juror
    save = services.save_scorecard
    seen = []

    def watching_save(*args, **kwargs):
        seen.append(others_may_write("jury_seats", facts["seat"]))
        return save(*args, **kwargs)

    monkeypatch.setattr(services, "save_scorecard", watching_save)

    saved = client.post(url, data=form)

    assert saved.status_code == 302
    assert seen == [True]
    with app.app_context():
        card = db.session.scalars(select(Scorecard)).one()
        assert {s.value for s in card.scores} == {3}
        db.session.remove()


def test_a_seat_replaced_between_the_reads_and_the_write_cannot_save(juror, monkeypatch):
    """The officer replaced the juror (R29) while the save was on its way: the seat read before is
    not trusted, the write reads it again (SQLite: in its own transaction; PostgreSQL: the seat's
    row locked) and refuses the save."""
    app, client, url, form, facts = juror
    save = services.save_scorecard

    def save_after_the_replacement(*args, **kwargs):
        elsewhere(
            app,
            lambda session: session.execute(
                update(JurySeat)
                .where(JurySeat.id == facts["seat"])
                .values(replaced_at=now(), replacement_reason="Inhabil etter ny opplysning")
            ),
        )
        return save(*args, **kwargs)

    monkeypatch.setattr(services, "save_scorecard", save_after_the_replacement)

    saved = client.post(url, data=form)

    assert saved.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Scorecard)).all() == []
        db.session.remove()

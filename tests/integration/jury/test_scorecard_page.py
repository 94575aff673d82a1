"""The juror's scorecard page built for scoring many entries (issue 12): the scale as a row of
choices in order with its anchored descriptors, slot labels, the place in the queue, the next
entry after submitting, the PDF shown inline, and /jury saying what each seat needs."""

import hashlib
import io
import re

import pytest

from compete.extensions import db
from compete.storage.backends import get_storage
from compete.submissions.models import Attachment
from tests.factories_competitions import login_as
from tests.factories_jury import declare_all_clear, make_jury_stage, score


@pytest.fixture
def jury(app):
    setup, _officer, entries, seats = make_jury_stage(entries=3, jurors=2)
    db.session.commit()
    return setup, entries, seats


def _attach_pdf(entry):
    data = b"%PDF-1.4 skisse"
    get_storage().save("scorecard/scrubbed.pdf", io.BytesIO(data), "application/pdf")
    get_storage().save("scorecard/original.pdf", io.BytesIO(data), "application/pdf")
    attachment = Attachment(
        submission=entry,
        version=entry.current_version,
        slot_key="sketch",
        filename="skisse.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key="scorecard/original.pdf",
        scrubbed_storage_key="scorecard/scrubbed.pdf",
        scrubbed_sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(attachment)
    db.session.commit()
    db.session.refresh(entry.current_version)
    return attachment


def test_scale_is_a_row_of_choices_in_order_with_descriptors(client, jury):
    setup, entries, seats = jury
    declare_all_clear(seats[0], entries)
    db.session.commit()
    login_as(client, seats[0].user)
    html = client.get(f"/jury/stages/{setup.stage.id}/entries/{entries[0].code}").get_data(as_text=True)
    criterion = setup.stage.criteria[0]
    values = re.findall(rf'name="score-{criterion.id}" value="(\d+)"', html)
    assert values == [str(v) for v in range(0, 11)]
    # The anchored descriptors appear in scale order, each beside its point (not "0 · 10 · 5").
    texts = re.findall(r'<span class="scale-text">([^<]+)</span>', html)[:3]
    assert texts == ["Not addressed", "Adequate", "Excellent"]


def test_entry_shows_its_place_in_the_queue_and_the_slot_label(client, jury):
    setup, entries, seats = jury
    declare_all_clear(seats[0], entries)
    db.session.commit()
    attachment = _attach_pdf(entries[0])
    login_as(client, seats[0].user)
    from compete.jury import queries

    queue = [item.entry.code for item in queries.seat_queue(seats[0])]
    html = client.get(f"/jury/stages/{setup.stage.id}/entries/{entries[0].code}").get_data(as_text=True)
    position = queue.index(entries[0].code) + 1
    assert f"Bidrag {position} av 3 i køen din" in html
    assert "Vedlegg: Idea sketch (PDF)" in html
    assert "Vedlegg: sketch" not in html
    inline = f"/jury/stages/{setup.stage.id}/entries/{entries[0].code}/files/{attachment.id}?inline=1"
    assert f'src="{inline}"' in html
    preview = client.get(inline)
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert (preview.headers["Content-Security-Policy"], preview.headers["X-Frame-Options"]) == (
        "frame-ancestors 'self'",
        "SAMEORIGIN",
    )
    download = client.get(inline.split("?")[0])
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Frame-Options"] == "DENY"


def test_submitting_goes_to_the_next_entry_and_says_submitted(client, jury):
    setup, entries, seats = jury
    declare_all_clear(seats[0], entries)
    db.session.commit()
    login_as(client, seats[0].user)
    from compete.jury import queries

    queue = [item.entry for item in queries.seat_queue(seats[0])]
    data = {f"score-{c.id}": "6" for c in setup.stage.criteria} | {
        f"why-{c.id}": "Begrunnet" for c in setup.stage.criteria
    }
    first = client.post(f"/jury/stages/{setup.stage.id}/entries/{queue[0].code}", data={**data, "action": "submit"})
    assert first.headers["Location"] == f"/jury/stages/{setup.stage.id}/entries/{queue[1].code}"
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Poengkortet ditt er sendt inn. Her er neste bidrag i køen din." in page
    draft = client.post(f"/jury/stages/{setup.stage.id}/entries/{queue[1].code}", data={**data, "action": "save"})
    assert draft.headers["Location"] == f"/jury/stages/{setup.stage.id}/entries/{queue[1].code}"
    assert "Utkastet til poeng er lagret." in client.get(draft.headers["Location"]).get_data(as_text=True)
    # The next entry skips the submitted one and wraps round to the draft.
    client.post(f"/jury/stages/{setup.stage.id}/entries/{queue[2].code}", data={**data, "action": "submit"})
    last = client.post(f"/jury/stages/{setup.stage.id}/entries/{queue[1].code}", data={**data, "action": "submit"})
    assert last.headers["Location"] == f"/jury/stages/{setup.stage.id}"


def test_my_seats_say_what_needs_action(client, jury):
    _setup, entries, seats = jury
    login_as(client, seats[0].user)
    assert "lever habilitetserklæringen din" in client.get("/jury").get_data(as_text=True)
    declare_all_clear(seats[0], entries)
    score(seats[0], entries[0], [5, 5, 5, 5])
    db.session.commit()
    assert "gi poeng på 2 gjenstående bidrag" in client.get("/jury").get_data(as_text=True)
    for entry in entries[1:]:
        score(seats[0], entry, [5, 5, 5, 5])
    db.session.commit()
    assert "les og godkjenn juryrapporten" in client.get("/jury").get_data(as_text=True)


def _counts(client, count_queries, n):
    setup, _officer, entries, seats = make_jury_stage(entries=n, jurors=1)
    declare_all_clear(seats[0], entries)
    db.session.commit()
    login_as(client, seats[0].user)
    counts = []
    for url in (
        "/jury",
        f"/jury/stages/{setup.stage.id}",
        f"/jury/stages/{setup.stage.id}/entries/{entries[0].code}",
    ):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    return counts


def test_seats_queue_and_entry_pages_take_a_constant_number_of_queries(client, app, count_queries):
    assert _counts(client, count_queries, 2) == _counts(client, count_queries, 7)


def test_under_a_per_entry_plan_only_the_assigned_entries_offer_a_scorecard(client, jury):
    from compete.core.time import now
    from compete.jury.models import Assignment, AssignmentMode, AssignmentPlan

    setup, entries, seats = jury
    for seat in seats:
        declare_all_clear(seat, entries)
    db.session.add(
        AssignmentPlan(
            stage_id=setup.stage.id,
            mode=AssignmentMode.PER_ENTRY,
            jurors_per_entry=1,
            set_by_id=setup.officer.id,
            set_at=now(),
        )
    )
    mine = {entries[0].id, entries[2].id}
    db.session.add_all([Assignment(seat_id=seats[0].id, submission_id=entry_id) for entry_id in mine])
    db.session.add(Assignment(seat_id=seats[1].id, submission_id=entries[1].id))
    db.session.commit()
    login_as(client, seats[0].user)
    for entry in entries:
        html = client.get(f"/jury/stages/{setup.stage.id}/entries/{entry.code}").get_data(as_text=True)
        assigned = entry.id in mine
        assert ("Dette bidraget er ikke tildelt deg" in html) is not assigned
        assert ('name="action" value="save"' in html) is assigned
        assert ("av 2 i køen din" in html) is assigned

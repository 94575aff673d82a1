"""Jury pages through HTTP: the juror's path, the officer's page, and who may see what (R22, R24)."""

import pytest

from compete.competitions.states import StageState
from compete.extensions import db
from compete.jury.models import Answer
from tests.factories import make_officer, make_org, make_participant
from tests.factories_competitions import login_as
from tests.factories_jury import clarification_through, declare_all_clear, make_jury_stage, score

ROLES = ["anonymous", "participant", "juror", "conflicted_juror", "other_juror", "functionary", "officer"]


@pytest.fixture
def world(app):
    setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=3)
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Eier i selskapet")})
    clarification = clarification_through(seats[0], entries[0], setup.functionary, setup.user, until="forwarded")
    _other_setup, _o, _e, other_seats = make_jury_stage(entries=1, jurors=1)
    _participant_user, _participant_org = make_participant()
    db.session.commit()
    users = {
        "anonymous": (None, None),
        "participant": (setup.user, setup.organisation),
        "juror": (seats[0].user, None),
        "conflicted_juror": (seats[1].user, None),
        "other_juror": (other_seats[0].user, None),
        "functionary": (setup.functionary, None),
        "officer": (setup.officer, setup.buyer),
    }
    setup.clarification = clarification
    return setup, entries, seats, users


MATRIX = {
    # route: expected status per role in ROLES order
    "queue": (302, 403, 200, 200, 403, 403, 403),
    "entry": (302, 403, 200, 403, 403, 403, 403),
    "entry_file": (302, 403, 200, 403, 403, 403, 403),
    "ranking": (302, 403, 302, 302, 403, 403, 200),
    "report": (302, 403, 302, 302, 403, 403, 200),  # totals only after one's own scorecards
    "manage": (302, 403, 403, 403, 403, 403, 200),
    "submission_receipt": (302, 200, 403, 403, 403, 200, 200),  # identity stays hidden from jurors (R24)
    "submission_edit": (302, 200, 403, 403, 403, 403, 403),
    "progress": (302, 403, 200, 403, 403, 403, 200),  # the juror is the chair
    # The chair may export once their own scorecards are in; this one has not scored yet.
    "scores_csv": (302, 403, 403, 403, 403, 403, 200),
    "scores_xlsx": (302, 403, 403, 403, 403, 403, 200),
    "report_pdf": (302, 403, 403, 403, 403, 403, 200),
    "clarification_desk": (302, 403, 403, 403, 403, 200, 200),  # names both sides: never a juror (R24)
    "my_clarifications": (302, 200, 200, 200, 200, 200, 200),  # lists only one's own organisations' questions
    "answer_clarification": (302, 200, 403, 403, 403, 403, 403),  # names the organisation (R24)
}


def _url(route, setup, entries):
    stage, entry = setup.stage, entries[0]
    attachment = entry.current_version.attachments
    return {
        "queue": f"/jury/stages/{stage.id}",
        "entry": f"/jury/stages/{stage.id}/entries/{entry.code}",
        "entry_file": f"/jury/stages/{stage.id}/entries/{entry.code}/files/{attachment[0].id if attachment else 0}",
        "ranking": f"/jury/stages/{stage.id}/ranking",
        "report": f"/jury/stages/{stage.id}/report",
        "manage": f"/manage/competitions/{setup.competition.slug}/stages/1/jury",
        "submission_receipt": f"/submissions/{entry.id}/versions/1/receipt",
        "submission_edit": f"/submissions/{entry.id}",
        "progress": f"/jury/stages/{stage.id}/progress",
        "scores_csv": f"/jury/stages/{stage.id}/scores.csv",
        "scores_xlsx": f"/jury/stages/{stage.id}/scores.xlsx",
        "report_pdf": f"/jury/stages/{stage.id}/report.pdf",
        "clarification_desk": f"/manage/competitions/{setup.competition.slug}/stages/1/clarifications",
        "my_clarifications": "/my/clarifications",
        "answer_clarification": f"/my/clarifications/{setup.clarification.id}",
    }[route]


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, world, route, role):
    setup, entries, _seats, users = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    response = client.get(_url(route, setup, entries))
    expected = MATRIX[route][ROLES.index(role)]
    if route == "entry_file" and expected == 200:
        expected = 404  # the factory's entries have no attachment: the route answers 404, not 403
    assert response.status_code == expected


POSTS = {
    # action: expected status per role in ROLES order (302 = done and redirected, or to the login page)
    "ask": (302, 403, 302, 403, 403, 403, 403),
    "forward": (302, 403, 403, 403, 403, 302, 403),
    "answer": (302, 302, 403, 403, 403, 403, 403),
    "assignment": (302, 403, 403, 403, 403, 403, 302),
    # Only a cleared juror scores; officers have no seat and cannot score (R28).
    "score": (302, 403, 302, 403, 403, 403, 403),
}


def _post(route, setup, entries):
    stage, slug = setup.stage, setup.competition.slug
    return {
        "ask": (f"/jury/stages/{stage.id}/entries/{entries[0].code}/clarifications", {"question": "Hvor mange?"}),
        "forward": (
            f"/manage/competitions/{slug}/stages/1/clarifications/{setup.pending.id}/forward",
            {"question": "Hvor mange?"},
        ),
        "answer": (f"/my/clarifications/{setup.clarification.id}", {"answer": "Førti."}),
        "assignment": (f"/manage/competitions/{slug}/stages/1/jury/assignment", {"mode": "all"}),
        "score": (
            f"/jury/stages/{stage.id}/entries/{entries[0].code}",
            {**{f"score-{c.id}": "7" for c in stage.criteria}, "action": "save"},
        ),
    }[route]


@pytest.mark.parametrize("route", sorted(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix_for_actions(client, world, route, role):
    setup, entries, seats, users = world
    from compete.jury import services

    setup.pending = services.ask(seats[0], entries[1], "Hva koster det?")
    db.session.commit()
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    url, data = _post(route, setup, entries)
    response = client.post(url, data=data)
    assert response.status_code == POSTS[route][ROLES.index(role)]
    if response.status_code == 302 and user is None:
        assert "/login" in response.headers["Location"]
    if route == "score":
        from compete.jury import queries

        cards = [queries.scorecard(seat, entries[0]) for seat in seats]
        assert [card is not None for card in cards] == [role == "juror", False, False]


def test_juror_scores_through_the_pages_and_the_ranking_locks(client, world):
    setup, entries, seats, _users = world
    declare_all_clear(seats[2], entries)
    for seat in seats:
        for entry in entries:
            if not (seat is seats[1] and entry is entries[0]) and seat is not seats[0]:
                score(seat, entry, [6, 6, 6, 6])
    db.session.commit()
    login_as(client, seats[0].user)
    criteria = setup.stage.criteria
    locations = []
    for entry, value in zip(entries, (9, 3), strict=True):
        data = {f"score-{c.id}": str(value) for c in criteria} | {f"why-{c.id}": "Godt begrunnet" for c in criteria}
        response = client.post(f"/jury/stages/{setup.stage.id}/entries/{entry.code}", data={**data, "action": "submit"})
        locations.append(response.headers["Location"])
    # After submitting, the juror goes on to the next entry in their queue, then back to the queue.
    assert locations == [f"/jury/stages/{setup.stage.id}/entries/{entries[1].code}", f"/jury/stages/{setup.stage.id}"]
    ranking = client.get(f"/jury/stages/{setup.stage.id}/ranking").get_data(as_text=True)
    assert entries[0].code in ranking
    for seat in seats:
        login_as(client, seat.user)
        client.post(f"/jury/stages/{setup.stage.id}/report", data={"action": "approve"})
    db.session.refresh(setup.stage)
    assert setup.stage.state == StageState.RANKING_LOCKED

    login_as(client, setup.officer, setup.buyer)
    client.post(f"/manage/competitions/{setup.competition.slug}/stages/1/jury/deanonymise")
    db.session.refresh(setup.stage)
    assert setup.stage.state == StageState.DEANONYMISED
    assert setup.organisation.name in client.get(f"/jury/stages/{setup.stage.id}/ranking").get_data(as_text=True)


def test_officer_appoints_and_rules(client, world):
    setup, entries, seats, _users = world
    juror_user, _ = make_participant()
    other_buyer = make_org(buyer=True)
    make_officer(other_buyer)
    declare_all_clear(seats[2], entries, {entries[1].id: (Answer.IN_DOUBT, "Kjenner daglig leder")})
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    url = f"/manage/competitions/{setup.competition.slug}/stages/1/jury"

    appointed = client.post(url, data={"action": "appoint", "email": juror_user.email, "role": "member"})
    refused = client.post(
        url, data={"action": "appoint", "email": setup.functionary.email, "role": "member"}, follow_redirects=True
    )

    assert appointed.status_code == 302
    assert "Funksjonæren i denne konkurransen kan ikke sitte i juryen." in refused.get_data(as_text=True)
    from compete.jury import queries

    declaration = queries.declaration(seats[2], entries[1])
    client.post(f"{url}/rulings/{declaration.id}", data={"decision": "conflict", "reason": "Nær relasjon"})
    db.session.refresh(declaration)
    assert (declaration.ruled_conflict, declaration.ruling_reason) == (True, "Nær relasjon")


def test_every_view_and_download_of_an_entry_is_on_the_audit_trail_r41(client, world):
    import hashlib
    import io

    from sqlalchemy import select

    from compete.audit.models import AuditEntry
    from compete.storage.backends import get_storage
    from compete.submissions import files
    from compete.submissions.models import Attachment
    from tests.factories_submissions import make_pdf

    setup, entries, seats, _users = world
    assert setup.stage.anonymous is True
    # The jury's copy differs from the original (R24): a juror served the original would get the author.
    data = make_pdf(author="Kari Nordmann")
    scrubbed = files.strip_metadata(data, "pdf").data
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(data)).metadata["/Author"] == "Kari Nordmann"
    assert PdfReader(io.BytesIO(scrubbed)).metadata is None
    assert scrubbed != data
    digest = hashlib.sha256(data).hexdigest()
    get_storage().save("r41/original.pdf", io.BytesIO(data), "application/pdf")
    get_storage().save("r41/scrubbed.pdf", io.BytesIO(scrubbed), "application/pdf")
    version = entries[0].current_version
    db.session.add(
        Attachment(
            submission=entries[0],
            version=version,
            slot_key="sketch",
            filename="skisse.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=digest,
            storage_key="r41/original.pdf",
            scrubbed_storage_key="r41/scrubbed.pdf",
            scrubbed_sha256=hashlib.sha256(scrubbed).hexdigest(),
        )
    )
    db.session.commit()
    db.session.refresh(version)

    def trail():
        return db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("submission.%"), AuditEntry.target_id == str(entries[0].id))
        ).all()

    before = len(trail())
    login_as(client, seats[1].user)  # conflicted: refused, and nothing is recorded as seen
    assert client.get(_url("entry", setup, entries)).status_code == 403
    assert len(trail()) == before
    login_as(client, seats[0].user)
    assert client.get(_url("entry", setup, entries)).status_code == 200
    served = client.get(_url("entry_file", setup, entries))
    assert served.status_code == 200
    assert served.get_data() == scrubbed
    viewed, downloaded = trail()[before:]
    assert (viewed.action, viewed.role, viewed.actor_id) == ("submission.viewed", "chair", seats[0].user.id)
    assert viewed.after == {"version": 1}
    attachment = entries[0].current_version.attachments[0]
    assert (downloaded.action, downloaded.after["attachment"]) == ("submission.file_downloaded", attachment.id)
    assert downloaded.after["scrubbed"] is True
    assert downloaded.after["sha256"] == attachment.scrubbed_sha256 == hashlib.sha256(scrubbed).hexdigest()

    login_as(client, setup.officer, setup.buyer)
    original = client.get(f"/submissions/{entries[0].id}/files/{attachment.id}")
    assert original.status_code == 200
    assert b"".join(original.response) == data  # the officer gets the file as submitted
    officer_download = trail()[-1]
    assert (officer_download.action, officer_download.role) == ("submission.file_downloaded", "officer")
    assert officer_download.organisation_id == setup.buyer.id


def test_the_menu_shows_the_jury_link_only_to_jurors(client, world):
    setup, _entries, seats, _users = world
    login_as(client, seats[0].user)
    assert 'href="/jury"' in client.get("/").get_data(as_text=True)
    login_as(client, setup.user, setup.organisation)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/jury"' not in page and 'href="/verify"' not in page and 'href="/contracts"' not in page

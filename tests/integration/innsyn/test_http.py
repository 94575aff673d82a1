"""Innsyn over HTTP (R44): every route for every role, the anonymous public form (bounded, rate
limited), preview, release, the signed expiring download link, and the register's query count."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.extensions import db
from compete.innsyn import services
from compete.innsyn.models import InnsynRequest, InnsynStatus
from compete.notifications.models import OutboxMessage
from tests.factories import make_officer, make_org, make_participant
from tests.factories_competitions import login_as
from tests.factories_innsyn import SECRET_TEXT, make_request, make_world, officer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLES = ["anonymous", "participant", "other_participant", "functionary", "officer", "other_officer"]
GET_MATRIX = {
    "register": (302, 403, 403, 403, 200, 403),
    "request": (302, 403, 403, 403, 200, 403),
    "preview": (302, 403, 403, 403, 200, 403),
    "officer_download": (302, 403, 403, 403, 200, 403),
    "public_form": (200, 200, 200, 200, 200, 200),
}
POST_MATRIX = {
    "register": (302, 403, 403, 403, 400, 403),
    "request": (302, 403, 403, 403, 302, 403),
    "release": (302, 403, 403, 403, 302, 403),
    "public_form": (400, 400, 400, 400, 400, 400),
}


@pytest.fixture
def world(app, clock):
    clock.set(T0)
    w = make_world(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    w.request = make_request(w)
    w.released = make_request(w, name="Released")
    services.prepare_package(w.released, officer(w), submission_ids=[w.secret_entry.id])
    services.release(w.released, officer(w))
    other_user, other_org = make_participant()
    other_buyer = make_org(buyer=True)
    w.users = {
        "anonymous": (None, None),
        "participant": (w.setup.user, w.setup.organisation),
        "other_participant": (other_user, other_org),
        "functionary": (w.setup.functionary, None),
        "officer": (w.setup.officer, w.setup.buyer),
        "other_officer": (make_officer(other_buyer), other_buyer),
    }
    base = f"/manage/competitions/{w.setup.competition.slug}/innsyn"
    w.urls = {
        "register": base,
        "request": f"{base}/{w.request.id}",
        "preview": f"{base}/{w.released.id}/preview",
        "officer_download": f"{base}/{w.released.id}/package.zip",
        "release": f"{base}/{w.request.id}/release",
        "public_form": f"/competitions/{w.setup.competition.slug}/innsyn",
    }
    db.session.commit()
    return w


@pytest.mark.parametrize("route", sorted(GET_MATRIX))
def test_get_matrix(world, client, route):
    statuses = []
    for role in ROLES:
        user, org = world.users[role]
        with client.session_transaction() as session:
            session.clear()
        if user is not None:
            login_as(client, user, org)
        statuses.append(client.get(world.urls[route]).status_code)

    assert tuple(statuses) == GET_MATRIX[route]


@pytest.mark.parametrize("route", sorted(POST_MATRIX))
def test_post_matrix(world, client, route):
    statuses = []
    for role in ROLES:
        user, org = world.users[role]
        with client.session_transaction() as session:
            session.clear()
        if user is not None:
            login_as(client, user, org)
        statuses.append(client.post(world.urls[route], data={}).status_code)

    assert tuple(statuses) == POST_MATRIX[route]


def test_public_form_registers_a_request_anonymously(world, client):
    response = client.post(
        world.urls["public_form"],
        data={"name": "Kari Journalist", "email": "kari@avisa.no", "subject": "Protokollen og idéskissene"},
    )

    assert response.status_code == 302
    created = db.session.scalars(select(InnsynRequest).where(InnsynRequest.requester_name == "Kari Journalist")).one()
    assert (created.requester_email, created.subject, created.source, created.status) == (
        "kari@avisa.no",
        "Protokollen og idéskissene",
        "public",
        InnsynStatus.RECEIVED,
    )
    assert created.deadline_at == datetime(2026, 3, 5, 22, 59, tzinfo=UTC)


def test_public_form_is_bounded(world, client):
    response = client.post(
        world.urls["public_form"], data={"name": "Kari", "email": "kari@avisa.no", "subject": "x" * 4001}
    )

    assert response.status_code == 400
    assert 'id="subject-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(InnsynRequest).where(InnsynRequest.requester_name == "Kari")).all() == []


def test_public_form_is_rate_limited(world, client, app):
    data = {"name": "Spam", "email": "spam@example.no", "subject": "Alt"}
    statuses = [client.post(world.urls["public_form"], data=data).status_code for _ in range(6)]

    assert statuses == [302, 302, 302, 302, 302, 429]
    assert len(db.session.scalars(select(InnsynRequest).where(InnsynRequest.requester_name == "Spam")).all()) == 5


def test_public_form_is_not_offered_for_a_draft(app, clock):
    from compete.competitions.states import CompetitionState
    from tests.factories import make_competition

    draft = make_competition(state=CompetitionState.DRAFT)
    db.session.commit()

    assert app.test_client().get(f"/competitions/{draft.slug}/innsyn").status_code == 404


def test_prepare_preview_and_release_over_http(world, client):
    login_as(client, world.setup.officer, world.setup.buyer)
    version = world.secret_entry.current_version

    prepared = client.post(
        world.urls["request"],
        data={
            "call": "y",
            "qa": "y",
            "submission": [str(world.secret_entry.id)],
            f"reason-{version.id}:field:solution": "Prismodellen er en forretningshemmelighet",
        },
    )
    preview = client.get(f"{world.urls['register']}/{world.request.id}/preview").get_data(as_text=True)
    released = client.post(world.urls["release"])

    assert prepared.status_code == 302
    assert "[Sladdet: Prismodellen er en forretningshemmelighet]" in preview
    assert SECRET_TEXT not in preview
    assert released.status_code == 302
    db.session.refresh(world.request)
    assert world.request.status == InnsynStatus.RELEASED
    assert world.request.scope == {"call": True, "qa": True, "protocol": False, "submissions": [world.secret_entry.id]}


def _link(request: InnsynRequest) -> str:
    mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "innsyn/released", OutboxMessage.recipient_email == request.requester_email
        )
    ).one()
    start = mail.body_text.index("/innsyn/")
    return mail.body_text[start:].split()[0]


def test_the_emailed_link_downloads_without_an_account_until_it_expires(world, client, clock, app):
    link = _link(world.released)

    response = client.get(link)
    tampered = client.get(link.replace("/package.zip", "x/package.zip"))
    clock.set(T0 + timedelta(days=app.config["INNSYN_LINK_MAX_AGE_DAYS"], seconds=1))
    expired = client.get(link)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "00-index.pdf" in archive.namelist()
    assert (tampered.status_code, expired.status_code) == (404, 404)


def test_register_shows_the_requests_in_a_constant_number_of_queries(world, client, count_queries):
    login_as(client, world.setup.officer, world.setup.buyer)
    client.get(world.urls["register"])
    db.session.commit()
    with count_queries() as few:
        page = client.get(world.urls["register"])
    for n in range(20):
        make_request(world, name=f"Krav {n}")
    db.session.commit()
    with count_queries() as many:
        client.get(world.urls["register"])

    assert page.status_code == 200
    assert "Journalist Jensen" in page.get_data(as_text=True)
    assert many.count == few.count

"""Personal API tokens (profile UI, hashing, revoking, expiry, password change), scopes, the rate
limit, translated JSON errors, anonymity of the ranking and the audited protocol."""

import hashlib
import re
from datetime import timedelta

from flask import g
from sqlalchemy import select

from compete.accounts import services as account_services
from compete.api.models import ApiRateCounter, ApiToken
from compete.api.registry import REGISTRY
from compete.audit.models import AuditEntry
from compete.competitions.models import Stage
from compete.competitions.states import CompetitionState, StageState
from compete.core.time import now
from compete.extensions import db
from tests.factories import login, make_competition, make_participant, make_user
from tests.factories_competitions import make_setup
from tests.factories_jury import make_jury_stage
from tests.integration.api.helpers import bearer, make_token
from tests.integration.security_world import build_world


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_token_is_made_on_the_profile_shown_once_stored_hashed_and_revoked(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        user, organisation = make_participant()
        db.session.commit()
        client = app.test_client()
        login(client, user, organisation)
        assert "/profile/api-tokens" in client.get("/profile").get_data(as_text=True)
        page = client.get("/profile/api-tokens")
        assert page.status_code == 200
        created = client.post(
            "/profile/api-tokens",
            data={"csrf_token": _csrf(page.get_data(as_text=True)), "name": "Arkiv", "read_own": "y", "expires": "30"},
        )
        assert created.status_code == 200
        html = created.get_data(as_text=True)
        raw = re.search(r'<code id="new-token">(cpt_[0-9a-f]{8}_[A-Za-z0-9_-]{40,})</code>', html).group(1)
        token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
        assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw.startswith(token.prefix + "_") and raw not in (token.prefix, token.token_hash, token.name)
        assert token.scope_list == ["read:own"]
        assert timedelta(days=29) < token.expires_at - now() <= timedelta(days=30)
        assert [e.target_id for e in _actions("api_token.created")] == [str(token.id)]
        assert raw not in client.get("/profile/api-tokens").get_data(as_text=True)  # shown once

        answer = client.get("/api/v1/me/submissions", headers=bearer(raw))
        assert answer.status_code == 200 and answer.is_json
        db.session.expire_all()
        assert db.session.get(ApiToken, token.id).last_used_at is not None

        # Another user cannot revoke it.
        other, other_org = make_participant()
        db.session.commit()
        intruder = app.test_client()
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches it on g, and the test's app context spans requests
        login(intruder, other, other_org)
        listing = intruder.get("/profile/api-tokens").get_data(as_text=True)
        refused = intruder.post(f"/profile/api-tokens/{token.id}/revoke", data={"csrf_token": _csrf(listing)})
        assert refused.status_code == 404
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

        listing = client.get("/profile/api-tokens").get_data(as_text=True)
        assert token.prefix in listing
        revoked = client.post(f"/profile/api-tokens/{token.id}/revoke", data={"csrf_token": _csrf(listing)})
        assert revoked.status_code == 302
        assert _actions("api_token.revoked")
        refused = client.get("/api/v1/me/submissions", headers=bearer(raw))
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_token_form_refuses_no_scope_and_no_name(app, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    answer = client.post("/profile/api-tokens", data={"name": "x", "expires": "90"})
    assert answer.status_code == 400
    assert client.post("/profile/api-tokens", data={"name": "", "read_public": "y", "expires": "90"}).status_code == 400
    assert client.post("/profile/api-tokens", data={"name": "x", "read_public": "y", "expires": "9"}).status_code == 400
    assert db.session.scalars(select(ApiToken)).all() == []


def test_expired_tokens_fail_logout_everywhere_keeps_them_and_a_password_change_voids_them(app, client, clock):
    user = make_user(password="correct horse battery")
    expiring = make_token(user, expires_at=now() + timedelta(days=1))
    kept = make_token(user)
    db.session.commit()
    assert client.get("/api/v1/me/submissions", headers=bearer(expiring)).status_code == 200
    clock.set(now() + timedelta(days=2))
    assert client.get("/api/v1/me/submissions", headers=bearer(expiring)).status_code == 401
    account_services.end_sessions(user, "everywhere")
    db.session.commit()
    assert client.get("/api/v1/me/submissions", headers=bearer(kept)).status_code == 200
    clock.advance(timedelta(minutes=1))
    account_services.change_password(user, "correct horse battery", "a much better password", ip="10.0.0.1")
    db.session.commit()
    assert client.get("/api/v1/me/submissions", headers=bearer(kept)).status_code == 401
    fresh = make_token(user)
    db.session.commit()
    assert client.get("/api/v1/me/submissions", headers=bearer(fresh)).status_code == 200
    user.is_active_account = False
    db.session.commit()
    assert client.get("/api/v1/me/submissions", headers=bearer(fresh)).status_code == 401


def test_scopes_malformed_headers_and_translated_messages(app, client):
    user = make_user()
    public_only = make_token(user, scopes=("read:public",))
    db.session.commit()
    refused = client.get("/api/v1/me/submissions", headers={**bearer(public_only), "Accept-Language": "en"})
    assert refused.status_code == 403
    assert "read:own" in refused.get_json()["message"]
    assert client.get("/api/v1/competitions", headers=bearer(public_only)).status_code == 200
    assert client.get("/api/v1/me/submissions", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/me/submissions", headers={"Authorization": "Bearer "}).status_code == 401
    english = client.get("/api/v1/competitions/missing", headers={"Accept-Language": "en"}).get_json()
    bokmal = client.get("/api/v1/competitions/missing", headers={"Accept-Language": "nb"}).get_json()
    nynorsk = client.get("/api/v1/competitions/missing", headers={"Accept-Language": "nn"}).get_json()
    assert english["message"] == "Not found."
    assert bokmal["message"] != english["message"] and nynorsk["message"] != english["message"]
    anonymous = client.get("/api/v1/me/submissions", headers={"Accept-Language": "nn"})
    assert anonymous.status_code == 401 and anonymous.get_json()["message"] != "This needs a personal API token."
    assert client.get("/api/v1/no/such/route").get_json()["message"]
    assert client.post("/api/v1/competitions").status_code == 405


def test_rate_limit_per_ip_and_per_token_with_retry_after(app, client):
    user = make_user()
    raw = make_token(user)
    db.session.commit()
    saved = {k: app.config[k] for k in ("API_RATE_LIMIT_PER_IP", "API_RATE_LIMIT_PER_TOKEN")}
    app.config.update(API_RATE_LIMIT_PER_IP=4, API_RATE_LIMIT_PER_TOKEN=2)
    try:
        assert client.get("/api/v1/competitions", headers=bearer(raw)).status_code == 200
        assert client.get("/api/v1/competitions", headers=bearer(raw)).status_code == 200
        limited = client.get("/api/v1/competitions", headers=bearer(raw))
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.get_json()["message"]
        # Without the token the same address has one request left, then it is limited too.
        assert client.get("/api/v1/competitions").status_code == 200
        assert client.get("/api/v1/competitions").status_code == 429
        other_ip = client.get("/api/v1/competitions", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other_ip.status_code == 200
        buckets = {c.bucket: c.hits for c in db.session.scalars(select(ApiRateCounter))}
        assert buckets["ip:127.0.0.1"] == 5 and buckets[f"token:{db.session.scalars(select(ApiToken)).one().id}"] == 3
    finally:
        app.config.update(saved)


def test_a_new_window_starts_over_and_forgets_the_old_one(app, client, clock):
    saved = {k: app.config[k] for k in ("API_RATE_LIMIT_PER_IP", "API_RATE_LIMIT_PER_TOKEN")}
    app.config.update(API_RATE_LIMIT_PER_IP=1)
    try:
        clock.set(now())
        assert client.get("/api/v1/competitions").status_code == 200
        assert client.get("/api/v1/competitions").status_code == 429
        clock.advance(timedelta(seconds=61))
        assert client.get("/api/v1/competitions").status_code == 200
        assert len(db.session.scalars(select(ApiRateCounter)).all()) == 1
    finally:
        app.config.update(saved)


def test_ranking_hides_names_until_deanonymised_and_waits_for_the_lock(app, client):
    world = build_world()
    officer = world.users["officer"][0]
    raw = make_token(officer)
    slug = world.values["slug"]
    world_stage = db.session.get(Stage, world.values["stage_id"])
    assert world_stage.anonymous
    world_stage.state = StageState.RANKING_LOCKED
    db.session.commit()
    ranking = client.get(f"/api/v1/competitions/{slug}/stages/1/ranking", headers=bearer(raw)).get_json()
    assert ranking["entries"] and all(e["organisation"] is None for e in ranking["entries"])
    assert ranking["names_published"] is False
    world_stage.state = StageState.DEANONYMISED
    db.session.commit()
    ranking = client.get(f"/api/v1/competitions/{slug}/stages/1/ranking", headers=bearer(raw)).get_json()
    assert all(e["organisation"] for e in ranking["entries"])

    setup, _officer, _entries, _seats = make_jury_stage(entries=2, jurors=1)
    other = make_token(setup.officer)
    db.session.commit()
    waiting = client.get(f"/api/v1/competitions/{setup.competition.slug}/stages/1/ranking", headers=bearer(other))
    assert waiting.status_code == 409


def test_protocol_through_the_api_is_audited_like_the_export(app, client):
    world = build_world()
    raw = make_token(world.users["officer"][0])
    db.session.commit()
    before = len(_actions("protocol.exported"))
    answer = client.get(f"/api/v1/competitions/{world.values['slug']}/protocol", headers=bearer(raw))
    assert answer.status_code == 200 and answer.get_json()["sections"]
    entries = _actions("protocol.exported")
    assert len(entries) == before + 1 and entries[-1].after["format"] == "json"


def test_drafts_are_not_public_and_the_document_lists_every_operation(app, client):
    setup = make_setup()
    draft = make_competition(setup.buyer, state=CompetitionState.DRAFT)
    db.session.commit()
    slugs = [c["slug"] for c in client.get("/api/v1/competitions").get_json()]
    assert setup.competition.slug in slugs and draft.slug not in slugs
    assert client.get(f"/api/v1/competitions/{draft.slug}").status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert ids == {op.operation_id for op in REGISTRY}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    assert all(op.path in html for op in REGISTRY)


def test_the_worker_job_forgets_ended_windows(app, client, clock):
    from compete.api.services import prune_rate_counters
    from compete.core.jobs import load_jobs

    assert "api.prune_rate_counters" in load_jobs()
    clock.set(now())
    client.get("/api/v1/competitions")
    client.get("/api/v1/competitions", environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert prune_rate_counters() == 0
    clock.advance(timedelta(seconds=61))
    assert prune_rate_counters() == 2
    assert db.session.scalars(select(ApiRateCounter)).all() == []


def test_path_values_outside_the_documented_ranges_are_404_not_errors(app, client):
    world = build_world()
    raw = make_token(world.users["officer"][0])
    db.session.commit()
    slug = world.values["slug"]
    for path in (
        f"/competitions/{slug}/stages/{2**40}/ranking",
        f"/competitions/{slug}/stages/0/receipts",
        f"/competitions/{slug}/calls/{2**63}",
        f"/submissions/{2**35}/receipts",
        "/competitions/%00/results",
        "/competitions/%C3%A6%C3%B8%C3%A5/decisions",
        "/competitions/" + "a" * 500,
    ):
        answer = client.get("/api/v1" + path, headers=bearer(raw))
        assert answer.status_code in (400, 404), (path, answer.status_code)
        assert answer.is_json and answer.get_json()["message"]
    assert client.get(f"/api/v1/competitions/{slug}/stages/{2**40}/ranking").status_code == 401

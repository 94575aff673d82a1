"""Login through ID-porten and through a buyer's provider, against the local OIDC provider."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.models import AuditEntry
from compete.extensions import db
from compete.identity import services
from compete.identity.models import LinkedIdentity, OrgIdentityProvider
from tests.factories import login, make_officer, make_org, make_user
from tests.factories_accounts import link_path, outbox
from tests.integration.identity.conftest import PID_KEY


def main_text(response) -> str:
    html = response.get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def to_provider_and_back(client, start: str):
    """Start at `start`, follow the provider's answer, return the app's response to the callback."""
    started = client.get(start)
    assert started.status_code == 302, started.get_data(as_text=True)
    answer = requests.get(started.headers["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/oidc/callback"
    return client.get(f"{back.path}?{back.query}")


def identities() -> list[LinkedIdentity]:
    return list(db.session.scalars(select(LinkedIdentity).order_by(LinkedIdentity.id)))


def actions(user) -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id))
    )


def logged_in_user_id(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


# --- ID-porten ---------------------------------------------------------------------------------


def test_login_page_offers_idporten_only_when_configured(client, app, provider, monkeypatch):
    assert "Log in with ID-porten" not in main_text(client.get("/login"))
    assert client.get("/login/idporten").status_code == 404
    monkeypatch.setitem(app.config, "IDPORTEN_ISSUER", provider.url)
    monkeypatch.setitem(app.config, "IDPORTEN_CLIENT_ID", provider.client_id)
    page = client.get("/login?next=/profile")
    assert "Log in with ID-porten" in main_text(page)
    assert 'href="/login/idporten?next=/profile"' in page.get_data(as_text=True)


def test_authorization_request_asks_for_substantial_with_pkce_state_and_nonce(client, app, idporten):
    started = client.get("/login/idporten")
    query = parse_qs(urlsplit(started.headers["Location"]).query)
    with client.session_transaction() as session:
        flow = session["oidc_flow"]
    assert query["acr_values"] == ["idporten-loa-substantial"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [flow["state"]]
    assert query["nonce"] == [flow["nonce"]]
    assert query["redirect_uri"] == [app.config["BASE_URL"] + "/login/oidc/callback"]
    assert query["scope"] == ["openid profile"]
    assert "code_verifier" not in query and flow["verifier"] not in started.headers["Location"]


def test_first_login_creates_an_account_after_the_email_is_confirmed(client, idporten):
    callback = to_provider_and_back(client, "/login/idporten")
    assert (callback.status_code, callback.headers["Location"]) == (302, "/login/oidc/first")
    assert identities() == []
    form = client.get("/login/oidc/first")
    assert "Your first login with ID-porten" in main_text(form)
    sent = client.post("/login/oidc/first", data={"name": "Ola Nordmann", "email": "ola@example.test", "privacy": "y"})
    assert "We have sent a link to ola@example.test." in main_text(sent)
    assert logged_in_user_id(client) is None
    assert db.session.scalars(select(User).where(User.email == "ola@example.test")).first() is None

    confirmed = client.get(link_path(outbox("identity/new_account", to="ola@example.test")[0], "/login/oidc/confirm/"))
    assert (confirmed.status_code, confirmed.headers["Location"]) == (302, "/")
    user = db.session.scalars(select(User).where(User.email == "ola@example.test")).one()
    assert (user.name, user.is_verified) == ("Ola Nordmann", True)
    assert logged_in_user_id(client) == user.get_id()
    [identity] = identities()
    expected_hash = hmac.new(PID_KEY.encode(), b"01017012345", hashlib.sha256).hexdigest()
    assert (identity.user_id, identity.provider, identity.subject, identity.pid_hash) == (
        user.id,
        "idporten",
        "sub-1",
        expected_hash,
    )
    assert actions(user) == ["user.registered", "user.identity_linked", "user.logged_in"]
    # The national identity number is nowhere in the database in clear.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            assert "01017012345" not in repr(tuple(row)), table.name

    exported = client.get("/profile/export.json").get_json()["linked_identities"]
    assert [(e["provider"], e["subject"], e["pid_hash_kept"]) for e in exported] == [("idporten", "sub-1", True)]

    # The next login goes straight in.
    client.post("/logout")
    again = to_provider_and_back(client, "/login/idporten?next=/profile")
    assert (again.status_code, again.headers["Location"]) == (302, "/profile")
    assert actions(user)[-1] == "user.logged_in"
    assert logged_in_user_id(client).startswith(f"{user.id}:")


def test_existing_account_is_linked_only_after_confirmation_in_the_same_browser(client, app, idporten):
    kari = make_user("kari@example.test", name="Kari")
    db.session.commit()
    to_provider_and_back(client, "/login/idporten")
    client.post("/login/oidc/first", data={"name": "Someone", "email": "KARI@example.test", "privacy": "y"})
    assert identities() == []
    assert logged_in_user_id(client) is None
    [message] = outbox("identity/link")
    assert message.recipient_email == "kari@example.test"
    path = link_path(message, "/login/oidc/confirm/")

    # Kari opening the link in her own browser (no ID-porten login there) links nothing.
    other_browser = app.test_client()
    refused = other_browser.get(path)
    assert refused.status_code == 400
    assert identities() == []

    confirmed = client.get(path)
    assert confirmed.status_code == 302
    [identity] = identities()
    assert (identity.user_id, identity.subject) == (kari.id, "sub-1")
    assert kari.name == "Kari"  # the name typed on the form does not change the account
    assert logged_in_user_id(client) == kari.get_id()


def test_a_forged_confirmation_link_is_refused(client, idporten):
    to_provider_and_back(client, "/login/idporten")
    refused = client.get("/login/oidc/confirm/not-a-token")
    assert refused.status_code == 400
    assert "This link is invalid or has expired." in main_text(refused)


def test_wrong_state_is_refused(client, idporten):
    started = client.get("/login/idporten")
    answer = requests.get(started.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    query = back.query.replace("state=", "state=x")
    refused = client.get(f"{back.path}?{query}")
    assert refused.status_code == 400
    assert "the answer did not match" in main_text(refused)
    assert idporten.token_requests == []  # the code was never exchanged
    assert logged_in_user_id(client) is None


def test_callback_without_a_started_login_is_a_400(client, idporten):
    refused = client.get("/login/oidc/callback?code=abc&state=def")
    assert refused.status_code == 400
    assert "Login failed" in main_text(refused)


def test_an_error_from_the_provider_is_a_400(client, idporten):
    started = client.get("/login/idporten")
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    refused = client.get(f"/login/oidc/callback?error=access_denied&state={state}")
    assert refused.status_code == 400
    assert "cancelled or refused" in main_text(refused)


def _refused(client, reason: str = "The login could not be verified. Start again."):
    response = to_provider_and_back(client, "/login/idporten")
    assert response.status_code == 400
    assert reason in main_text(response)
    assert logged_in_user_id(client) is None
    assert identities() == []
    with client.session_transaction() as session:
        assert "oidc_pending" not in session


def test_wrong_nonce_is_refused(client, idporten):
    idporten.tamper = {"nonce": "someone-elses-nonce"}
    _refused(client)


def test_expired_token_is_refused(client, idporten):
    moment = int(time.time())
    idporten.tamper = {"iat": moment - 3600, "exp": moment - 600}
    _refused(client)


def test_token_signed_with_another_key_is_refused(client, idporten):
    idporten.tamper = {"sign_with_other_key": True}
    _refused(client)


def test_token_for_another_audience_or_issuer_is_refused(client, idporten):
    idporten.tamper = {"aud": "another-client"}
    _refused(client)
    idporten.tamper = {"iss": "https://evil.example"}
    _refused(client)


def test_too_low_acr_is_refused(client, idporten):
    idporten.next_user = {**idporten.next_user, "acr": "idporten-loa-low"}
    _refused(client, "too low a security level")


def test_high_acr_is_accepted(client, idporten):
    idporten.next_user = {**idporten.next_user, "acr": "idporten-loa-high"}
    response = to_provider_and_back(client, "/login/idporten")
    assert (response.status_code, response.headers["Location"]) == (302, "/login/oidc/first")


def test_pkce_verifier_mismatch_is_refused(client, idporten):
    started = client.get("/login/idporten")
    with client.session_transaction() as session:
        flow = dict(session["oidc_flow"])
        flow["verifier"] = "x" * 64
        session["oidc_flow"] = flow
    answer = requests.get(started.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    refused = client.get(f"{back.path}?{back.query}")
    assert refused.status_code == 400
    assert "did not accept the login" in main_text(refused)
    assert idporten.token_requests[0]["code_verifier"] == "x" * 64


def test_unreachable_provider_is_a_translated_error(client, app, monkeypatch):
    from tests.conftest import free_port

    monkeypatch.setitem(app.config, "IDPORTEN_ISSUER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setitem(app.config, "IDPORTEN_CLIENT_ID", "x")
    response = client.get("/login/idporten")
    assert response.status_code == 503
    assert "did not answer" in main_text(response)


# --- the buyer's own provider ------------------------------------------------------------------


def _buyer_with_provider(provider, **user_kwargs):
    buyer = make_org("Testkommunen", buyer=True)
    officer = make_officer(buyer, **user_kwargs)
    owner = make_user()
    from compete.accounts.models import MemberRole
    from tests.factories_accounts import make_member

    make_member(buyer, owner, MemberRole.OWNER)
    services.save_provider(
        buyer,
        owner,
        issuer=provider.url,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scopes="openid email",
        enabled=True,
    )
    db.session.commit()
    return buyer, officer, owner


def test_staff_log_in_with_their_buyers_provider_after_confirming_once(client, provider):
    buyer, officer, _owner = _buyer_with_provider(provider, email="saksbehandler@kommune.test")
    page = client.get("/login")
    assert "Log in with Testkommunen" in main_text(page)
    provider.next_user = {"sub": "entra-oid-1", "email": "Saksbehandler@kommune.test"}
    callback = to_provider_and_back(client, f"/login/org/{buyer.id}")
    assert callback.status_code == 200
    assert "We have sent a link to saksbehandler@kommune.test." in main_text(callback)
    assert "acr_values" not in provider.authorize_requests[0]
    assert identities() == []

    confirmed = client.get(link_path(outbox("identity/link")[0], "/login/oidc/confirm/"))
    assert confirmed.status_code == 302
    [identity] = identities()
    # The key names the provider row ("org:<provider id>"), not the organisation.
    from compete.identity.models import OrgIdentityProvider, org_provider_key

    provider_row = db.session.scalars(
        select(OrgIdentityProvider).where(OrgIdentityProvider.organisation_id == buyer.id)
    ).one()
    assert (identity.user_id, identity.provider, identity.subject) == (
        officer.id,
        org_provider_key(provider_row.id),
        "entra-oid-1",
    )
    assert logged_in_user_id(client) == officer.get_id()

    client.post("/logout")
    again = to_provider_and_back(client, f"/login/org/{buyer.id}")
    assert (again.status_code, again.headers["Location"]) == (302, "/")
    assert logged_in_user_id(client).startswith(f"{officer.id}:")


def test_no_staff_account_is_created_through_a_buyers_provider(client, provider):
    buyer, _officer, _owner = _buyer_with_provider(provider)
    make_user("outsider@kommune.test")  # an account, but not a member of the buyer
    db.session.commit()
    users_before = db.session.scalar(select(db.func.count(User.id)))
    provider.next_user = {"sub": "entra-oid-2", "email": "outsider@kommune.test"}
    refused = to_provider_and_back(client, f"/login/org/{buyer.id}")
    assert refused.status_code == 403
    assert "Testkommunen has no staff account with the address outsider@kommune.test" in main_text(refused)
    assert db.session.scalar(select(db.func.count(User.id))) == users_before
    assert outbox("identity/link") == []


def test_staff_who_left_the_organisation_can_no_longer_log_in(client, provider):
    buyer, officer, _owner = _buyer_with_provider(provider)
    provider.next_user = {"sub": "entra-oid-3", "email": officer.email}
    to_provider_and_back(client, f"/login/org/{buyer.id}")
    client.get(link_path(outbox("identity/link")[0], "/login/oidc/confirm/"))
    client.post("/logout")
    for membership in list(officer.memberships):
        db.session.delete(membership)
    db.session.commit()
    refused = to_provider_and_back(client, f"/login/org/{buyer.id}")
    assert refused.status_code == 403
    assert logged_in_user_id(client) is None


def test_buyer_owner_configures_the_provider_and_the_secret_is_stored_encrypted(client, app, provider):
    buyer = make_org("Testetaten", buyer=True)
    owner = make_user()
    from compete.accounts.models import MemberRole
    from tests.factories_accounts import make_member

    make_member(buyer, owner, MemberRole.OWNER)
    participant = make_user()
    db.session.commit()

    login(client, participant)
    assert client.get(f"/organisations/{buyer.id}/login-provider").status_code == 403
    login(client, owner, buyer)
    page = client.get(f"/organisations/{buyer.id}/login-provider")
    assert page.status_code == 200
    assert app.config["BASE_URL"] + "/login/oidc/callback" in main_text(page)
    data = {"issuer": provider.url + "/", "client_id": "cid", "client_secret": "top-secret", "scopes": "email"}
    saved = client.post(f"/organisations/{buyer.id}/login-provider", data={**data, "enabled": "y"})
    assert saved.status_code == 302
    stored = db.session.scalars(select(OrgIdentityProvider)).one()
    assert (stored.issuer, stored.client_id, stored.scopes, stored.enabled) == (
        provider.url,
        "cid",
        "openid email",
        True,
    )
    assert "top-secret" not in stored.client_secret_encrypted
    assert services.decrypt_secret(stored.client_secret_encrypted) == "top-secret"
    # An empty secret keeps the stored one.
    client.post(f"/organisations/{buyer.id}/login-provider", data={**data, "client_secret": ""})
    assert services.decrypt_secret(stored.client_secret_encrypted) == "top-secret"
    assert stored.enabled is False
    assert actions(owner)[-2:] == ["identity.provider_saved", "identity.provider_saved"]


def test_provider_settings_need_an_approved_buyer(client):
    org = make_org()
    owner = make_user()
    from compete.accounts.models import MemberRole
    from tests.factories_accounts import make_member

    make_member(org, owner, MemberRole.OWNER)
    db.session.commit()
    login(client, owner, org)
    assert client.get(f"/organisations/{org.id}/login-provider").status_code == 403
    assert client.get("/organisations/999999/login-provider").status_code == 404


def test_link_mails_to_one_address_are_limited(client, app, idporten):
    to_provider_and_back(client, "/login/idporten")
    limit = app.config["ACCOUNT_MAIL_MAX_PER_ADDRESS"]
    for _ in range(limit + 2):
        page = client.post("/login/oidc/first", data={"name": "Ola", "email": "ola@example.test", "privacy": "y"})
        assert "We have sent a link to ola@example.test." in main_text(page)
    assert len(outbox("identity/new_account")) == limit

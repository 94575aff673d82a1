"""Identity services without HTTP: secrets, pid hashes, pending logins, confirmation links."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from flask_babel import force_locale

from compete.accounts.models import MemberRole
from compete.core.errors import DomainError
from compete.extensions import db
from compete.identity import services
from compete.identity.models import LinkedIdentity
from tests.factories import make_officer, make_org, make_user
from tests.factories_accounts import make_member


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield


def test_pid_is_kept_only_as_a_keyed_hash(app, monkeypatch):
    monkeypatch.setitem(app.config, "IDPORTEN_PID_HASH_KEY", "")
    assert services.pid_hash("01017012345") is None
    monkeypatch.setitem(app.config, "IDPORTEN_PID_HASH_KEY", "k")
    assert services.pid_hash("01017012345") == hmac.new(b"k", b"01017012345", hashlib.sha256).hexdigest()
    assert services.pid_hash(None) is None
    pending = services.pending_from_claims("idporten", {"sub": "s", "pid": "01017012345"})
    assert pending == {"provider": "idporten", "sub": "s", "pid_hash": services.pid_hash("01017012345")}


def test_client_secrets_round_trip_encrypted_and_a_foreign_token_is_refused(app, monkeypatch):
    token = services.encrypt_secret("hemmelig")
    assert "hemmelig" not in token
    assert services.decrypt_secret(token) == "hemmelig"
    monkeypatch.setitem(app.config, "OIDC_SECRET_KEY", "A" * 43 + "=")
    with pytest.raises(DomainError) as refused:
        services.decrypt_secret(token)
    assert refused.value.code == "misconfigured"


def test_staff_claims_with_an_unverified_email_are_refused(app):
    with pytest.raises(DomainError):
        services.pending_from_claims("org:1", {"sub": "s", "email": "a@b.test", "email_verified": False})
    assert services.pending_from_claims("org:1", {"sub": "s", "preferred_username": "a@b.test"}) == {
        "provider": "org:1",
        "sub": "s",
        "email": "a@b.test",
    }


def test_settings_for_unknown_or_disabled_providers_is_none(app):
    assert services.settings_for("idporten") is None  # not configured in tests
    assert services.settings_for("org:999999") is None
    assert services.settings_for("something") is None


def test_a_confirmation_link_needs_the_pending_login_of_the_same_browser(app):
    user = make_user("kari@example.test")
    pending = {"provider": "idporten", "sub": "sub-9", "pid_hash": None}
    token = services.link_token(pending, "kari@example.test", "Kari", "nb")
    with pytest.raises(DomainError) as refused:
        services.confirm_link(token, None)
    assert refused.value.code == "session"
    with pytest.raises(DomainError):
        services.confirm_link(token, {**pending, "sub": "sub-other"})
    linked, created = services.confirm_link(token, pending)
    assert (linked, created) == (user, False)
    # Opening it twice is harmless.
    assert services.confirm_link(token, pending) == (user, False)
    assert db.session.query(LinkedIdentity).count() == 1


def test_a_closed_account_cannot_log_in_through_a_linked_identity(app):
    user = make_user()
    identity = LinkedIdentity(user=user, provider="idporten", subject="sub-closed")
    db.session.add(identity)
    user.is_active_account = False
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        services.log_in_identity(identity)
    assert refused.value.code == "inactive"


def test_saving_a_provider_needs_a_secret_once_and_the_audit_names_the_role(app):
    from compete.audit.models import AuditEntry

    buyer = make_org(buyer=True)
    owner = make_user()
    make_member(buyer, owner, MemberRole.OWNER)
    admin = make_user(is_admin=True)
    make_officer(buyer)
    with pytest.raises(DomainError):
        services.save_provider(
            buyer, owner, issuer="https://idp.test", client_id="c", client_secret="", scopes="", enabled=True
        )
    provider = services.save_provider(
        buyer, owner, issuer="https://idp.test/", client_id="c", client_secret="s", scopes="", enabled=True
    )
    assert (provider.issuer, provider.scopes) == ("https://idp.test", "openid email profile")
    services.save_provider(
        buyer, admin, issuer="https://idp.test", client_id="c2", client_secret=None, scopes="", enabled=True
    )
    roles = [
        e.role
        for e in db.session.query(AuditEntry)
        .filter(AuditEntry.action == "identity.provider_saved")
        .order_by(AuditEntry.id)
    ]
    assert roles == ["owner", "admin"]
    assert services.decrypt_secret(provider.client_secret_encrypted) == "s"

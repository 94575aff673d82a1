"""Writes for identities: logging in with a linked identity, linking one after an e-mail
confirmation, creating a participant's account from ID-porten, and buyers' provider settings.

Services take plain values and models, flush only, and audit. A first login never links by
itself: a link (or a new account) is made only when the user opens a confirmation link sent to
the address, in the browser that logged in at the provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from compete.accounts import queries as account_queries
from compete.accounts.models import Organisation, User
from compete.accounts.permissions import is_owner
from compete.accounts.tokens import InvalidToken as InvalidLinkToken
from compete.accounts.tokens import make_token, read_token
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.identity import queries
from compete.identity.models import IDPORTEN, LinkedIdentity, OrgIdentityProvider, org_provider_key
from compete.identity.oidc import ProviderSettings
from compete.notifications.services import queue_email

log = logging.getLogger(__name__)

ACCEPTED_IDPORTEN_ACR = ("idporten-loa-substantial", "idporten-loa-high")
LANGUAGES = ("nb", "nn", "en")
# A password hash no password matches: accounts made through ID-porten log in there (or set a
# password through "forgot your password").
UNUSABLE_HASH_PREFIX = "!identity-only"


# --- provider settings ----------------------------------------------------------------------


def idporten_settings() -> ProviderSettings | None:
    """ID-porten from the configuration, or None when IDPORTEN_ISSUER or the client id is not set."""
    config = current_app.config
    if not config.get("IDPORTEN_ISSUER") or not config.get("IDPORTEN_CLIENT_ID"):
        return None
    return ProviderSettings(
        key=IDPORTEN,
        name="ID-porten",
        issuer=config["IDPORTEN_ISSUER"],
        client_id=config["IDPORTEN_CLIENT_ID"],
        client_secret=config.get("IDPORTEN_CLIENT_SECRET", ""),
        scopes=config["IDPORTEN_SCOPES"],
        acr_values=config["IDPORTEN_ACR_VALUES"],
        accepted_acr=ACCEPTED_IDPORTEN_ACR,
        token_auth_method=config["IDPORTEN_TOKEN_AUTH_METHOD"],
    )


def org_settings(provider: OrgIdentityProvider) -> ProviderSettings:
    return ProviderSettings(
        key=provider.key,
        name=provider.organisation.name,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=decrypt_secret(provider.client_secret_encrypted),
        scopes=provider.scopes,
    )


def settings_for(key: str) -> ProviderSettings | None:
    if key == IDPORTEN:
        return idporten_settings()
    if key.startswith("org:") and key[4:].isdigit():
        provider = queries.enabled_provider(int(key[4:]))
        return org_settings(provider) if provider is not None else None
    return None


def _fernet() -> Fernet:
    key = current_app.config.get("OIDC_SECRET_KEY") or ""
    if not key:  # derived from SECRET_KEY; set OIDC_SECRET_KEY to rotate SECRET_KEY independently
        digest = hashlib.sha256(b"compete.identity.client-secrets:" + current_app.config["SECRET_KEY"].encode())
        key = base64.urlsafe_b64encode(digest.digest()).decode()
    return Fernet(key.encode())


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DomainError(_l("The login service is not set up correctly."), code="misconfigured") from None


def pid_hash(pid: str | None) -> str | None:
    """HMAC-SHA256 of the national identity number under IDPORTEN_PID_HASH_KEY (None without a key)."""
    key = current_app.config.get("IDPORTEN_PID_HASH_KEY") or ""
    if not pid or not key:
        return None
    return hmac.new(key.encode(), pid.encode(), hashlib.sha256).hexdigest()


def save_provider(
    organisation: Organisation,
    actor: User,
    *,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    scopes: str,
    enabled: bool,
) -> OrgIdentityProvider:
    """Create or change the buyer's provider; an empty secret keeps the stored one."""
    provider = queries.provider_of(organisation)
    before = None
    if provider is None:
        if not client_secret:
            raise DomainError(_l("Enter the client secret."))
        provider = OrgIdentityProvider(organisation=organisation)
        db.session.add(provider)
    else:
        before = {"issuer": provider.issuer, "client_id": provider.client_id, "enabled": provider.enabled}
    provider.issuer = issuer.strip().rstrip("/")
    provider.client_id = client_id.strip()
    provider.scopes = " ".join(scopes.split()) or "openid email profile"
    if "openid" not in provider.scopes.split():
        provider.scopes = "openid " + provider.scopes
    provider.enabled = enabled
    if client_secret:
        provider.client_secret_encrypted = encrypt_secret(client_secret)
    db.session.flush()
    record(
        Actor(actor, organisation, "owner" if is_owner(actor, organisation) else "admin"),
        "identity.provider_saved",
        provider,
        before=before,
        after={
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "enabled": provider.enabled,
            "secret_changed": bool(client_secret),
        },
    )
    return provider


# --- login ------------------------------------------------------------------------------------


def pending_from_claims(provider_key: str, claims: dict) -> dict:
    """What the session keeps between the callback and the confirmation: never the pid itself."""
    pending = {"provider": provider_key, "sub": str(claims["sub"])[:255]}
    if provider_key == IDPORTEN:
        pending["pid_hash"] = pid_hash(claims.get("pid"))
    else:
        if claims.get("email_verified") is False:
            raise DomainError(_l("Your organisation's login service has not verified your e-mail address."))
        email = claims.get("email") or claims.get("preferred_username") or ""
        pending["email"] = str(email)[:254]
    return pending


def log_in_identity(identity: LinkedIdentity) -> User:
    """The user of a linked identity, if they may still log in through it; the login is audited."""
    user = identity.user
    if not user.is_active:
        raise DomainError(_l("This account is closed."), code="inactive")
    provider_id = _org_provider_id(identity.provider)
    if provider_id is not None:
        provider = db.session.get(OrgIdentityProvider, provider_id)
        if provider is None or not queries.is_member(user, provider.organisation_id):
            raise DomainError(_l("You are no longer a member of this organisation."), code="not_member")
    identity.last_login_at = now()
    record(Actor(user, None, "user"), "user.logged_in", user, after={"method": identity.provider})
    db.session.flush()
    return user


def _org_provider_id(key: str) -> int | None:
    return int(key[4:]) if key.startswith("org:") and key[4:].isdigit() else None


def link_token(pending: dict, email: str, name: str, language: str) -> str:
    return make_token(
        "identity-link",
        {"provider": pending["provider"], "sub": pending["sub"], "email": email, "name": name, "language": language},
    )


def _link_mails_to(email: str) -> int:
    """Link mails queued to this address within the account mail window (ACCOUNT_MAIL_WINDOW_SECONDS)."""
    since = now() - timedelta(seconds=current_app.config["ACCOUNT_MAIL_WINDOW_SECONDS"])
    return queries.count_link_mails(email, since)


def request_participant_link(pending: dict, *, email: str, name: str, language: str) -> None:
    """After a first ID-porten login: e-mail a confirmation link to the address given.

    With an account at that address, the link links ID-porten to it; without, the link creates
    the account. The page shown is the same either way."""
    if pending.get("provider") != IDPORTEN:
        raise DomainError(_l("Start the login again."))
    language = language if language in LANGUAGES else "nb"
    email, name = email.strip()[:254], name.strip()[:200]
    if _link_mails_to(email) >= current_app.config["ACCOUNT_MAIL_MAX_PER_ADDRESS"]:
        log.warning("identity link mail limit reached for an address; no mail queued")
        return
    user = account_queries.user_by_email(email)
    token = link_token(pending, email, name, language)
    if user is not None:
        queue_email("identity/link", to=user.email, language=user.language, recipient=user, token=token)
    else:
        queue_email("identity/new_account", to=email, language=language, name=name, token=token)


def request_staff_link(pending: dict, provider: OrgIdentityProvider) -> User:
    """After a first login through a buyer's provider: e-mail the staff account with that address
    a confirmation link. There are no accounts made this way; without one, the login is refused."""
    email = pending.get("email") or ""
    if email and _link_mails_to(email) >= current_app.config["ACCOUNT_MAIL_MAX_PER_ADDRESS"]:
        raise DomainError(_l("We have just sent a link to this address. Use that one, or try again later."))
    user = account_queries.user_by_email(email) if email else None
    if user is None or not user.is_verified or not queries.is_member(user, provider.organisation_id):
        raise DomainError(
            _l(
                "%(organisation)s has no staff account with the address %(email)s on Compete. "
                "Ask your organisation's administrator to invite you.",
                organisation=provider.organisation.name,
                email=email or "–",
            ),
            code="no_staff_account",
        )
    token = link_token(pending, user.email, user.name, user.language)
    queue_email("identity/link", to=user.email, language=user.language, recipient=user, token=token)
    return user


def confirm_link(token: str, pending: dict | None) -> tuple[User, bool]:
    """Open a confirmation link in the browser that logged in at the provider: link the identity
    to the account with the confirmed address (or, for ID-porten only, create that account).
    Returns the user and whether the account is new."""
    invalid = _l("This link is invalid or has expired. Log in again to get a new one.")
    try:
        payload = read_token("identity-link", token, current_app.config["OIDC_LINK_MAX_AGE_SECONDS"])
    except InvalidLinkToken:
        raise DomainError(invalid, code="invalid") from None
    if (
        not pending
        or not isinstance(payload, dict)
        or payload.get("provider") != pending.get("provider")
        or payload.get("sub") != pending.get("sub")
    ):
        raise DomainError(
            _l("Open the link in the same browser where you logged in, right after logging in."), code="session"
        )
    provider_key, subject = payload["provider"], payload["sub"]
    existing = queries.identity_for(provider_key, subject)
    if existing is not None:  # the link was opened twice
        return existing.user, False
    user = account_queries.user_by_email(payload.get("email", ""))
    created = False
    provider_id = _org_provider_id(provider_key)
    if provider_id is not None:
        provider = queries.enabled_provider(provider_id)
        if provider is None or user is None or not queries.is_member(user, provider.organisation_id):
            raise DomainError(invalid, code="invalid")
    elif user is None:
        user = _create_participant(payload)
        created = True
    if any(i.provider == provider_key for i in queries.identities_of(user)):
        raise DomainError(_l("This account is already linked to another login of this kind."), code="linked")
    if not user.is_active:
        raise DomainError(_l("This account is closed."), code="inactive")
    if user.email_verified_at is None:
        user.email_verified_at = now()  # the link reached the mailbox
        record(Actor(user, None, "user"), "user.email_verified", user, after={"email": user.email})
    identity = LinkedIdentity(user=user, provider=provider_key, subject=subject, pid_hash=pending.get("pid_hash"))
    db.session.add(identity)
    db.session.flush()
    record(Actor(user, None, "user"), "user.identity_linked", user, after={"provider": provider_key})
    log_in_identity(identity)
    return user, created


def _create_participant(payload: dict) -> User:
    moment = now()
    language = payload.get("language") if payload.get("language") in LANGUAGES else "nb"
    user = User(
        name=(payload.get("name") or payload["email"]).strip()[:200],
        email=payload["email"].strip()[:254],
        password_hash=UNUSABLE_HASH_PREFIX + secrets.token_hex(8),
        language=language,
        privacy_accepted_at=moment,
        password_changed_at=moment,
        email_verified_at=moment,
    )
    db.session.add(user)
    db.session.flush()
    record(
        Actor(user, None, "user"),
        "user.registered",
        user,
        after={"email": user.email, "language": language, "method": IDPORTEN},
    )
    return user


__all__ = [
    "confirm_link",
    "idporten_settings",
    "log_in_identity",
    "org_provider_key",
    "org_settings",
    "pending_from_claims",
    "request_participant_link",
    "request_staff_link",
    "save_provider",
    "settings_for",
]

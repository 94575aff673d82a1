"""The OpenID Connect relying party: discovery, the authorization request, the code exchange and
the ID token check. No database and no request here; the views keep the flow in the session.

Authlib builds the authorization URL (with the PKCE S256 challenge) and exchanges the code;
joserfc verifies the ID token's signature against the provider's JWKS and its claims
(iss, aud, exp, iat, nonce, and acr where the provider demands a level).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
CACHE_SECONDS = 3600
LEEWAY_SECONDS = 60


class OidcError(DomainError):
    """A login through an outside provider failed; the message is shown on a 400 page."""


@dataclass(frozen=True)
class ProviderSettings:
    key: str  # "idporten" or "org:<id>"
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    acr_values: str | None = None  # asked for in the authorization request
    accepted_acr: tuple[str, ...] = ()  # the ID token's acr must be one of these (empty: not checked)
    token_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name, not a secret


_cache: dict[str, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def _timeout() -> float:
    return float(current_app.config["OIDC_HTTP_TIMEOUT_SECONDS"])


def _get_json(url: str, *, refresh: bool = False) -> dict:
    with _cache_lock:
        hit = _cache.get(url)
    if hit and not refresh and hit[0] > time.monotonic():
        return hit[1]
    try:
        response = requests.get(url, timeout=_timeout(), headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise OidcError(
            _l("The login service did not answer. Try again in a few minutes."), code="unavailable"
        ) from None
    if not isinstance(data, dict):
        raise OidcError(_l("The login service did not answer. Try again in a few minutes."), code="unavailable")
    with _cache_lock:
        _cache[url] = (time.monotonic() + CACHE_SECONDS, data)
    return data


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def metadata(issuer: str) -> dict:
    """The provider's discovery document; its `issuer` must be the configured one."""
    data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer") != issuer or not data.get("authorization_endpoint") or not data.get("token_endpoint"):
        raise OidcError(_l("The login service is not set up correctly."), code="misconfigured")
    return data


def _client(settings: ProviderSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        token_endpoint_auth_method=settings.token_auth_method,
        scope=settings.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def authorization_request(settings: ProviderSettings, redirect_uri: str) -> tuple[str, dict]:
    """The URL to send the browser to, and the flow (state, nonce, PKCE verifier) to keep until the callback."""
    meta = metadata(settings.issuer)
    flow = {
        "provider": settings.key,
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
    }
    extra = {"nonce": flow["nonce"]}
    if settings.acr_values:
        extra["acr_values"] = settings.acr_values
    url, _state = _client(settings, redirect_uri).create_authorization_url(
        meta["authorization_endpoint"], state=flow["state"], code_verifier=flow["verifier"], **extra
    )
    return url, flow


def complete(settings: ProviderSettings, flow: dict, args, redirect_uri: str) -> dict:
    """Check the callback's state, exchange the code (with the PKCE verifier) and return the
    verified ID token's claims. Raises OidcError on any failure."""
    if args.get("error"):
        raise OidcError(_l("The login was cancelled or refused by the login service."), code="refused")
    state = args.get("state") or ""
    if not hmac.compare_digest(state.encode(), flow["state"].encode()):
        raise OidcError(_l("The login could not be completed (the answer did not match). Start again."), code="state")
    code = args.get("code")
    if not code:
        raise OidcError(_l("The login could not be completed (the answer did not match). Start again."), code="code")
    meta = metadata(settings.issuer)
    try:
        token = _client(settings, redirect_uri).fetch_token(
            meta["token_endpoint"], code=code, code_verifier=flow["verifier"], timeout=_timeout()
        )
    except (AuthlibBaseError, requests.RequestException, ValueError):
        raise OidcError(_l("The login service did not accept the login. Start again."), code="token") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not id_token:
        raise OidcError(_l("The login service did not accept the login. Start again."), code="token")
    return verify_id_token(settings, meta, id_token, flow["nonce"])


def _decode(id_token: str, jwks_uri: str):
    for refresh in (False, True):  # a key we have not seen: the provider may have rotated its keys
        keys = KeySet.import_key_set(_get_json(jwks_uri, refresh=refresh))
        try:
            return jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        except JoseError:
            if refresh:
                raise
        except ValueError:
            if refresh:
                raise JoseError("no usable key") from None
    raise JoseError("unreachable")


def verify_id_token(settings: ProviderSettings, meta: dict, id_token: str, nonce: str) -> dict:
    """Signature against the JWKS, then iss, aud (and azp), exp, iat, sub, nonce and acr."""
    invalid = _l("The login could not be verified. Start again.")
    if not meta.get("jwks_uri"):
        raise OidcError(_l("The login service is not set up correctly."), code="misconfigured")
    try:
        token = _decode(id_token, meta["jwks_uri"])
        registry = jwt.JWTClaimsRegistry(
            now=int(now().timestamp()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except JoseError as exc:
        code = "expired" if exc.__class__.__name__ == "ExpiredTokenError" else "id_token"
        raise OidcError(invalid, code=code) from None
    claims = dict(token.claims)
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != settings.client_id:
        raise OidcError(invalid, code="id_token")
    if settings.accepted_acr and claims.get("acr") not in settings.accepted_acr:
        raise OidcError(
            _l("The login used too low a security level. Log in with MinID, BankID, Buypass or Commfides."),
            code="acr",
        )
    return claims

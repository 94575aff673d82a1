"""Personal API tokens (create, revoke, authenticate) and the API's rate limit.

A token is `cpt_<8 hex>_<secret>`: the first part is the visible prefix shown in the token list,
the whole string is what the client sends. Only its SHA-256 is stored; the secret is 32 random
bytes and is shown once, when the token is created.

Tokens are credentials of their own: logging out (also "everywhere") leaves them working, and
they are listed on the profile for the user to revoke. Revoking works at the next request. A
password change or reset voids every token created before it (a changed password is the answer
to a suspected compromise), and a deactivated account's tokens are refused.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from compete.accounts.models import User
from compete.api.models import SCOPES, ApiRateCounter, ApiToken
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db

TOKEN_PREFIX = "cpt_"  # noqa: S105 - the visible start of every token, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def token_of(user: User, token_id: int) -> ApiToken | None:
    if not 0 < token_id < 2**31:
        return None
    return db.session.scalars(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)).first()


def create_token(user: User, name: str, scopes: list[str], expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the clear text, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Give the token a name."))
    chosen = [s for s in SCOPES if s in set(scopes)]
    if not chosen:
        raise DomainError(_l("Choose at least one scope."))
    prefix = TOKEN_PREFIX + secrets.token_hex(4)
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        scopes=" ".join(chosen),
        prefix=prefix,
        token_hash=hash_token(raw),
        expires_at=expires_at,
        created_at=now(),
    )
    db.session.add(token)
    db.session.flush()
    record(
        Actor(user, None, "user"),
        "api_token.created",
        token,
        after={"name": token.name, "prefix": prefix, "scopes": chosen, "expires_at": expires_at},
    )
    return token, raw


def revoke_token(token: ApiToken, user: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now()
        record(Actor(user, None, "user"), "api_token.revoked", token, after={"prefix": token.prefix})
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The usable token for this clear text, or None (unknown, revoked, expired, voided by a later
    password change, or its user deactivated)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200 or "\x00" in raw:
        return None
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).first()
    if token is None or not token.is_usable():
        return None
    user = token.user
    if not user.is_active or token.created_at < user.password_changed_at:
        return None
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = moment
    return token


# --- rate limit ------------------------------------------------------------------------------


def _upsert_hit(bucket: str, period: int) -> int:
    table = ApiRateCounter.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(bucket=bucket, period=period, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["bucket", "period"], set_={"hits": table.c.hits + 1})
    return db.session.execute(stmt.returning(table.c.hits)).scalar_one()


def hit(buckets: dict[str, int]) -> int | None:
    """Count one request in each bucket (name -> limit per window); the seconds to wait when any
    bucket is over its limit, else None. One statement per bucket, atomic on every process."""
    window = max(1, int(current_app.config["API_RATE_WINDOW_SECONDS"]))
    clock = now().timestamp()
    period = int(clock // window)
    over = False
    for bucket, limit in buckets.items():
        hits = _upsert_hit(bucket[:100], period)
        if hits == 1:  # first request of this window: forget the earlier windows of this bucket
            db.session.execute(
                delete(ApiRateCounter).where(ApiRateCounter.bucket == bucket[:100], ApiRateCounter.period < period)
            )
        over = over or hits > limit
    if not over:
        return None
    return max(1, math.ceil((period + 1) * window - clock))


def prune_rate_counters() -> int:
    """Forget the counters of windows that have ended (the worker runs this every few minutes; a
    bucket also forgets its own old windows on its first request in a new one)."""
    window = max(1, int(current_app.config["API_RATE_WINDOW_SECONDS"]))
    current = int(now().timestamp() // window)
    return db.session.execute(delete(ApiRateCounter).where(ApiRateCounter.period < current)).rowcount

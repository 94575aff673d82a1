"""The first platform administrator, made from the command line (`flask admin create`)."""

from __future__ import annotations

from compete.accounts import queries
from compete.accounts.models import User
from compete.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db


def make_platform_admin(email: str, name: str, password: str | None, *, language: str = "nb") -> tuple[User, bool]:
    """Make `email` a platform administrator: an existing account is promoted (its password is kept),
    otherwise a verified account is created with `password`. Returns (user, created). Audited as the
    system's act."""
    email = email.strip()
    if "@" not in email:
        raise DomainError(_l("Give a valid e-mail address."), code="email")
    user = queries.user_by_email(email)
    created = user is None
    if created:
        if not password or len(password) < MIN_PASSWORD_LENGTH:
            raise DomainError(_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
        moment = now()
        user = User(
            name=name.strip() or email,
            email=email,
            password_hash=hash_password(password),
            language=language if language in ("nb", "nn", "en") else "nb",
            privacy_accepted_at=moment,
            password_changed_at=moment,
            email_verified_at=moment,
        )
        db.session.add(user)
    was_admin = bool(user.is_admin)
    user.is_admin = True
    db.session.flush()
    record(
        Actor.system(),
        "user.made_platform_admin",
        user,
        before={"is_admin": was_admin},
        after={"is_admin": True, "created": created},
    )
    return user, created

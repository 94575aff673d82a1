"""Shared set-up for the API tests."""

from compete.api import services
from compete.competitions import queries
from compete.competitions.models import CallVersion
from compete.competitions.snapshot import build_snapshot
from compete.core.time import now
from compete.extensions import db


def add_call_version(slug: str) -> CallVersion:
    """Version 1 of the call (the factories publish without one)."""
    competition = queries.competition_by_slug(slug)
    version = CallVersion(
        competition_id=competition.id,
        number=1,
        snapshot=build_snapshot(competition),
        change_note="",
        published_at=now(),
    )
    db.session.add(version)
    db.session.flush()
    return version


def make_token(user, scopes=("read:public", "read:own", "read:officer"), **kwargs) -> str:
    _token, raw = services.create_token(user, "test", list(scopes), **kwargs)
    db.session.flush()
    return raw


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}

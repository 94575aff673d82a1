"""Header links that depend on whether the signed-in user has something (a jury seat, a decision
letter, a contract, a verifier role): each domain registers an EXISTS condition on the user's id,
and one statement per request answers them all, instead of one statement per link on every page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import exists, select

from compete.extensions import db

_CONDITIONS: dict[str, Callable] = {}


def register(name: str, subquery: Callable) -> None:
    """`subquery(user_id)` is a SELECT whose having any row turns the flag on."""
    _CONDITIONS[name] = subquery


def flag(name: str) -> bool:
    """Whether the signed-in user has `name`; False for visitors. Computed once per request."""
    if not current_user.is_authenticated:
        return False
    flags = g.get("nav_flags")
    if flags is None:
        names = list(_CONDITIONS)
        row = db.session.execute(select(*(exists(_CONDITIONS[n](current_user.id)).label(n) for n in names))).one()
        flags = g.nav_flags = {n: bool(v) for n, v in zip(names, row, strict=True)}
    return flags[name]


def init_app(app: Flask) -> None:
    @app.before_request
    def _fresh_flags() -> None:  # an app context may span requests (tests)
        g.pop("nav_flags", None)

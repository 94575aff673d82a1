"""Header links that depend on whether the signed-in user has something (a jury seat, a decision
letter, a contract, a verifier role): each domain registers an EXISTS condition on the user's id,
and one statement per request answers them all, instead of one statement per link on every page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import Integer, Select, bindparam, exists, select

from compete.extensions import db

_CONDITIONS: dict[str, Callable] = {}
# The statement, built once with the user's id as a bound parameter: building four EXISTS
# subqueries (and their cache key) on every request cost ~1 ms of each signed-in page.
_statement: tuple[tuple[str, ...], Select] | None = None


def register(name: str, subquery: Callable) -> None:
    """`subquery(user_id)` is a SELECT whose having any row turns the flag on; `user_id` may be
    a bound parameter, so the subquery is built once."""
    global _statement
    _CONDITIONS[name] = subquery
    _statement = None


def _flags_statement() -> tuple[tuple[str, ...], Select]:
    global _statement
    if _statement is None:
        names = tuple(_CONDITIONS)
        user_id = bindparam("nav_user_id", type_=Integer)
        _statement = names, select(*(exists(_CONDITIONS[n](user_id)).label(n) for n in names))
    return _statement


def flag(name: str) -> bool:
    """Whether the signed-in user has `name`; False for visitors. Computed once per request."""
    if not current_user.is_authenticated:
        return False
    flags = g.get("nav_flags")
    if flags is None:
        names, statement = _flags_statement()
        row = db.session.execute(statement, {"nav_user_id": current_user.id}).one()
        flags = g.nav_flags = {n: bool(v) for n, v in zip(names, row, strict=True)}
    return flags[name]


def init_app(app: Flask) -> None:
    @app.before_request
    def _fresh_flags() -> None:  # an app context may span requests (tests)
        g.pop("nav_flags", None)

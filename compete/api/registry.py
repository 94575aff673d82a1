"""The API's operations, declared once: each handler is registered as a Flask route and described
in the OpenAPI document and on the reference page from the same declaration.

    @operation("/competitions/{slug}", "getCompetition", summary=_l("..."), response=schema, params=[SLUG])
    def competition(slug): return {...}

A handler returns JSON-ready data (200), or raises ApiError / aborts. `scope` names the token
scope(s) an operation needs (any of them); without it the operation is public and anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, g, jsonify

from compete.core.i18n import lazy_gettext as _l

MAX_INT = 2**31 - 1
SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{0,119}$"
_SLUG = re.compile(SLUG_PATTERN)


class ApiError(Exception):
    """An answer other than 200, with a message for people (translated when the response is built)."""

    def __init__(self, status: int, message, *, headers: dict | None = None):
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(str(message))


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: object = ""
    location: str = "path"

    @property
    def is_int(self) -> bool:
        return self.schema.get("type") == "integer"


SLUG = Param("slug", {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120}, _l("The competition's slug."))
POSITION = Param(
    "position", {"type": "integer", "minimum": 1, "maximum": MAX_INT}, _l("The stage's number in the competition.")
)


@dataclass
class Operation:
    path: str
    operation_id: str
    summary: object
    description: object
    tag: str
    response: dict
    scope: tuple[str, ...] = ()
    params: list[Param] = field(default_factory=list)
    errors: tuple[int, ...] = (404,)
    audited: bool = False
    method: str = "GET"

    @property
    def statuses(self) -> list[int]:
        codes = {200, 400, 401, 429, *self.errors}
        if self.scope:
            codes.add(403)
        return sorted(codes)


REGISTRY: list[Operation] = []


def _flask_rule(path: str, params: list[Param]) -> str:
    for param in params:
        converter = "int:" if param.is_int else ""
        path = path.replace("{" + param.name + "}", f"<{converter}{param.name}>")
    return path


def _check_params(params: list[Param], values: dict) -> None:
    """Path values outside the documented ranges name nothing: 404 (and never reach the database)."""
    for param in params:
        value = values.get(param.name)
        if param.is_int:
            if not isinstance(value, int) or not param.schema.get("minimum", 0) <= value <= MAX_INT:
                raise ApiError(404, _l("Not found."))
        elif param.name == "slug" and not (isinstance(value, str) and _SLUG.match(value)):
            raise ApiError(404, _l("Not found."))


def make_operation_decorator(blueprint: Blueprint, require_token: Callable[[tuple[str, ...]], None]):
    def operation(
        path: str,
        operation_id: str,
        *,
        summary,
        tag: str,
        response: dict,
        description="",
        scope: tuple[str, ...] | str = (),
        params: list[Param] | None = None,
        errors: tuple[int, ...] = (404,),
        audited: bool = False,
    ):
        scopes = (scope,) if isinstance(scope, str) else tuple(scope)
        op = Operation(
            path=path,
            operation_id=operation_id,
            summary=summary,
            description=description,
            tag=tag,
            response=response,
            scope=scopes,
            params=list(params or []),
            errors=errors,
            audited=audited,
        )

        def decorator(view):
            @wraps(view)
            def handler(**values):
                if scopes:
                    require_token(scopes)
                _check_params(op.params, values)
                return jsonify(view(**values))

            handler.api_operation = op
            blueprint.add_url_rule(
                _flask_rule(path, op.params), endpoint=operation_id, view_func=handler, methods=["GET"]
            )
            REGISTRY.append(op)
            return view

        return decorator

    return operation


def current_token():
    return g.get("api_token")

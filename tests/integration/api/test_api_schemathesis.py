"""schemathesis against the app's own OpenAPI document: every operation, with generated path values
and with the world's real ones, anonymous and with an officer's token: never a 5xx, and every
answer matches the documented status codes, content type, headers and schema."""

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from compete.api import services
from compete.extensions import db
from tests.integration.api.helpers import add_call_version
from tests.integration.security_world import build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation: the whole test takes about 20 s on SQLite and 35 s on PostgreSQL here


def _token(user) -> str:
    _token_row, raw = services.create_token(user, "schemathesis", ["read:public", "read:own", "read:officer"])
    return raw


def test_every_operation_conforms_to_the_openapi_document(app):
    world = build_world()
    officer, _ = world.users["officer"]
    participant, _ = world.users["participant"]
    tokens = {"officer": _token(officer), "participant": _token(participant)}
    add_call_version(world.values["slug"])
    db.session.commit()
    saved = {k: app.config[k] for k in ("API_RATE_LIMIT_PER_IP", "API_RATE_LIMIT_PER_TOKEN")}
    app.config.update(API_RATE_LIMIT_PER_IP=10**9, API_RATE_LIMIT_PER_TOKEN=10**9)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 14
        real = {k: world.values[k] for k in ("slug", "position", "number", "submission_id")}
        calls = 0
        for operation in operations:
            names = [p.name for p in operation.path_parameters]
            for who in (None, "officer", "participant"):
                headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
                case = operation.Case(path_parameters={n: real[n] for n in names}, headers=dict(headers))
                response = case.call()
                case.validate_response(response, checks=CHECKS)
                calls += 1

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def generated(case):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {tokens['officer']}"}
                response = case.call()
                case.validate_response(response, checks=CHECKS)

            generated()
        assert calls == 3 * len(operations)
    finally:
        app.config.update(saved)

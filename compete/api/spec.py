"""The OpenAPI 3.1 document, built from the operation registry and the schemas."""

from __future__ import annotations

from compete.api.registry import REGISTRY, Operation
from compete.api.schemas import SCHEMAS, ref

API_VERSION = "1.0.0"
BASE = "/api/v1"
STATUS_TEXT = {
    200: "OK",
    400: "The request could not be understood.",
    401: "A token is needed (or the one sent is unknown, revoked or expired).",
    403: "The token's user (or scopes) may not see this.",
    404: "There is no such object, or it is not public.",
    409: "Not available yet in the object's current state.",
    429: "Too many requests; wait for the seconds in Retry-After.",
}
JSON = "application/json"


def _responses(op: Operation) -> dict:
    responses = {}
    for status in op.statuses:
        schema = op.response if status == 200 else ref("Error")
        response = {"description": STATUS_TEXT.get(status, ""), "content": {JSON: {"schema": schema}}}
        if status == 429:
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
            }
        responses[str(status)] = response
    return responses


def operation_document(op: Operation) -> dict:
    doc = {
        "operationId": op.operation_id,
        "summary": str(op.summary),
        "tags": [op.tag],
        "parameters": [
            {"name": p.name, "in": p.location, "required": True, "description": str(p.description), "schema": p.schema}
            for p in op.params
        ],
        "responses": _responses(op),
    }
    if op.description:
        doc["description"] = str(op.description)
    if op.scope:
        doc["security"] = [{"bearerAuth": []}]
        doc["x-scopes"] = list(op.scope)
    else:
        doc["security"] = [{}]
    return doc


def openapi_document() -> dict:
    paths: dict = {}
    for op in REGISTRY:
        paths.setdefault(op.path, {})[op.method.lower()] = operation_document(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Compete API",
            "version": API_VERSION,
            "description": (
                "Open data of staged innovation-procurement competitions (public, no token), and the "
                "officers' and participants' own records with a personal API token (Authorization: "
                "Bearer <token>), authorised as on the site's pages. Errors are JSON objects with a "
                "`message` in the language of Accept-Language (nb, nn or en)."
            ),
        },
        "servers": [{"url": BASE}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token made on the profile page (Profile → API tokens).",
                }
            },
        },
    }

"""What the API's operations share: path parameters, scopes and the shapes of dates and organisations."""

from __future__ import annotations

from compete.api.registry import Param
from compete.core.i18n import lazy_gettext as _l

NUMBER = Param("number", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, _l("The call version's number."))
SUBMISSION_ID = Param(
    "submission_id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, _l("The submission's id.")
)
OFFICER = ("read:officer",)
OWN = ("read:own",)


def iso(value):
    return value.isoformat() if value is not None else None


def org(organisation) -> dict:
    return {"name": organisation.name, "orgnr": organisation.orgnr}

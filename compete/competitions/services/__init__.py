"""Writes for competitions. Only flush; the request commits."""

from compete.competitions.services.authoring import (
    SETTINGS_FIELDS,
    STAGE_FIELDS,
    add_co_owner,
    create_competition,
    delete_stage,
    save_as_template,
    save_criteria,
    save_eligibility,
    save_stage,
    save_submission_template,
    update_settings,
)
from compete.competitions.services.lifecycle import (
    _new_version,
    amend,
    cancel,
    latest_version,
    publish,
    transition_competition,
    transition_stage,
)

__all__ = [
    "SETTINGS_FIELDS",
    "STAGE_FIELDS",
    "_new_version",
    "add_co_owner",
    "amend",
    "cancel",
    "create_competition",
    "delete_stage",
    "latest_version",
    "publish",
    "save_as_template",
    "save_criteria",
    "save_eligibility",
    "save_stage",
    "save_submission_template",
    "transition_competition",
    "transition_stage",
    "update_settings",
]

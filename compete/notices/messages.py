"""Explain a failed eForms rule to the officer in their language: a short explanation of the field it
concerns, with the rule id and the business term (BT) id, which the SDK's documentation uses."""

from __future__ import annotations

import re

from compete.core.i18n import lazy_gettext as _l

FIELDS = {
    "BT-10": _l("the buyer's main activity"),
    "BT-11": _l("the buyer's legal type"),
    "BT-15": _l("the address of the procurement documents"),
    "BT-21": _l("the title"),
    "BT-24": _l("the description"),
    "BT-41": _l("whether a follow-on contract may be awarded"),
    "BT-42": _l("whether the jury's decision is binding"),
    "BT-44": _l("the rank of a prize"),
    "BT-45": _l("the description of a prize"),
    "BT-97": _l("the language of the entries"),
    "BT-131": _l("the deadline for entries"),
    "BT-165": _l("the size of a winner's company"),
    "BT-262": _l("the main CPV code"),
    "BT-263": _l("an additional CPV code"),
    "BT-500": _l("an organisation's name"),
    "BT-501": _l("an organisation's registration number"),
    "BT-503": _l("an organisation's telephone number"),
    "BT-506": _l("an organisation's e-mail address"),
    "BT-507": _l("an organisation's NUTS region"),
    "BT-510": _l("an organisation's street address"),
    "BT-512": _l("an organisation's postcode"),
    "BT-513": _l("an organisation's town"),
    "BT-514": _l("an organisation's country"),
    "BT-644": _l("the value of a prize"),
    "BT-702": _l("the notice's language"),
    "BT-5071": _l("the place of performance (NUTS)"),
    "BT-759": _l("the number of entries received"),
    "BT-13713": _l("the statistics of entries received"),
}
_BT_IN_FIELD = re.compile(r"BT-(\d+)")
_BT_IN_RULE = re.compile(r"^BR-BT-0*(\d+)-")


def business_term(rule_id: str, field: str) -> str:
    """The BT id a failed rule concerns ("BT-503"), from its diagnostic or its rule id; "" if none."""
    match = _BT_IN_FIELD.search(field or "") or _BT_IN_RULE.match(rule_id or "")
    return f"BT-{match.group(1)}" if match else ""


def explain(rule_id: str, field: str):
    """A short explanation for the officer."""
    term = business_term(rule_id, field)
    if term in FIELDS:
        return _l("Missing or not allowed: %(field)s.", field=FIELDS[term])
    return _l("The notice breaks an eForms rule; see the rule id in the eForms documentation.")

"""Contract pages: the officers' contract page, the contractor's page and claims, the verifier's
pages (/verify), and the results partial's data for the public results page."""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_babel import get_locale

from compete.contracts import queries
from compete.contracts.states import ClaimState
from compete.core import navflags
from compete.core.errors import DomainError
from compete.extensions import db

bp = Blueprint("contracts", __name__)


def locale() -> str:
    return str(get_locale() or "nb")


def refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")


def flash_form_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")


def or_404(value):
    if value is None:
        abort(404)
    return value


@bp.app_template_global()
def contracts_nav() -> dict:
    """Which contract links the signed-in user needs: their organisations' contracts, verification."""
    return {"contracts": navflags.flag("contracts"), "verify": navflags.flag("verifier")}


@bp.app_template_global()
def has_contract_step(competition) -> bool:
    """The officers' contract page belongs on the manage page once the call announced a follow-on
    contract (R5) and a final decision names the winner, also when a solution-development stage follows."""
    return queries.announced_follow_on(competition) and queries.final_decision_stage(competition) is not None


@bp.app_template_global()
def contract_results(competition) -> dict | None:
    """The measured results of a competition's contract once an officer has published them, else None."""
    contract = queries.published_contract(competition)
    if contract is None:
        return None
    counted = (ClaimState.VERIFIED, ClaimState.APPROVED, ClaimState.PAID)
    outcomes = [
        {
            "outcome": outcome,
            "verified": sum(c.verified_count or 0 for c in outcome.claims if c.state in counted),
            "paid": sum(c.amount or 0 for c in outcome.claims if c.state == ClaimState.PAID),
        }
        for outcome in contract.outcomes
    ]
    return {
        "contract": contract,
        "summary": contract.results_summary,
        "published_at": contract.results_published_at,
        "outcomes": outcomes,
    }


# Routes live in the sub-modules; importing them registers them on `bp`.
from compete.contracts.views import contractor, manage, verifier  # noqa: E402, F401

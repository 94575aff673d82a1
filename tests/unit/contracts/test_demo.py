"""The contracts demo fills in a contract for a competition with a winner, once."""

from sqlalchemy import func, select

from compete.contracts import demo, queries
from compete.contracts.models import Contract
from compete.contracts.states import ClaimState
from compete.demo import _member, _user
from compete.extensions import db
from tests.factories_contracts import make_winner_setup


def test_demo_builds_a_signed_contract_with_a_paid_outcome_idempotently(app):
    cs = make_winner_setup()
    officer = _user("officer@demo.test", "Ola Innkjøper")
    _member(officer, cs.buyer, officer=True)
    demo.load([])
    demo.load([])
    contract = queries.contract_of(cs.competition)
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 1
    assert contract.is_signed and contract.results_published_at is not None
    claim = contract.outcomes[0].claims[0]
    assert (claim.state, claim.verified_count, claim.amount) == (ClaimState.PAID, 13, 325_000)
    assert queries.totals(contract).committed == 600_000 + 325_000
    assert [m.state.value for m in contract.milestones] == ["paid", "planned"]


def test_demo_does_nothing_without_a_winner(app):
    demo.load([])
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 0

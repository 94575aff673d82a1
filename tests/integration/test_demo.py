from sqlalchemy import func, select

from compete import create_app
from compete.accounts.models import Membership, Organisation, User
from compete.accounts.orgnr import orgnr_checksum_ok
from compete.competitions.models import Competition
from compete.extensions import db

BASE_ACCOUNTS = {
    "admin@demo.test",
    "officer@demo.test",
    "functionary@demo.test",
    "userrep@demo.test",
    "verifier@demo.test",
    *(f"juror{i}@demo.test" for i in range(1, 5)),
    *(f"applicant{i}@demo.test" for i in range(1, 13)),
}


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (User, Organisation, Competition)
    )


def test_demo_creates_the_reference_competition_and_is_idempotent(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    after_first = _counts()
    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert _counts() == after_first
    assert "applicant12@demo.test" in first.output
    emails = set(db.session.scalars(select(User.email)))
    assert emails >= BASE_ACCOUNTS

    competition = db.session.scalars(select(Competition).where(Competition.slug == "unge-pa-vei-til-jobb")).one()
    assert competition.budget == 600_000
    assert competition.lead_buyer.orgnr == "889640782"
    assert [(s.advancing_count, s.award_amount) for s in competition.stages] == [(3, 50_000), (1, 450_000), (1, 0)]
    assert competition.total_stage_payments == 600_000
    assert [c.weight for c in competition.stages[0].criteria] == [30, 30, 25, 15]
    assert competition.stages[0].is_open()


def test_each_applicant_has_its_own_valid_organisation(app):
    app.test_cli_runner().invoke(args=["demo"])
    rows = db.session.execute(
        select(User.email, Organisation.orgnr, Organisation.category)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(User.email.like("applicant%@demo.test"))
    ).all()
    assert len(rows) == 12
    assert len({orgnr for _, orgnr, _ in rows}) == 12
    assert all(orgnr_checksum_ok(orgnr) for _, orgnr, _ in rows)
    assert len({category for _, _, category in rows}) >= 3


def test_demo_is_refused_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("AUDIT_KEY", "y" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    prod = create_app("production")
    result = prod.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "refused under ProductionConfig" in result.output


def test_database_url_selects_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.sqlite'}")
    chosen = create_app("development")
    assert chosen.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'chosen.sqlite'}"


FINISHED = "unge-pa-vei-til-jobb-2025"


def _login(client, email):
    from tests.factories import login

    user = db.session.scalars(select(User).where(User.email == email)).one()
    login(client, user, user.memberships[0].organisation if user.memberships else None)
    return user


def test_demo_shows_a_finished_competition_through_awards_contract_and_results(app):
    from compete.audit.services import verify_chain
    from compete.awards.models import Complaint, Decision, Notice, StageAward
    from compete.awards.states import AwardState
    from compete.contracts import queries as contract_queries
    from compete.contracts.states import ClaimState
    from compete.core.time import now
    from compete.jury.models import EntryDeclaration
    from compete.notifications.models import OutboxMessage, OutboxStatus

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    awards_before = db.session.scalar(select(func.count()).select_from(StageAward))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(StageAward)) == awards_before

    competition = db.session.scalars(select(Competition).where(Competition.slug == FINISHED)).one()
    stage1, stage2 = competition.stages[:2]
    awards = db.session.scalars(
        select(StageAward).where(StageAward.stage_id.in_([stage1.id, stage2.id])).order_by(StageAward.id)
    ).all()
    assert [(a.stage_id, a.kind, a.amount, a.state) for a in awards] == [
        *[(stage1.id, "stage", 50_000, AwardState.PAID)] * 3,
        (stage2.id, "winner", 450_000, AwardState.PAID),
    ]
    assert all(a.paid_at < now() for a in awards)
    decisions = db.session.scalars(select(Decision).where(Decision.stage_id.in_([stage1.id, stage2.id]))).all()
    assert sorted(d.is_final for d in decisions) == [False, True]
    notices = db.session.scalars(select(Notice).where(Notice.decision_id.in_([d.id for d in decisions]))).all()
    assert len(notices) == 12 + 3
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_([n.outbox_message_id for n in notices]))
    ).all()
    assert {m.status for m in sent} == {OutboxStatus.SENT}
    assert len({m.sent_at for m in sent}) > 1  # one time per recipient
    complaint = db.session.scalars(select(Complaint).where(Complaint.decision_id.in_([d.id for d in decisions]))).one()
    assert complaint.responded_at is not None
    ruled = db.session.scalars(select(EntryDeclaration).where(EntryDeclaration.ruled_at.is_not(None))).all()
    assert [(d.ruled_conflict, d.seat.stage_id) for d in ruled] == [(True, stage1.id)]

    contract = contract_queries.contract_of(competition)
    assert contract.is_signed and contract.results_published_at < now()
    assert [m.state.value for m in contract.milestones] == ["paid", "planned"]
    claim = contract.outcomes[0].claims[0]
    assert (claim.state, claim.amount) == (ClaimState.PAID, 325_000)
    assert contract.outcomes[0].verifier.email == "verifier@demo.test"
    assert verify_chain().ok

    client = app.test_client()
    results = client.get(f"/competitions/{FINISHED}/results")
    assert results.status_code == 200
    assert contract.organisation.name in results.get_data(as_text=True)
    _login(client, "officer@demo.test")
    data = client.get(f"/manage/competitions/{FINISHED}/protocol.json").get_json()
    assert {s["key"]: len(s["rows"]) > 0 for s in data["sections"]} == {s["key"]: True for s in data["sections"]}
    for path in ("protocol", "protocol.pdf", "statistics", "awards", "contract", "complaints"):
        assert client.get(f"/manage/competitions/{FINISHED}/{path}").status_code == 200, path

    member = contract.organisation.memberships[0].user
    winner_client = app.test_client()
    _login(winner_client, member.email)
    assert f"/contracts/{contract.id}" in winner_client.get("/contracts").get_data(as_text=True)
    verifier_client = app.test_client()
    _login(verifier_client, "verifier@demo.test")
    assert f"/verify/claims/{claim.id}" in verifier_client.get("/verify").get_data(as_text=True)

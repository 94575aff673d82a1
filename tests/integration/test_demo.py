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
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    prod = create_app("production")
    result = prod.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "refused under ProductionConfig" in result.output


def test_database_url_selects_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.sqlite'}")
    chosen = create_app("development")
    assert chosen.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'chosen.sqlite'}"

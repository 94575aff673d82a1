"""Every password check costs an argon2 hash (~200 ms of CPU in production), so one client must not
be able to ask for them without bound: a spray of guesses at many accounts from one address, a
flood of registrations past the mail limits, and guesses at the current password through a
borrowed session are refused before any hash is computed. Login attempts are kept 30 days (R45)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from compete.accounts import passwords
from compete.accounts.models import AccountMailRequest, LoginAttempt
from compete.accounts.services import login as login_service
from compete.accounts.services import mail_requests
from compete.core.jobs import load_jobs
from compete.extensions import db
from tests.factories import make_user
from tests.factories_accounts import PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SPRAYER = "198.51.100.7"


@pytest.fixture
def password_checks(monkeypatch):
    """How many argon2 verifications ran (login and password change)."""
    calls = []

    def counting(password_hash, password):
        calls.append(password_hash)
        return passwords.verify_password(password_hash, password)

    monkeypatch.setattr(login_service, "verify_password", counting)
    from compete.accounts.services import sessions

    monkeypatch.setattr(sessions, "verify_password", counting)
    return calls


def login(client, email, password, ip):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_a_spray_from_one_address_is_stopped_before_the_password_check(app, clock, password_checks, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 10)
    clock.set(T0)
    victim = make_user("victim@example.test")
    client = app.test_client()
    for i in range(10):  # one guess each at ten accounts: below every per-account limit
        assert login(client, f"person{i}@example.test", "Sommer2026!", SPRAYER).status_code == 200
    assert len(password_checks) == 10

    for email in ("person11@example.test", victim.email):
        response = login(client, email, PASSWORD, SPRAYER)  # even the right password is not checked
        assert response.status_code == 429
        assert "For mange mislykkede forsøk. Prøv igjen om 15 minutter." in response.get_data(as_text=True)
    assert len(password_checks) == 10  # no argon2 hash for the refused tries
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 10  # and no rows: the bound stays put

    # Another address is not affected, and the bound lifts when the window has passed.
    assert login(app.test_client(), victim.email, PASSWORD, "203.0.113.5").status_code == 302
    clock.advance(timedelta(minutes=16))
    assert login(app.test_client(), victim.email, PASSWORD, SPRAYER).status_code == 302


@pytest.mark.parametrize(("days_since", "status"), [(20, 302), (31, 429)])
def test_an_account_that_logged_in_from_the_address_within_30_days_still_logs_in(
    app, clock, password_checks, monkeypatch, days_since, status
):
    """Colleagues behind the same company address keep working while the bound holds; a success
    older than the 30 days login attempts are kept does not count."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 5)
    clock.set(T0)
    colleague = make_user("colleague@example.test")
    assert login(app.test_client(), colleague.email, PASSWORD, SPRAYER).status_code == 302
    clock.advance(timedelta(days=days_since))
    for i in range(5):
        login(app.test_client(), f"guess{i}@example.test", "Sommer2026!", SPRAYER)
    assert login(app.test_client(), "newcomer@example.test", PASSWORD, SPRAYER).status_code == 429
    assert login(app.test_client(), colleague.email, PASSWORD, SPRAYER).status_code == status


def test_registrations_past_the_limit_cost_no_password_hash(app, monkeypatch):
    hashed = []
    monkeypatch.setattr(mail_requests, "hash_password", lambda password: hashed.append(1) or "hash")
    client = app.test_client()
    limit = app.config["ACCOUNT_MAIL_MAX_PER_IP"]
    answers = set()
    for i in range(limit + 15):
        data = {"name": "Kari Nordmann", "email": f"new{i}@example.test", "password": "twelve chars ok", "privacy": "y"}
        response = client.post("/register", data=data, environ_base={"REMOTE_ADDR": SPRAYER})
        assert response.status_code == 200
        answers.add(response.get_data(as_text=True))
    assert len(answers) == 1  # the limit is not visible in the answer
    assert len(hashed) == limit
    assert db.session.scalar(select(func.count(AccountMailRequest.id))) == limit


def test_guessing_the_current_password_on_the_profile_is_throttled(app, clock, password_checks):
    clock.set(T0)
    user = make_user("borrowed@example.test")
    browser = app.test_client()
    assert login(browser, user.email, PASSWORD, SPRAYER).status_code == 302
    clock.advance(timedelta(seconds=1))  # failures count after the account's last success
    checks = len(password_checks)
    change = {"current_password": "Sommer2026!", "password": "a brand new one!"}
    for _ in range(5):  # LOGIN_MAX_FAILURES_PER_IP_AND_ACCOUNT
        response = browser.post("/profile/password", data=change, environ_base={"REMOTE_ADDR": SPRAYER})
        assert response.status_code == 400
    assert len(password_checks) == checks + 5
    rows = db.session.scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).all()
    assert [(r.email, r.ip) for r in rows] == [(user.email, SPRAYER)] * 5
    response = browser.post(
        "/profile/password", data={**change, "current_password": PASSWORD}, environ_base={"REMOTE_ADDR": SPRAYER}
    )
    assert response.status_code == 429
    assert "For mange mislykkede forsøk. Prøv igjen om 15 minutter." in response.get_data(as_text=True)
    assert len(password_checks) == checks + 5
    db.session.refresh(user)
    assert passwords.verify_password(user.password_hash, PASSWORD)  # unchanged
    # The owner signing in elsewhere is not locked out of the account.
    assert login(app.test_client(), user.email, PASSWORD, "203.0.113.5").status_code == 302


def test_login_attempts_are_deleted_after_30_days(app, clock):
    clock.set(T0)
    make_user("kept@example.test")
    login(app.test_client(), "kept@example.test", PASSWORD, "203.0.113.5")
    clock.advance(timedelta(days=29))
    login(app.test_client(), "kept@example.test", "wrong password", "203.0.113.5")
    job = load_jobs()["accounts.prune_login_attempts"]
    assert job.func() == 0
    clock.advance(timedelta(days=2))
    assert job.func() == 1
    assert [a.succeeded for a in db.session.scalars(select(LoginAttempt))] == [False]

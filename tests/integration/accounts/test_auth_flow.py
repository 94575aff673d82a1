import re
from datetime import UTC, datetime, timedelta

import pytest

from compete.accounts.models import User
from compete.accounts.passwords import verify_password
from compete.accounts.services import process_mail_requests
from compete.extensions import db
from tests.factories import make_user
from tests.factories_accounts import PASSWORD, link_path, outbox

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def main_text(response) -> str:
    """The text inside <main>, without tags and with whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def register(client, email, password="twelve chars ok", **extra):
    data = {"name": "Kari Nordmann", "email": email, "password": password, "privacy": "y", **extra}
    return client.post("/register", data=data)


def test_register_verify_login_logout_reset(client, clock):
    clock.set(T0)
    response = register(client, "kari@example.test")
    assert response.status_code == 200
    assert "Check your e-mail" in main_text(response)
    assert client.get("/profile").status_code == 302  # registering signs nobody in
    assert process_mail_requests() == 1
    user = db.session.scalars(db.select(User).where(User.email == "kari@example.test")).one()
    assert user.is_verified is False

    login = client.post("/login", data={"email": "KARI@example.test", "password": "twelve chars ok"})
    assert (login.status_code, login.headers["Location"]) == (302, "/")
    profile = client.get("/profile")
    assert profile.status_code == 200
    assert "Confirm your e-mail address: open the link we sent to kari@example.test." in main_text(profile)

    verify = client.get(link_path(outbox("accounts/verify")[0], "/verify/"))
    assert (verify.status_code, verify.headers["Location"]) == (302, "/profile")
    assert user.email_verified_at == T0
    assert "Confirm your e-mail address" not in main_text(client.get("/profile"))

    assert client.post("/logout").headers["Location"] == "/"
    assert client.get("/profile").status_code == 302

    client.post("/reset", data={"email": "kari@example.test"})
    process_mail_requests()
    reset_path = link_path(outbox("accounts/reset")[0], "/reset/")
    clock.advance(timedelta(minutes=10))
    assert client.get(reset_path).status_code == 200
    done = client.post(reset_path, data={"password": "a completely new one"})
    assert (done.status_code, done.headers["Location"]) == (302, "/login")
    assert verify_password(user.password_hash, "a completely new one") is True
    reused = client.post(reset_path, data={"password": "yet another password"})
    assert reused.status_code == 400
    assert "has already been used" in main_text(reused)
    assert client.post("/login", data={"email": "kari@example.test", "password": "twelve chars ok"}).status_code == 200
    assert (
        client.post("/login", data={"email": "kari@example.test", "password": "a completely new one"}).status_code
        == 302
    )


def test_expired_reset_link_is_refused(client, clock):
    clock.set(T0)
    make_user("old@example.test")
    client.post("/reset", data={"email": "old@example.test"})
    process_mail_requests()
    path = link_path(outbox("accounts/reset")[0], "/reset/")
    clock.advance(timedelta(hours=1, minutes=1))
    response = client.get(path)
    assert response.status_code == 400
    assert "has expired" in main_text(response)


def test_expired_verification_link_is_refused(client, clock):
    clock.set(T0)
    register(client, "late@example.test")
    process_mail_requests()
    path = link_path(outbox("accounts/verify")[0], "/verify/")
    clock.advance(timedelta(days=2))
    assert client.get(path).status_code == 400


def test_registration_does_not_reveal_existing_accounts(app, clock):
    clock.set(T0)
    make_user("exists@example.test", name="Eksisterende")
    known = register(app.test_client(), "exists@example.test")
    unknown = register(app.test_client(), "new-person@example.test")
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert outbox() == []
    assert process_mail_requests() == 2
    assert [(m.kind, m.recipient_email) for m in outbox()] == [
        ("accounts/registration_attempt", "exists@example.test"),
        ("accounts/verify", "new-person@example.test"),
    ]


def test_reset_does_not_reveal_existing_accounts(app):
    make_user("exists@example.test")
    known = app.test_client().post("/reset", data={"email": "exists@example.test"})
    unknown = app.test_client().post("/reset", data={"email": "nobody@example.test"})
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert main_text(known).startswith("Sjekk e-posten din Hvis det finnes en konto for denne adressen")
    assert process_mail_requests() == 2
    assert [m.recipient_email for m in outbox()] == ["exists@example.test"]


def test_login_does_not_reveal_existing_accounts(app):
    make_user("exists@example.test")
    wrong = app.test_client().post("/login", data={"email": "exists@example.test", "password": "wrong password"})
    unknown = app.test_client().post("/login", data={"email": "nobody@example.test", "password": "wrong password"})
    assert (wrong.status_code, unknown.status_code) == (200, 200)
    assert main_text(wrong) == main_text(unknown).replace("nobody@", "exists@")
    assert "Feil e-postadresse eller passord." in main_text(wrong)


def test_register_validation_keeps_input(client):
    response = client.post("/register", data={"name": "Per", "email": "per@example.test", "password": "short"})
    text = main_text(response)
    assert response.status_code == 200
    assert "The password needs at least 12 characters." in text
    assert "You must accept the privacy notice to register." in text
    assert 'value="per@example.test"' in response.get_data(as_text=True)
    assert db.session.scalars(db.select(User).where(User.email == "per@example.test")).first() is None


def test_register_links_privacy_notice(client):
    html = client.get("/register").get_data(as_text=True)
    assert 'href="/privacy"' in html


def test_throttle_per_account_answers_429_in_users_language(app, clock):
    clock.set(T0)
    make_user("target@example.test", language="nn")
    client = app.test_client()
    for i in range(5):
        client.post("/login", data={"email": "target@example.test", "password": f"guess {i}"})
    blocked = client.post("/login", data={"email": "target@example.test", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "For mange mislykkede forsøk. Prøv igjen om 15 minutter." in main_text(blocked)
    with client.session_transaction() as s:
        s["lang"] = "nn"
    nynorsk = client.post("/login", data={"email": "target@example.test", "password": PASSWORD})
    assert "For mange mislukka forsøk. Prøv igjen om 15 minutt." in main_text(nynorsk)
    clock.advance(timedelta(minutes=15, seconds=1))
    assert client.post("/login", data={"email": "target@example.test", "password": PASSWORD}).status_code == 302


def test_failures_from_a_shared_ip_do_not_lock_out_another_users_correct_password(app, clock):
    clock.set(T0)
    user = make_user("colleague@example.test")
    client = app.test_client()
    for i in range(25):  # one address (a company network, a proxy), many accounts, each below its limit
        client.post("/login", data={"email": f"spray{i % 5}@example.test", "password": "guess"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_remember_me_sets_a_remember_cookie(app):
    make_user("remember@example.test")
    client = app.test_client()
    client.post("/login", data={"email": "remember@example.test", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    other = app.test_client()
    other.post("/login", data={"email": "remember@example.test", "password": PASSWORD})
    assert other.get_cookie("remember_token") is None


def test_login_redirects_only_to_local_next(client):
    make_user("next@example.test")
    local = client.post("/login", data={"email": "next@example.test", "password": PASSWORD, "next": "/organisations"})
    assert local.headers["Location"] == "/organisations"
    client.post("/logout")
    evil = client.post("/login", data={"email": "next@example.test", "password": PASSWORD, "next": "//evil.test/x"})
    assert evil.headers["Location"] == "/"


def test_profile_language_sets_ui_language(client):
    user = make_user(language="nb")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/profile", data={"name": "Nytt Namn", "language": "nn"}, follow_redirects=True)
    assert (user.name, user.language) == ("Nytt Namn", "nn")
    assert '<html lang="nn"' in response.get_data(as_text=True)
    assert "Profilen din er lagra." in main_text(response)


def test_login_uses_preferred_language(client):
    user = make_user(language="nn")
    client.get("/language/en")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert '<html lang="nn"' in client.get("/profile").get_data(as_text=True)


def test_export_json(client):
    user = make_user("json@example.test", name="Åse")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.get("/profile/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="compete-my-data.json"'
    data = response.get_json()
    assert (data["user"]["email"], data["user"]["name"], data["memberships"]) == ("json@example.test", "Åse", [])
    assert [a["succeeded"] for a in data["login_attempts"]] == [True]


def test_resend_verification(client):
    user = make_user(verified=False)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/verify/resend")
    assert process_mail_requests() == 1
    assert [m.kind for m in outbox()] == ["accounts/verify"]


@pytest.fixture
def csrf_client(live_app):
    with live_app.app_context():
        yield live_app.test_client()


@pytest.mark.parametrize(
    "path",
    ["/login", "/register", "/reset", "/logout", "/organisations/switch", "/profile"],
)
def test_post_without_csrf_token_is_refused(csrf_client, path):
    response = csrf_client.post(path, data={"email": "a@example.test", "password": "whatever password"})
    assert response.status_code == 400
    assert "Skjemaet var utløpt eller ble sendt fra en annen side." in response.get_data(as_text=True)


def test_password_reset_logs_out_other_sessions_and_remember_cookies(app, clock):
    clock.set(T0)
    user = make_user("two-devices@example.test")
    laptop = app.test_client()
    laptop.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert laptop.get("/profile").status_code == 200
    remembered = app.test_client()
    remembered.set_cookie("remember_token", laptop.get_cookie("remember_token").value)
    assert remembered.get("/profile").status_code == 200
    clock.advance(timedelta(minutes=5))
    phone = app.test_client()
    phone.post("/reset", data={"email": user.email})
    process_mail_requests()
    phone.post(link_path(outbox("accounts/reset")[0], "/reset/"), data={"password": "a completely new one"})
    assert laptop.get("/profile").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", laptop.get_cookie("remember_token").value)
    assert fresh.get("/profile").status_code == 302

"""Sessions end on the server: a copied session cookie or a remember cookie stops working after
logout, password change, password reset and "log out everywhere" (issue 10)."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from compete.accounts.services import process_mail_requests
from config import ProductionConfig, remember_cookie_duration
from tests.factories import make_user
from tests.factories_accounts import PASSWORD, link_path, outbox

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def logged_in(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_of(app, client, *names):
    """Another browser holding copies of `client`'s cookies (as an attacker who copied them would)."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def test_copied_session_cookie_is_refused_after_logout(app):
    user = make_user("copied@example.test")
    browser = logged_in(app, user.email)
    thief = copy_of(app, browser, "session")
    assert thief.get("/profile").status_code == 200
    browser.post("/logout")
    response = thief.get("/profile")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=%2Fprofile")


def test_remember_cookie_alone_is_refused_after_logout(app):
    user = make_user("remembered@example.test")
    browser = logged_in(app, user.email, remember=True)
    assert copy_of(app, browser, "remember_token").get("/profile").status_code == 200
    stolen = browser.get_cookie("remember_token").value
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen)
    assert thief.get("/profile").status_code == 302
    assert browser.get_cookie("remember_token") is None


def test_password_change_ends_other_sessions_and_keeps_this_one(app):
    user = make_user("changer@example.test")
    browser = logged_in(app, user.email, remember=True)
    session_copy = copy_of(app, browser, "session")
    remember_copy = copy_of(app, browser, "remember_token")
    response = browser.post("/profile/password", data={"current_password": PASSWORD, "password": "a brand new one!"})
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    assert browser.get("/profile").status_code == 200
    assert (session_copy.get("/profile").status_code, remember_copy.get("/profile").status_code) == (302, 302)
    # this browser's remember cookie was renewed with the new token
    assert copy_of(app, browser, "remember_token").get("/profile").status_code == 200


def test_password_change_needs_the_current_password(app):
    user = make_user("careful@example.test")
    browser = logged_in(app, user.email)
    token = user.session_token
    response = browser.post("/profile/password", data={"current_password": "not it", "password": "a brand new one!"})
    assert response.status_code == 400
    assert "Det nåværende passordet er ikke riktig." in response.get_data(as_text=True)
    assert user.session_token == token


def test_password_reset_ends_copied_sessions(app, clock):
    clock.set(T0)
    user = make_user("reset-me@example.test")
    browser = logged_in(app, user.email)
    thief = copy_of(app, browser, "session")
    app.test_client().post("/reset", data={"email": user.email})
    process_mail_requests()
    clock.advance(timedelta(minutes=1))
    done = app.test_client().post(link_path(outbox("accounts/reset")[0], "/reset/"), data={"password": "reset to this"})
    assert done.status_code == 302
    assert (browser.get("/profile").status_code, thief.get("/profile").status_code) == (302, 302)


def test_log_out_everywhere_ends_another_browsers_session(app):
    user = make_user("everywhere@example.test")
    laptop = logged_in(app, user.email)
    phone = logged_in(app, user.email, remember=True)
    response = laptop.post("/profile/logout-everywhere")
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    page = laptop.get("/profile")
    assert page.status_code == 200
    assert "Du er logget ut i alle andre nettlesere og på alle andre enheter." in page.get_data(as_text=True)
    assert phone.get("/profile").status_code == 302
    assert copy_of(app, phone, "remember_token").get("/profile").status_code == 302


def test_logout_everywhere_is_on_the_profile(app):
    user = make_user("profile@example.test")
    html = logged_in(app, user.email).get("/profile").get_data(as_text=True)
    assert 'action="/profile/logout-everywhere"' in html
    assert 'action="/profile/password"' in html


def test_session_without_token_is_refused(app):
    """A session cookie that names only the user id (the old format) opens nothing."""
    user = make_user("bare@example.test")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/profile").status_code == 302


def test_remember_cookie_flags(app):
    user = make_user("flags@example.test")
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    [remember] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    attributes = dict(part.strip().partition("=")[::2] for part in remember.split(";")[1:])
    assert {k: v for k, v in attributes.items() if k != "Expires"} == {"HttpOnly": "", "Path": "/", "SameSite": "Lax"}
    # Flask-Login dates the cookie by the real clock: 30 days from now, not 365
    lifetime = parsedate_to_datetime(attributes["Expires"]) - datetime.now(UTC)
    assert timedelta(days=30) - timedelta(minutes=1) < lifetime <= timedelta(days=30)


def test_remember_cookie_is_secure_in_production(app):
    user = make_user("secure@example.test")
    app.config["REMEMBER_COOKIE_SECURE"] = True
    try:
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    finally:
        app.config["REMEMBER_COOKIE_SECURE"] = False
    [remember] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert "Secure" in remember
    assert (ProductionConfig.REMEMBER_COOKIE_SECURE, ProductionConfig.SESSION_COOKIE_SECURE) == (True, True)
    assert ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_remember_cookie_lasts_at_most_30_days():
    assert (remember_cookie_duration("365"), remember_cookie_duration("7"), remember_cookie_duration("0")) == (
        timedelta(days=30),
        timedelta(days=7),
        timedelta(days=1),
    )

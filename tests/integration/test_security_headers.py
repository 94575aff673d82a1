"""Security and caching headers on every response: every GET route of the URL map, anonymous and
signed in; conditional GET on public pages; fingerprinted static files."""

import re

from flask import g, url_for

from config import ProductionConfig
from tests.factories import login, make_competition, make_user
from tests.integration.security_world import build_world, get_urls

STRICT = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
}
PUBLIC = {
    "/",
    "/accessibility",
    "/privacy",
    "/competitions/{slug}",
    "/competitions/{slug}/calendar.ics",
    "/competitions/{slug}/results",
    "/competitions/{slug}/versions/1",
}


def _assert_hardened(response, csp: str) -> None:
    assert response.headers["Content-Security-Policy"] == csp
    for name, value in STRICT.items():
        assert response.headers[name] == value, name


def test_every_get_route_has_the_security_headers_as_anonymous_and_signed_in(app, clock):
    world = build_world()
    csp = app.config["CONTENT_SECURITY_POLICY"]
    public = {p.format(slug=world.values["slug"]) for p in PUBLIC}
    urls = get_urls(app, world.values)
    seen = {}
    for role in ("anonymous", "officer", "participant", "juror", "verifier", "admin"):
        user, organisation = world.users[role]
        for url in urls:
            client = app.test_client()  # a fresh visitor each time: a flash left by a redirect is personal
            if user is not None:
                g.pop("_login_user", None)
                login(client, user, organisation)
            response = client.get(url)
            seen[(role, url)] = response.status_code
            # /readyz answers 503 by design while a dependency is not ready (here: the world's old outbox).
            assert response.status_code < 500 or url == "/readyz", (role, url)
            _assert_hardened(response, csp)
            assert "Strict-Transport-Security" not in response.headers
            cache = response.headers["Cache-Control"]
            if url.startswith("/static/"):
                assert cache == "public, max-age=300", url  # not fingerprinted: short
            elif role == "anonymous" and url in public and response.status_code == 200:
                assert cache == "public, max-age=60", url
                assert response.headers["ETag"]
                assert "Cookie" in response.headers["Vary"]
            else:
                assert cache == "no-store", (role, url, cache)
    assert len(urls) >= 80
    assert sum(code == 200 for code in seen.values()) >= 150


def test_the_policy_has_no_inline_script_or_style_and_forbids_framing(app):
    csp = app.config["CONTENT_SECURITY_POLICY"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp


def test_error_pages_and_posts_carry_the_headers_too(client, app):
    missing = client.get("/no/such/page")
    refused = client.post("/login", data={})

    for response in (missing, refused):
        _assert_hardened(response, app.config["CONTENT_SECURITY_POLICY"])
        assert response.headers["Cache-Control"] == "no-store"
    assert missing.status_code == 404


def test_hsts_is_sent_when_configured_and_production_sets_a_year(app):
    app.config["HSTS_SECONDS"] = 31536000
    try:
        response = app.test_client().get("/")
    finally:
        app.config["HSTS_SECONDS"] = 0

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert ProductionConfig.HSTS_SECONDS == 31536000


def test_a_public_page_answers_a_conditional_get_with_304(client):
    make_competition(slug="cached-call")

    first = client.get("/competitions/cached-call")
    again = client.get("/competitions/cached-call", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=60"


def test_a_signed_in_view_of_a_public_page_is_never_cached(client):
    make_competition(slug="personal-call")
    login(client, make_user())

    response = client.get("/competitions/personal-call")
    conditional = client.get("/competitions/personal-call", headers={"If-None-Match": '"anything"'})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert conditional.status_code == 200


def test_static_urls_are_fingerprinted_and_cached_for_a_year(app, client):
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
    fingerprint = re.fullmatch(r"/static/css/app\.css\?v=([0-9a-f]{12})", css).group(1)

    current = client.get(css)
    stale = client.get("/static/css/app.css?v=000000000000")

    assert current.status_code == 200
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stale.headers["Cache-Control"] == "public, max-age=300"
    assert fingerprint in client.get("/").get_data(as_text=True)


def test_a_public_page_that_shows_a_visitors_flash_is_not_cached(client):
    make_competition(slug="flash-call")
    client.get("/profile")  # not signed in: redirected to the login page with a message in the session

    response = client.get("/competitions/flash-call")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers

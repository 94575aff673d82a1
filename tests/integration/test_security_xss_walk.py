"""A script payload in every user-typed text of the database never reaches a page as markup: every
GET route of the URL map, for every role."""

from flask import g

from tests.factories import login
from tests.integration.security_world import PAYLOAD, build_world, get_urls, inject_payloads

NOT_HTML = (".pdf", ".csv", ".xlsx", ".json", ".ics")


def test_no_page_shows_a_users_script_as_markup(app, clock):
    world = build_world()
    assert inject_payloads() >= 40
    app.config["TESTING"] = True
    # PDF, CSV, XLSX, JSON and iCalendar files are not read as HTML by a browser (the header test
    # checks that their types are declared and not sniffed).
    urls = [u for u in get_urls(app, world.values) + world.extra_urls if not u.endswith(NOT_HTML)]
    pages = found = 0
    leaks, errors = [], []
    for role, (user, organisation) in world.users.items():
        client = app.test_client()
        if user is not None:
            g.pop("_login_user", None)
            login(client, user, organisation)
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500 and url != "/readyz":  # 503 while not ready is its job
                errors.append((role, url, response.status_code))
            if response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            pages += 1
            found += html.count("&lt;script&gt;xss()&lt;/script&gt;") > 0
            if PAYLOAD in html:
                leaks.append((role, url))
    assert errors == []
    assert leaks == []
    assert pages >= 900
    assert found >= 30  # the payloads are really on the pages, escaped

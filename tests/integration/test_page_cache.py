"""The public call page and home page are served from a worker's cache to anonymous visitors only,
and never past the next stage opening or deadline."""

import time
from datetime import timedelta

import pytest

from compete.core import pagecache
from compete.core.time import now
from compete.extensions import db
from tests.factories import login, make_competition, make_participant


@pytest.fixture
def cached(app):
    app.config["PAGE_CACHE_SECONDS"] = 10
    pagecache.clear()
    yield app
    app.config["PAGE_CACHE_SECONDS"] = 0
    pagecache.clear()


@pytest.mark.parametrize("page", ["call", "home"])
def test_anonymous_visitors_get_the_cached_page_without_queries(cached, count_queries, page):
    competition = make_competition(slug="ung-jobb")
    db.session.commit()
    url = "/competitions/ung-jobb" if page == "call" else "/"
    client = cached.test_client()
    first = client.get(url)
    with count_queries() as counter:
        second = client.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_data(as_text=True) == first.get_data(as_text=True)
    assert competition.title in second.get_data(as_text=True)
    assert counter.count == 0


def test_a_signed_in_user_never_gets_the_anonymous_copy(cached):
    make_competition(slug="ung-jobb")
    user, organisation = make_participant(name="Kari Nordmann")
    db.session.commit()
    cached.test_client().get("/competitions/ung-jobb")
    client = cached.test_client()
    login(client, user, organisation)
    page = client.get("/competitions/ung-jobb").get_data(as_text=True)
    assert "Kari Nordmann" in page


def test_each_language_has_its_own_copy(cached):
    make_competition(slug="ung-jobb")
    db.session.commit()
    cached.test_client().get("/competitions/ung-jobb")
    client = cached.test_client()
    client.get("/language/en", follow_redirects=True)  # shows (and so clears) its flash message
    assert '<html lang="en"' in client.get("/competitions/ung-jobb").get_data(as_text=True)


def test_a_page_is_not_kept_past_the_next_deadline(cached, count_queries, clock):
    """A stage that closes a millisecond after the page is rendered: the copy expires then, so the
    page never shows the stage as open after its deadline."""
    clock.set(now())
    make_competition(slug="ung-jobb", deadline_in=timedelta(milliseconds=1))
    db.session.commit()
    client = cached.test_client()
    client.get("/competitions/ung-jobb")
    time.sleep(0.02)
    with count_queries() as counter:
        client.get("/competitions/ung-jobb")
    assert counter.count > 0

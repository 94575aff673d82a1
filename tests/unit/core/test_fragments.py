"""Cached table rows (compete.core.fragments): a row is rendered again whenever anything it shows
changes, in the reader's language, escaped, and joined from the cache when nothing changed."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from compete.core import fragments
from compete.submissions.queries import LogRow


def _row(**changes) -> LogRow:
    values = {
        "at": datetime(2026, 3, 1, 11, 5, 7, tzinfo=UTC),
        "event": "submitted",
        "code": "K-7F3A",
        "organisation": "Sosial Spire SA",
        "orgnr": "974760673",
        "person": "Kari Nordmann",
        "detail": "v1",
        "hashes": ("content " + "a" * 64,),
    }
    values.update(changes)
    return LogRow(**values)


@pytest.fixture
def render(app):
    fragments.cache.clear()

    def render(rows, locale="nb"):
        with app.test_request_context("/"), force_locale(locale):
            return str(fragments.rows("submissions/_receipt_rows.html", "row", rows, "/p/"))

    return render


def test_unchanged_rows_come_from_the_cache(render):
    rows = [_row(), _row(code="K-0001", detail="v2")]
    first = render(rows)
    misses = fragments.cache.misses
    assert render(rows) == first
    assert fragments.cache.misses == misses
    assert fragments.cache.hits == 2


@pytest.mark.parametrize(
    "change",
    [
        {"organisation": "Nytt Navn AS"},
        {"person": "Ola Nordmann"},
        {"detail": "v3"},
        {"hashes": ("content " + "b" * 64,)},
        {"at": datetime(2026, 3, 1, 12, 5, 7, tzinfo=UTC)},
        {"event": "withdrawn"},
    ],
)
def test_a_changed_value_is_rendered_anew(render, change):
    before = render([_row()])
    after = render([_row(**change)])
    assert after != before
    ((field, value),) = change.items()
    if field == "event":
        assert "Trukket" in after
    elif field == "at":
        assert "13.05:07" in after  # 12:05 UTC is 13:05 in Oslo in March
    elif field == "hashes":
        assert "b" * 64 in after
    else:
        assert value in after


def test_the_language_is_part_of_the_key(render):
    nb = render([_row(event="withdrawn")], "nb")
    en = render([_row(event="withdrawn")], "en")
    assert "Trukket" in nb
    assert "Withdrawn" in en


def test_values_are_escaped(render):
    html = render([_row(organisation="<script>x()</script>", person='"><img src=x>')])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html

"""How the protocol reads in HTML and PDF, and the SVG chart."""

from __future__ import annotations

from decimal import Decimal

from compete.audit.charts import Bar, bar_chart
from compete.audit.protocol import is_money_key, iso
from compete.audit.rendering import cell, display

NBSP = "\u00a0"


def test_iso_is_utc_with_z_to_the_second():
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 3, 15, 12, 0, 30, 999_999, tzinfo=timezone(timedelta(hours=1)))
    assert iso(moment) == "2026-03-15T11:00:30Z"
    assert iso(None) is None


def test_money_words():
    assert [is_money_key(k) for k in ("budget", "award_amount", "paid", "price_per_outcome", "advancing_count")] == [
        True,
        True,
        True,
        True,
        False,
    ]


def test_cells_show_oslo_time_kroner_and_yes_no(app):
    with app.test_request_context():
        assert cell("2026-03-15T11:00:00Z", "deadline_at", "nb").text == f"15.03.2026 kl.{NBSP}12.00"
        assert cell("2026-07-01T10:00:00Z", "at", "nb").text == f"01.07.2026 kl.{NBSP}12.00"  # summer time
        assert cell(50_000, "award_amount", "nb").text == f"50{NBSP}000{NBSP}kr"
        assert cell(3, "advancing_count", "nb").text == "3"
        assert cell(True, "lead", "nb").text == "Ja"
        assert cell(None, "answer").text == "–"
        assert cell("a" * 64, "sha256").kind == "code"
        assert cell("974760673", "orgnr").text == "974 760 673"


def test_flat_rows_become_a_table_and_nested_rows_records(app):
    built = {
        "sections": [
            {"key": "flat", "title": "Flat", "rows": [{"stage": 1, "amount": 50_000}, {"stage": 2, "amount": 450_000}]},
            {"key": "nested", "title": "Nested", "rows": [{"stage": 1, "files": [{"file": "a.pdf", "size": 3}]}]},
            {"key": "empty", "title": "Empty", "rows": []},
        ]
    }
    with app.test_request_context():
        flat, nested, empty = display(built, "nb")
    assert (flat.layout, flat.count) == ("table", 2)
    assert [[c.text for c in row] for row in flat.table.rows] == [
        ["1", f"50{NBSP}000{NBSP}kr"],
        ["2", f"450{NBSP}000{NBSP}kr"],
    ]
    assert nested.layout == "records"
    (record,) = nested.records
    files = record.items[1][1]
    assert files.kind == "table" and [[c.text for c in row] for row in files.rows] == [["a.pdf", "3"]]
    assert empty.layout == "empty"


def test_bar_chart_is_accessible_and_scaled():
    svg = str(
        bar_chart(
            "Tid per fase",
            "Dager <per> fase",
            [Bar("1. Idéskisse", (Decimal("14.0"), Decimal("7.0")), "21 dager"), Bar("2. Videre", (7, 0), "7 dager")],
            ["Innlevering", "Vurdering"],
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=" in svg and "Tid per fase</title>" in svg
    assert "Dager &lt;per&gt; fase" in svg  # escaped
    assert "21 dager" in svg and "7 dager" in svg
    # The plot is 640 - 190 - 150 = 300 wide; 21 days is the largest total.
    assert 'width="200.0"' in svg and 'width="100.0"' in svg

from datetime import UTC, date, datetime

import pytest

from compete.core.formatting import (
    format_date_table,
    format_date_text,
    format_datetime,
    format_iso,
    format_nok,
    format_orgnr,
)

NB = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (50_000, "nb", f"50{NB}000{NB}kr"),
        (450_000, "nn", f"450{NB}000{NB}kr"),
        (600_000, "en", f"NOK{NB}600,000"),
        (0, "nb", f"0{NB}kr"),
        (999, "nb", f"999{NB}kr"),
        (1_234_567, "nb", f"1{NB}234{NB}567{NB}kr"),
        (-50_000, "nb", f"-50{NB}000{NB}kr"),
    ],
)
def test_nok(amount, locale, expected):
    assert format_nok(amount, locale) == expected


@pytest.mark.parametrize("bad", [50_000.0, "50000", True])
def test_nok_refuses_anything_but_integers(bad):
    with pytest.raises(TypeError):
        format_nok(bad)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("nb", "5. juni 2026"), ("nn", "5. juni 2026"), ("en", "5 June 2026")],
)
def test_date_in_text(locale, expected):
    assert format_date_text(date(2026, 6, 5), locale) == expected


def test_date_in_text_uses_oslo_day():
    # 23:30 UTC on 4 June is already 5 June in Oslo.
    assert format_date_text(datetime(2026, 6, 4, 23, 30, tzinfo=UTC), "nb") == "5. juni 2026"


@pytest.mark.parametrize(("locale", "expected"), [("nb", "05.06.2026"), ("nn", "05.06.2026"), ("en", "05/06/2026")])
def test_date_in_tables(locale, expected):
    assert format_date_table(date(2026, 6, 5), locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("nb", f"15.03.2026 kl.{NB}12.00"), ("nn", f"15.03.2026 kl.{NB}12.00"), ("en", "15/03/2026 at 12:00")],
)
def test_deadline_datetime(locale, expected):
    assert format_datetime(datetime(2026, 3, 15, 11, 0, tzinfo=UTC), locale) == expected


def test_iso_export_is_utc():
    assert format_iso(datetime(2026, 3, 15, 11, 0, 5, 123, tzinfo=UTC)) == "2026-03-15T11:00:05Z"


def test_orgnr_is_grouped():
    assert format_orgnr("974760673") == "974 760 673"
    assert format_orgnr("GB12345") == "GB12345"


def test_month_names_in_nynorsk_and_bokmal():
    assert format_date_text(date(2026, 1, 31), "nb") == "31. januar 2026"
    assert format_date_text(date(2026, 12, 1), "nn") == "1. desember 2026"

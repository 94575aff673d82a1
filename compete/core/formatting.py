"""The one place where money, dates and times become text (R48, R6).

Amounts are integers of whole kroner. Times are aware UTC in the database and are
shown in Europe/Oslo. Three languages: nb (default), nn, en.
"""

from datetime import UTC, date, datetime

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

from compete.core.time import to_oslo

NBSP = "\u00a0"
LANGUAGES = ("nb", "nn", "en")


def _lang(locale: str | None) -> str:
    code = (locale or "nb").split("_")[0].split("-")[0]
    return code if code in LANGUAGES else "nb"


def format_nok(amount: int, locale: str | None = "nb") -> str:
    """50000 -> "50 000 kr" (no-break spaces); English "NOK 50,000"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amounts are integers (whole kroner)")
    sign = "-" if amount < 0 else ""
    if _lang(locale) == "en":
        return f"{sign}NOK{NBSP}{abs(amount):,}"
    digits = f"{abs(amount):,}".replace(",", NBSP)
    return f"{sign}{digits}{NBSP}kr"


def format_number(value, places: int = 2, locale: str | None = "nb") -> str:
    """Scores and means with a fixed number of decimals in the reader's language (R47):
    9.04 -> "9,04" (nb, nn), "9.04" (en); thousands get a no-break space in nb and nn."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return _babel_decimal(value, format=pattern, locale=_lang(locale), decimal_quantization=True)


def _as_local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return to_oslo(value).date()
    return value


def format_date_text(value: date | datetime, locale: str | None = "nb") -> str:
    """Running text: "5. juni 2026" (nb, nn), "5 June 2026" (en)."""
    day = _as_local_date(value)
    lang = _lang(locale)
    if lang == "en":
        return _babel_date(day, "d MMMM y", locale="en_GB")
    return _babel_date(day, "d. MMMM y", locale=lang)


def format_date_table(value: date | datetime, locale: str | None = "nb") -> str:
    """Tables: "05.06.2026" (nb, nn), "05/06/2026" (en)."""
    day = _as_local_date(value)
    if _lang(locale) == "en":
        return day.strftime("%d/%m/%Y")
    return day.strftime("%d.%m.%Y")


def format_datetime(value: datetime, locale: str | None = "nb") -> str:
    """Deadlines: "15.03.2026 kl. 12.00" (nb, nn), "15/03/2026 at 12:00" (en)."""
    local = to_oslo(value)
    if _lang(locale) == "en":
        return f"{local:%d/%m/%Y} at {local:%H:%M}"
    return f"{local:%d.%m.%Y} kl.{NBSP}{local:%H.%M}"


def format_iso(value: datetime) -> str:
    """Exports: ISO 8601 in UTC, "2026-03-15T11:00:00Z"."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_orgnr(number: str) -> str:
    """ "974760673" -> "974 760 673"."""
    if len(number) == 9 and number.isdigit():
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


def spreadsheet_safe(cell):
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe (CSV/XLSX exports)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell

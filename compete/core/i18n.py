"""Locale and time-zone selection for Flask-Babel, and the lazy messages the code uses.

A translated message is text, never markup. Flask-Babel's LazyString answers `__html__` with
itself unescaped, so Jinja, WTForms and `markupsafe.escape` took a lazy message with a user's
value interpolated into it (an organisation or stage name) as safe HTML. The lazy messages below
escape themselves instead; every module imports `_l` from here (ruff bans flask_babel's own).
"""

from functools import lru_cache

from babel import Locale
from flask import current_app, request, session
from flask_babel import gettext, ngettext, pgettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape


class LazyText(LazyString):
    """A lazily translated message that Jinja and WTForms escape like any other text."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyText:
    return LazyText(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyText:
    return LazyText(pgettext, context, string, **variables)


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    """One Locale per language code for the process: Flask-Babel would parse the code again on
    every request, and parsing looks for the locale's data file on disk."""
    return Locale.parse(code)


def select_locale() -> Locale:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return _parsed(chosen)
    if current_user and getattr(current_user, "is_authenticated", False):
        preferred = getattr(current_user, "language", None)
        if preferred in languages:
            return _parsed(preferred)
    return _parsed(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    return "Europe/Oslo"

"""Template filters and globals: formatting goes through core.formatting only."""

from flask import g, request, url_for
from flask_babel import get_locale, get_translations

from compete.core import formatting, fragments


def _babel_context():
    """Flask-Babel's per-request namespace (None outside an app context)."""
    try:
        return g._get_current_object().get("_flask_babel")  # one context lookup, not two
    except RuntimeError:
        return None


def _translations():
    """get_translations(), looked up once per request and locale instead of once per message:
    a page with a 300-row table translates a message per row. A locale forced for a while
    (`force_locale`) or refreshed is another Locale object, so the catalogue is looked up again."""
    ctx = _babel_context()
    if ctx is not None:
        cached = getattr(ctx, "compete_translations", None)
        if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
    translations = get_translations()
    ctx = _babel_context()
    if ctx is not None:
        ctx.compete_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def _locale() -> str:
    ctx = _babel_context()
    if ctx is not None:
        cached = getattr(ctx, "compete_locale_name", None)
        if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
    locale = get_locale()
    name = str(locale or "nb")
    ctx = _babel_context()
    if ctx is not None and locale is not None:
        ctx.compete_locale_name = (locale, name)
    return name


def register_template_helpers(app) -> None:
    # The same callables Flask-Babel installs, with the catalogue kept for the request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.add_template_filter(lambda v: formatting.format_nok(v, _locale()), "nok")
    app.add_template_filter(lambda v: formatting.format_date_text(v, _locale()), "date_text")
    app.add_template_filter(lambda v: formatting.format_date_table(v, _locale()), "date_table")
    app.add_template_filter(lambda v: formatting.format_datetime(v, _locale()), "datetime")
    app.add_template_filter(lambda v, places=2: formatting.format_number(v, places, _locale()), "decimal")
    app.add_template_filter(formatting.format_iso, "iso")
    app.add_template_filter(formatting.format_orgnr, "orgnr")
    app.add_template_global(fragments.rows, "cached_rows")

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": _locale(),
            "languages": [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")],
            "language_url": lambda code: url_for("core.set_language", code=code, next=request.full_path.rstrip("?")),
        }

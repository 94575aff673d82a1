"""Template filters and globals: formatting goes through core.formatting only."""

from flask import request, url_for
from flask_babel import get_locale

from compete.core import formatting


def _locale() -> str:
    return str(get_locale() or "nb")


def register_template_helpers(app) -> None:
    app.add_template_filter(lambda v: formatting.format_nok(v, _locale()), "nok")
    app.add_template_filter(lambda v: formatting.format_date_text(v, _locale()), "date_text")
    app.add_template_filter(lambda v: formatting.format_date_table(v, _locale()), "date_table")
    app.add_template_filter(lambda v: formatting.format_datetime(v, _locale()), "datetime")
    app.add_template_filter(lambda v, places=2: formatting.format_number(v, places, _locale()), "decimal")
    app.add_template_filter(formatting.format_iso, "iso")
    app.add_template_filter(formatting.format_orgnr, "orgnr")

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": _locale(),
            "languages": [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")],
            "language_url": lambda code: url_for("core.set_language", code=code, next=request.full_path.rstrip("?")),
        }

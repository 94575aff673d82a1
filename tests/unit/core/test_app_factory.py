import pytest

from compete import create_app
from config import ProductionConfig


def test_testing_config_is_applied(app):
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_ENABLED"] is False


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with pytest.raises(RuntimeError) as excinfo:
        create_app(ProductionConfig)
    assert str(excinfo.value) == (
        "ProductionConfig needs these environment variables: SECRET_KEY, DATABASE_URL, AUDIT_KEY"
    )


def test_database_url_is_normalised_to_psycopg(monkeypatch):
    from config import database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/compete")
    assert database_url("sqlite://") == "postgresql+psycopg://u:p@127.0.0.1:5432/compete"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url("sqlite://") == "postgresql+psycopg://u@h/db"


def test_warm_compiles_every_template_and_loads_every_catalogue(app):
    """gunicorn's master warms the app before forking (gunicorn.conf.py when_ready)."""
    from flask_babel import force_locale

    from compete.core.warmup import warm
    from compete.extensions import babel

    warmed = warm(app)
    environment = app.jinja_env
    names = environment.list_templates(extensions=("html", "txt"))
    assert warmed["templates"] == len(names) > 100
    cached = {key[1] for key in environment.cache}
    assert set(names) <= cached
    assert {locale for locale, _domain in babel.domain_instance.cache} >= {"nb", "nn", "en"}
    with app.test_request_context("/"), force_locale("nn"):
        from flask_babel import gettext

        assert gettext("Log in") != "Log in"


def test_warm_imports_what_the_views_import_lazily(app):
    """Each name in LAZY_IMPORTS is a module some view imports inside a function; warm imports it."""
    import subprocess
    import sys

    from compete.core.warmup import LAZY_IMPORTS

    # A fresh interpreter: in this one the suite may have imported them already.
    code = (
        "import sys; from compete import create_app; from compete.core.warmup import warm; "
        "app = create_app('testing'); before = set(sys.modules); warmed = warm(app); "
        "print(sorted(set(warmed['modules']) - before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(sorted(LAZY_IMPORTS))

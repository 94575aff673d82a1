"""Compete: staged innovation-procurement competitions."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from compete.extensions import babel, csrf, db, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = (
    "core",
    "accounts",
    "competitions",
    "submissions",
    "jury",
    "awards",
    "contracts",
    "notifications",
    "audit",
    "records",
    "innsyn",
    "identity",
    "api",
    "notices",
)


def create_app(config=None, **overrides) -> Flask:
    """Build the application.

    `config` is a config class, a name from config.CONFIGS, or None (then
    COMPETE_CONFIG, default "development"). Keyword overrides win over both.
    """
    from config import CONFIGS, database_url

    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("COMPETE_CONFIG", "development")]
    if hasattr(config, "check"):
        config.check()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from compete.core.requests import Request

    app.request_class = Request
    app.config.from_object(config)
    if os.environ.get("DATABASE_URL"):
        # Read at start-up, not at import: DATABASE_URL wins in every configuration.
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url("")
    app.config.update(overrides)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(ROOT / "compete" / d / "translations") for d in DOMAINS)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)

    if app.config.get("TRUSTED_PROXY_HOPS", 0) > 0:
        # Only as many X-Forwarded-For/-Proto entries as there are proxies we run are believed.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)

    from compete.core.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    from compete.core.db import configure_postgresql, configure_sqlite, retry_lock_conflicts

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
    retry_lock_conflicts(app)

    _register_models()
    import compete.accounts.queries  # noqa: F401 - registers Flask-Login's user loader

    _register_blueprints(app)

    from compete.core import ops
    from compete.core.logs import configure_logging, register_request_ids
    from compete.core.metrics import register_request_metrics

    app.register_blueprint(ops.bp)
    configure_logging(app)
    register_request_ids(app)
    from compete.core import navflags

    navflags.init_app(app)
    register_request_metrics(app)

    from compete.core.errors import register_error_handlers
    from compete.core.security import register_security_headers
    from compete.core.templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)

    from compete.cli import register_cli

    register_cli(app)
    return app


def _register_models() -> None:
    import importlib

    for domain in DOMAINS:
        try:
            importlib.import_module(f"compete.{domain}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"compete.{domain}.models":
                raise


def _register_blueprints(app: Flask) -> None:
    import importlib

    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"compete.{domain}.views")
        except ModuleNotFoundError as exc:
            if exc.name != f"compete.{domain}.views":
                raise
            continue
        app.register_blueprint(module.bp)

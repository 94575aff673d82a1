"""Test harness: the schema is built once per run from the migrations; each test
runs inside a transaction that is rolled back. SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set (one database per xdist worker). SMTP is a real aiosmtpd
server and S3 a real moto HTTP server, both on 127.0.0.1.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from compete import create_app
from compete.core import time as clock_module
from compete.extensions import db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases --------------------------------------------------------------------------


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def make_database_url(tmp_path_factory, suffix: str = "") -> str:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        base = urlsplit(url).path.lstrip("/") or "compete_test"
        name = f"{base}_{_worker()}{suffix}"
        admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.rsplit("/", 1)[0] + "/" + name
    path = tmp_path_factory.mktemp(f"db{suffix}") / "test.sqlite"
    return f"sqlite:///{path}"


def build_app(database_url: str, tmp_path_factory, smtp_port: int, **overrides):
    upload_dir = tmp_path_factory.mktemp("uploads")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(upload_dir),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_SUPPRESS_SEND=False,
        **overrides,
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1; messages land in `smtp_server.messages`."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.raw: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):
            self.raw.append(envelope.original_content)
            return "250 OK"

    handler = Handler()
    port = free_port()

    class Server:
        """Can be stopped and started again on the same port to simulate an outage."""

        def __init__(self):
            self.port = port
            self.handler = handler
            self.controller = None
            self.start()

        @property
        def running(self) -> bool:
            return self.controller is not None

        @property
        def messages(self):
            return [email.message_from_bytes(raw, policy=email.policy.default) for raw in handler.raw]

        def clear(self):
            handler.raw.clear()

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

        def start(self):
            if self.controller is None:
                self.controller = Controller(handler, hostname="127.0.0.1", port=port)
                self.controller.start()

    server = Server()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    smtp_server.start()
    smtp_server.clear()
    yield smtp_server
    smtp_server.start()
    smtp_server.clear()


@pytest.fixture(scope="session")
def _app(tmp_path_factory, smtp_server):
    return build_app(make_database_url(tmp_path_factory), tmp_path_factory, smtp_server.port)


class _BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks engines itself; in tests, use the test connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture
def app(_app):
    """The app in an application context, inside a transaction rolled back after the test."""
    with _app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _BoundSession}
        )
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
            _app.extensions.pop("compete_storage", None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock():
    """Freeze the server clock: `clock.set(datetime)`, `clock.advance(timedelta)`."""

    class Clock:
        set = staticmethod(clock_module.freeze)
        advance = staticmethod(clock_module.advance)
        now = staticmethod(clock_module.now)

    yield Clock()
    clock_module.unfreeze()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...; counter.count`"""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []
        engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.count += 1
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


# --- S3 --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's real HTTP S3 server on a free port."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


# --- browser ----------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; CI installs it (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def live_app(tmp_path_factory, smtp_server):
    """A fresh app with its own migrated database (no shared transaction), for a live server."""
    app = build_app(
        make_database_url(tmp_path_factory, suffix="live"), tmp_path_factory, smtp_server.port, WTF_CSRF_ENABLED=True
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Live:
        url = f"http://127.0.0.1:{server.server_port}"
        app = live_app

    yield Live()
    server.shutdown()
    thread.join(timeout=5)

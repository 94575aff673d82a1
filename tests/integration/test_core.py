"""Site-wide behaviour: health check, error pages, language choice, schema."""

import pytest

from compete import create_app
from tests.conftest import free_port


@pytest.fixture
def broken_app(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=2",
        SQLALCHEMY_ENGINE_OPTIONS={},
        UPLOAD_DIR=str(not_a_dir / "uploads"),
    )


def test_readyz_names_what_failed(broken_app):
    response = broken_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "database": "error: OperationalError",
        "outbox": "unknown",
        "storage": "error: StorageError",
    }


def test_healthz_is_liveness_only_and_answers_while_the_database_is_down(broken_app):
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_with_only_storage_down(app, client, tmp_path, monkeypatch):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(not_a_dir / "uploads"))
    app.extensions.pop("compete_storage", None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "outbox": "ok", "storage": "error: StorageError"}


@pytest.mark.parametrize(
    ("lang", "title"),
    [("nb", "Fant ikke siden"), ("nn", "Fann ikkje sida"), ("en", "Page not found")],
)
def test_404_page_is_localised(client, lang, title):
    client.get(f"/language/{lang}")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    assert f'<h1 class="ds-heading" data-size="lg">{title}</h1>' in html


def test_413_page_for_a_too_large_body(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    try:
        response = client.post("/login", data={"email": "y" * 100, "password": "x"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    assert "Filen er større enn tillatt" in response.get_data(as_text=True)


def test_language_switch_only_redirects_inside_the_site(client):
    assert client.get("/language/nn?next=/competitions/x").headers["Location"] == "/competitions/x"
    assert client.get("/language/nn?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/nn?next=//evil.example/").headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.get("/language/de")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nb"' in html


def test_accessibility_statement_exists(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    assert "(WCAG) 2.1" in response.get_data(as_text=True)


def test_migrations_produce_the_same_schema_as_the_models(app):
    """Alembic's autogenerate finds nothing to add: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from compete.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(tmp_path_factory, smtp_server):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from compete.extensions import db
    from tests.conftest import build_app, make_database_url

    fresh = build_app(make_database_url(tmp_path_factory, suffix="updown"), tmp_path_factory, smtp_server.port)
    with fresh.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "submissions" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()

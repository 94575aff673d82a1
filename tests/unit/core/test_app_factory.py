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

"""Configuration classes, read from the environment with safe local defaults.

`create_app()` picks the class named by COMPETE_CONFIG (development, testing,
production); DATABASE_URL selects the database in every configuration.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("COMPETE_INSTANCE_DIR", BASE_DIR / "instance"))


def database_url(default: str) -> str:
    """DATABASE_URL from the environment, normalised to the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL", default)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{INSTANCE_DIR / 'compete.sqlite'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Storage: "local" (default) or "s3".
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION", "eu-north-1")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024

    # E-mail. Messages are always written to the outbox first; `flask outbox send`
    # delivers them. With MAIL_SERVER empty the outbox is only logged (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Compete <noreply@compete.localhost>")
    MAIL_SUPPRESS_SEND = False
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "60"))

    # Links in e-mails are built from this address.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "nb")
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = ("nb", "nn", "en")

    # Password hashing (argon2id) cost; tests lower it.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Login throttling: after this many failures within the window, wait.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
    LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "20"))
    LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))

    TOKEN_MAX_AGE_SECONDS = 24 * 3600
    RESET_TOKEN_MAX_AGE_SECONDS = 3600

    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # Warn when a submission window is shorter than this many days (R7).
    MIN_SUBMISSION_WINDOW_DAYS = int(os.environ.get("MIN_SUBMISSION_WINDOW_DAYS", "14"))

    DEMO_ALLOWED = True

    # Performance (issue 11): seconds a worker keeps the rendered public call page and home page
    # for anonymous visitors (never past the next stage opening or deadline); 0 turns it off.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "10"))


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = database_url("sqlite://")
    WTF_CSRF_ENABLED = False
    SERVER_NAME = None
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    OUTBOX_BACKOFF_SECONDS = 0
    MAIL_SERVER = "127.0.0.1"
    PAGE_CACHE_SECONDS = 0  # tests that want the page cache turn it on themselves


class ProductionConfig(Config):
    DEMO_ALLOWED = False
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"ProductionConfig needs these environment variables: {', '.join(missing)}")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

"""Configuration classes, read from the environment with safe local defaults.

`create_app()` picks the class named by COMPETE_CONFIG (development, testing,
production); DATABASE_URL selects the database in every configuration.
"""

import os
from datetime import timedelta
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


def remember_cookie_duration(days: str) -> timedelta:
    """REMEMBER_COOKIE_DAYS, between 1 and at most 30 days whatever is configured."""
    return timedelta(days=min(30, max(1, int(days))))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{INSTANCE_DIR / 'compete.sqlite'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Storage: "local" (default) or "s3".
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # The eForms Schematron compiled to XSLT (compete/notices/validation.py), keyed by SDK version and hash.
    EFORMS_CACHE_DIR = os.environ.get("EFORMS_CACHE_DIR", str(INSTANCE_DIR / "eforms"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION", "eu-north-1")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024

    # Upload bounds, checked before a file's content is read (zip bombs, image bombs).
    # An Office file (a ZIP) may unpack to at most this many MB in total,
    UPLOAD_MAX_UNCOMPRESSED_MB = int(os.environ.get("UPLOAD_MAX_UNCOMPRESSED_MB", "100"))
    # and no member above 1 MB may unpack to more than this many times its compressed size.
    UPLOAD_MAX_RATIO = int(os.environ.get("UPLOAD_MAX_RATIO", "100"))
    # Images (JPEG, PNG) with more pixels than this are refused before they are decoded.
    UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", "40000000"))

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

    TOKEN_MAX_AGE_SECONDS = 24 * 3600
    RESET_TOKEN_MAX_AGE_SECONDS = 3600

    # --- Sessions, login throttling and proxies (README "Security") ---------------------------
    # Sessions end on the server: logout, password change/reset and "log out everywhere" give the
    # user a new session token, which every session and remember cookie must carry.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = remember_cookie_duration(os.environ.get("REMEMBER_COOKIE_DAYS", "30"))
    # Login throttling (state in the database): failures for one account from one IP address lock
    # that address out of that account; failures for one account from all addresses lock the account.
    # A correct password for an account that is not locked logs in, whatever else its IP did.
    LOGIN_MAX_FAILURES_PER_IP_AND_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP_AND_ACCOUNT", "5"))
    LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "20"))
    LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "900"))
    # Failures from one IP address across all accounts: past this many in the window, that address is
    # asked to wait without a password check (each costs an argon2 hash), except for accounts that have
    # logged in from it before. Far above an office's typos; it stops a spray of guesses and its CPU.
    LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "100"))
    # Registration, reset and verification mails: at most this many per address (each kind) and per
    # IP address (all kinds) within the window; further requests get the same answer and no mail.
    ACCOUNT_MAIL_MAX_PER_ADDRESS = int(os.environ.get("ACCOUNT_MAIL_MAX_PER_ADDRESS", "3"))
    ACCOUNT_MAIL_MAX_PER_IP = int(os.environ.get("ACCOUNT_MAIL_MAX_PER_IP", "20"))
    ACCOUNT_MAIL_WINDOW_SECONDS = int(os.environ.get("ACCOUNT_MAIL_WINDOW_SECONDS", "3600"))
    # Open API (/api/v1): requests per window for one personal API token and for one IP address
    # (counted in the database, shared by every web process); over it a 429 with Retry-After.
    API_RATE_LIMIT_PER_TOKEN = int(os.environ.get("API_RATE_LIMIT_PER_TOKEN", "600"))
    API_RATE_LIMIT_PER_IP = int(os.environ.get("API_RATE_LIMIT_PER_IP", "300"))
    API_RATE_WINDOW_SECONDS = int(os.environ.get("API_RATE_WINDOW_SECONDS", "60"))
    # Longest lifetime a user may give a personal API token (days).
    API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
    # Reverse proxies in front of the app that append to X-Forwarded-For/-Proto (0: none, the
    # connecting address is the client). Set it to exactly the number of proxies you run.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    # Warn when a submission window is shorter than this many days (R7).
    MIN_SUBMISSION_WINDOW_DAYS = int(os.environ.get("MIN_SUBMISSION_WINDOW_DAYS", "14"))

    # Records (R43, R45): a new competition keeps its record this many years after it ended
    # (the officer can change it per competition); nothing of it can be deleted before then.
    RETENTION_YEARS_DEFAULT = int(os.environ.get("RETENTION_YEARS_DEFAULT", "10"))
    # The bounds an officer may set on the records page; the minimum is what the law asks (five
    # years of accounting records under bokføringsloven § 13 for the payments in the record).
    RETENTION_YEARS_MIN = int(os.environ.get("RETENTION_YEARS_MIN", "5"))
    RETENTION_YEARS_MAX = int(os.environ.get("RETENTION_YEARS_MAX", "30"))
    # Innsyn (R44, offentleglova): the default deadline for an answer ("without undue delay"), in
    # Norwegian working days after receipt; how long the requester's download link works; the public
    # form's rate limit per sender.
    INNSYN_DEADLINE_WORKING_DAYS = int(os.environ.get("INNSYN_DEADLINE_WORKING_DAYS", "3"))
    INNSYN_LINK_MAX_AGE_DAYS = int(os.environ.get("INNSYN_LINK_MAX_AGE_DAYS", "30"))
    INNSYN_PUBLIC_MAX_PER_WINDOW = int(os.environ.get("INNSYN_PUBLIC_MAX_PER_WINDOW", "5"))
    INNSYN_PUBLIC_WINDOW_SECONDS = int(os.environ.get("INNSYN_PUBLIC_WINDOW_SECONDS", "3600"))

    # Login with ID-porten (participants) and with a buyer's own OpenID Connect provider (staff);
    # see README "Innlogging med ID-porten / virksomhetens IdP". Without IDPORTEN_ISSUER and
    # IDPORTEN_CLIENT_ID there is no ID-porten button.
    IDPORTEN_ISSUER = os.environ.get("IDPORTEN_ISSUER", "")
    IDPORTEN_CLIENT_ID = os.environ.get("IDPORTEN_CLIENT_ID", "")
    IDPORTEN_CLIENT_SECRET = os.environ.get("IDPORTEN_CLIENT_SECRET", "")
    IDPORTEN_SCOPES = os.environ.get("IDPORTEN_SCOPES", "openid profile")
    IDPORTEN_ACR_VALUES = os.environ.get("IDPORTEN_ACR_VALUES", "idporten-loa-substantial")
    IDPORTEN_TOKEN_AUTH_METHOD = os.environ.get("IDPORTEN_TOKEN_AUTH_METHOD", "client_secret_basic")
    # Key of the HMAC kept of the national identity number (never stored in clear); empty: not kept.
    IDPORTEN_PID_HASH_KEY = os.environ.get("IDPORTEN_PID_HASH_KEY", "")
    # Fernet key (32 url-safe base64 bytes) encrypting buyers' client secrets; empty: derived from SECRET_KEY.
    OIDC_SECRET_KEY = os.environ.get("OIDC_SECRET_KEY", "")
    OIDC_HTTP_TIMEOUT_SECONDS = float(os.environ.get("OIDC_HTTP_TIMEOUT_SECONDS", "10"))
    # A first login's confirmation link (link to an existing account, or create one) works this long.
    OIDC_LINK_MAX_AGE_SECONDS = int(os.environ.get("OIDC_LINK_MAX_AGE_SECONDS", "3600"))

    DEMO_ALLOWED = True

    # Audit trail (R41): entries are HMAC-chained with AUDIT_KEY, a secret kept outside the
    # database (production requires it; changing it makes every earlier entry fail `verify`).
    # `flask audit seal` and protocol exports write the chains' heads under audit-seals/ in
    # storage (append-only: give the bucket Object Lock / versioning in production).
    AUDIT_KEY = os.environ.get("AUDIT_KEY", "dev-only-audit-key")
    # Security and caching headers (compete/core/security.py). The policy allows no inline script
    # or style; widen it here only for a host the pages must reach. With S3 storage the endpoint's origin
    # is added to form-action and connect-src by itself (direct uploads, compete/core/security.py).
    CONTENT_SECURITY_POLICY = os.environ.get(
        "CONTENT_SECURITY_POLICY",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    )
    # Strict-Transport-Security max-age in seconds; 0 sends no header (production defaults to a year).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))
    # How long browsers and proxies may keep a public page for anonymous visitors (then revalidate).
    PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))
    # Runtime: concurrency, worker, observability (see README "Running for real").
    # SQLite waits this long for the write lock before a request answers 503.
    SQLITE_BUSY_TIMEOUT_SECONDS = float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "30"))
    # A database outage answers 503 with this Retry-After (seconds).
    DB_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DB_UNAVAILABLE_RETRY_AFTER", "30"))
    # SMTP connect/read timeout: a server that accepts and never answers cannot hang the worker.
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "20"))
    # Enhetsregisteret's open API (Brønnøysund): organisation numbers are looked up here on registration
    # and unverified ones again by the worker; empty turns the lookup off (organisations stay unchecked).
    BRREG_BASE_URL = os.environ.get("BRREG_BASE_URL", "https://data.brreg.no/enhetsregisteret/api")
    BRREG_TIMEOUT_SECONDS = float(os.environ.get("BRREG_TIMEOUT_SECONDS", "3"))
    # Without MAIL_SERVER (development) the worker writes each message as an .eml file here.
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    # A claimed message is not claimed again by another worker before this many seconds.
    OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "300"))
    # `flask worker`: seconds between polls of the outbox and the job schedule.
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "5"))
    # Deadline reminders go to unsubmitted drafts this many hours before a stage's deadline.
    REMINDER_HOURS_BEFORE_DEADLINE = int(os.environ.get("REMINDER_HOURS_BEFORE_DEADLINE", "48"))
    # Logs: "json" (one object a line) or "text"; both carry the request id.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # /metrics: with a token, only `Authorization: Bearer <token>`; without, loopback and admins.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # /readyz fails when the oldest due e-mail has waited longer than this.
    READY_OUTBOX_MAX_AGE_SECONDS = int(os.environ.get("READY_OUTBOX_MAX_AGE_SECONDS", "900"))
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
    BRREG_BASE_URL = ""  # never the real register: tests that want it start a fake one
    BRREG_TIMEOUT_SECONDS = 0.5


class ProductionConfig(Config):
    DEMO_ALLOWED = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "AUDIT_KEY") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"ProductionConfig needs these environment variables: {', '.join(missing)}")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

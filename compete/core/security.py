"""Security and caching headers on every response (issue 10, issue 11).

- A Content-Security-Policy without inline script or style, and the other browser hardening
  headers, on every response; Strict-Transport-Security when HSTS_SECONDS > 0 (production).
- `Cache-Control: no-store` on everything that is not public: every page for a signed-in user,
  every file download and export, every form. Public pages for anonymous visitors may be cached
  briefly and answer conditional GETs with 304; they vary on the cookie, so a signed-in view of
  the same address is never served from a shared cache.
- Static files are fingerprinted: url_for('static', ...) adds `v=<content hash>`, and a request
  that carries the current hash is cacheable for a year.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request, session
from flask_login import current_user

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# Pages anyone may see, the same for every anonymous visitor (the public part of the product).
PUBLIC_ENDPOINTS = frozenset(
    {
        "competitions.index",
        "competitions.call_page",
        "competitions.call_version",
        "competitions.calendar",
        "awards.results",
        "core.accessibility",
        "core.privacy",
    }
)
IMMUTABLE = "public, max-age=31536000, immutable"
# (name, name in lower case, value), set on every response unless the view set its own.
BROWSER_HEADERS = tuple(
    (name, name.lower(), value)
    for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)


@lru_cache(maxsize=512)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def static_hash(app: Flask, filename: str) -> str | None:
    """The fingerprint of a file under static/ (None when it does not exist).

    Outside debug mode it is computed once per file and process: static files change only with a
    deploy, which restarts the workers, and checking the file on every `url_for` cost ~10 system
    calls per link (~1.4 ms of every page). In debug mode an edited file gets a new fingerprint."""
    if app.debug:
        return _static_hash(app.static_folder, filename)
    return _static_hash_once(app.static_folder, filename)


@lru_cache(maxsize=1024)
def _static_hash_once(static_folder: str, filename: str) -> str | None:
    return _static_hash(static_folder, filename)


def _static_hash(static_folder: str, filename: str) -> str | None:
    root = Path(static_folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    return _file_hash(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def allow_upload_origin(policy: str, origin: str) -> str:
    """The policy with `origin` (the storage the browser uploads to directly) added to `form-action`
    and `connect-src`, and to nothing else."""
    directives = []
    for directive in policy.split(";"):
        name = directive.strip().split(" ", 1)[0]
        if name in ("form-action", "connect-src") and origin not in directive.split():
            directive = f"{directive.rstrip()} {origin}"
        directives.append(directive)
    return ";".join(directives)


def _upload_origin(app: Flask) -> str | None:
    """The S3 endpoint's origin when files go straight from the browser to the bucket, else None."""
    from compete.storage.backends import S3DirectUploads, get_storage

    storage = app.extensions.get("compete_storage")
    if storage is None and app.config.get("STORAGE_BACKEND") != "s3":
        return None
    storage = storage or get_storage()
    return storage.upload_origin() if isinstance(storage, S3DirectUploads) else None


def register_security_headers(app: Flask) -> None:
    @app.url_defaults
    def _fingerprint_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            fingerprint = static_hash(app, values["filename"])
            if fingerprint:
                values["v"] = fingerprint

    @app.after_request
    def _security_headers(response):
        # What setdefault() would do for each header, with the headers already set read once
        # (every request passes here, and each setdefault() scans the header list three times).
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        if "content-security-policy" not in present:
            policy = app.config["CONTENT_SECURITY_POLICY"]
            origin = _upload_origin(app)
            headers.add("Content-Security-Policy", allow_upload_origin(policy, origin) if origin else policy)
        for name, lower, value in BROWSER_HEADERS:
            if lower not in present:
                headers.add(name, value)
        if app.config["HSTS_SECONDS"] > 0 and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return _caching(app, response)


def _caching(app: Flask, response):
    endpoint = request.endpoint
    if endpoint == "static":
        fingerprint = request.args.get("v")
        current = static_hash(app, request.view_args["filename"])
        if response.status_code in (200, 304) and fingerprint and fingerprint == current:
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
        return response
    # The signed-in check comes last: after a view has committed, reading the user loads it again
    # (a second transaction, on SQLite a second write lock), so only public pages pay for it.
    if (
        endpoint in PUBLIC_ENDPOINTS
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.direct_passthrough
        and not session.modified
        and not getattr(current_user, "is_authenticated", False)
    ):
        response.headers["Cache-Control"] = f"public, max-age={app.config['PUBLIC_PAGE_MAX_AGE']}"
        response.vary.add("Cookie")
        response.add_etag()
        return response.make_conditional(request)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response

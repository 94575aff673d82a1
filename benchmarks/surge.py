"""The deadline surge: P participants (500 in `make bench`) each start, save their draft with a
5 MB PDF and submit, all starting within 60 s, against 2 gunicorn workers; the mail worker runs
beside them and delivers to an SMTP sink.

Prints stored submissions, server errors, per-participant and per-request p50/p95/p99, files left
without an attachment row (orphans) and receipts mailed (each should arrive exactly once).
BENCH_SURGE_PARTICIPANTS and BENCH_SURGE_WINDOW change the size.
"""

from __future__ import annotations

import collections
import html
import os
import re
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.http import (
    CSRF_RE,
    ROOT,
    SECRET,
    VENV_BIN,
    free_port,
    fresh_database,
    seed,
    server_env,
    start_gunicorn,
)

FILE_MB = 5
DIRECT_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*class="form-stack direct-upload"(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def pdf_of(megabytes: int) -> bytes:
    """A real PDF of the size a participant uploads: one page of text and an embedded file (random,
    so incompressible) that makes up the size, as images do in a real sketch. (A 5 MB comment line
    after %%EOF, as this used to pad, costs pypdf ~1.5 s to find the end marker: not a real file.)"""
    import io
    import random

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    small = HTML(string="<p>Idéskisse for Unge på vei til jobb</p>").write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(small)))
    filler = random.Random(11).randbytes(max(0, megabytes * 1024 * 1024 - len(small) - 2048))
    writer.add_attachment("vedlegg.bin", filler)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class SmtpSink:
    """aiosmtpd on a free port; counts deliveries per recipient and per outbox message (the
    X-Compete-Message-Id header), so that a message sent twice is seen whatever its kind."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.by_recipient: collections.Counter = collections.Counter()
        self.by_message: collections.Counter = collections.Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                match = re.search(rb"^X-Compete-Message-Id: *(\d+)", envelope.original_content, re.M | re.I)
                with sink.lock:
                    for rcpt in envelope.rcpt_tos:
                        sink.by_recipient[rcpt.lower()] += 1
                        if match:
                            sink.by_message[(int(match.group(1)), rcpt.lower())] += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def session_cookie(secret: str, user_id: str, org_id: int) -> str:
    """A signed Flask session for a participant (the login form's argon2 check is not what we measure)."""
    from flask import Flask

    app = Flask("bench")
    app.secret_key = secret
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user_id, "_fresh": True, "org_id": org_id})


def build_surge(participants: int):
    def builder():
        from benchmarks.dataset import build_surge_stage

        world = build_surge_stage(participants, cheap_hash=True)
        return {
            "slug": world.competition.slug,
            # Flask-Login's id is "<id>:<session token>" (User.get_id), never the bare id.
            "people": [(u.get_id(), o.id, u.email) for u, o in world.participants],
        }

    return builder


def multipart(fields: dict, name: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    """The form a browser sends, as one bytes object built with a single copy of the file: what
    requests' `files=` sends too, but that copies the 5 MB several times in the load generator,
    which shares the machine's two cores with the server it measures."""
    boundary = f"----compete-bench-{uuid.uuid4().hex}"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return b"".join((head, data, f"\r\n--{boundary}--\r\n".encode())), f"multipart/form-data; boundary={boundary}"


def participant(
    base: str, slug: str, cookie: str, data: bytes, timings: list, errors: collections.Counter, verify: bool = True
) -> bool:
    import requests

    session = requests.Session()
    session.headers["Cookie"] = f"session={cookie}"
    session.headers["Referer"] = base + "/"  # Flask-WTF checks the referrer on HTTPS
    started = time.perf_counter()

    def call(method, url, **kwargs):
        t0 = time.perf_counter()
        # verify per request: a session-level False loses to REQUESTS_CA_BUNDLE in the environment.
        response = session.request(method, base + url, allow_redirects=False, timeout=60, verify=verify, **kwargs)
        timings.append(time.perf_counter() - t0)
        # Keep the session the server sends back (it carries the CSRF token from the form just read), as a
        # browser does: the explicit Cookie header is not updated by requests' cookie jar.
        renewed = response.cookies.get("session")
        if renewed:
            session.headers["Cookie"] = f"session={renewed}"
        if response.status_code >= 500:
            errors[f"{response.status_code} {method} {re.sub(r'/[0-9]+', '/N', url)}"] += 1
        return response

    try:
        page = call("GET", f"/competitions/{slug}/stages/1/start")
        token = CSRF_RE.search(page.text).group(1)
        response = call(
            "POST", f"/competitions/{slug}/stages/1/start", data={"csrf_token": token, "category": "", "confirm": "y"}
        )
        edit_url = response.headers.get("Location", "")
        match = re.search(r"/submissions/(\d+)$", edit_url)
        if response.status_code != 302 or not match:
            errors[f"start answered {response.status_code}"] += 1
            return False
        url = f"/submissions/{match.group(1)}"
        fields = {
            "csrf_token": token,
            "field_problem": "Unge faller ut av skolen og står uten arbeid.",
            "field_solution": "Mentorer fra arbeidslivet følger dem opp hver uke.",
            "action": "submit",
        }
        page = call("GET", url)
        direct = DIRECT_FORM.search(page.text)
        if direct:
            # S3: the file goes straight to the bucket (presigned POST), which sends the browser back
            # to the app to check it, as a browser without JavaScript does; the app never gets the bytes.
            action = html.unescape(direct.group(1))
            hidden = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(direct.group(2))}
            t0 = time.perf_counter()
            stored = requests.post(
                action,
                data={**hidden, "x-amz-meta-secret": "0"},
                files={"file": ("skisse.pdf", data, "application/pdf")},
                allow_redirects=False,
                timeout=60,
            )
            timings.append(time.perf_counter() - t0)
            if stored.status_code != 303:
                errors[f"bucket answered {stored.status_code}"] += 1
                return False
            back = urlsplit(stored.headers["Location"])
            response = call("GET", f"{back.path}?{back.query}")
            if response.status_code != 302:
                errors[f"upload check answered {response.status_code}"] += 1
                return False
            response = call("POST", url, data=fields)
        else:
            body, content_type = multipart(fields, "file_sketch", "skisse.pdf", data, "application/pdf")
            response = call("POST", url, data=body, headers={"Content-Type": content_type})
        if response.status_code != 302 or not response.headers.get("Location", "").endswith("/submit"):
            errors[f"save answered {response.status_code}"] += 1
            return False
        page = call("GET", url + "/submit")
        key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page.text)
        response = call(
            "POST",
            url + "/submit",
            data={"csrf_token": token, "idempotency_key": key.group(1) if key else "", "accept_warnings": "y"},
        )
        if response.status_code != 302 or "/receipt" not in response.headers.get("Location", ""):
            errors[f"submit answered {response.status_code}"] += 1
            return False
        return True
    except (requests.RequestException, AttributeError) as exc:
        errors[type(exc).__name__] += 1
        return False
    finally:
        timings.append(("participant", time.perf_counter() - started))


def s3_client(endpoint: str):
    """A client for the bench's moto server (any credentials; moto does not check them)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-north-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 - moto's dummy credentials
    )


def stored_files(upload_dir: Path, bucket: tuple[str, str] | None) -> set[str]:
    """Every stored original (not the scrubbed copies): files under UPLOAD_DIR or keys in the bucket."""
    if bucket is None:
        return {str(p.relative_to(upload_dir)) for p in upload_dir.rglob("*") if p.is_file()}
    endpoint, name = bucket
    keys = set()
    for page in s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=name):
        keys |= {item["Key"] for item in page.get("Contents", [])}
    return keys


def unsent_receipts(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM outbox_messages WHERE kind = 'submissions/receipt' AND sent_at IS NULL")
        ).scalar()
    engine.dispose()
    return count


def count_results(database_url: str, files: set[str]) -> tuple[int, int, int, dict[int, str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM submissions WHERE status = 'submitted' AND current_version_id IS NOT NULL")
        ).scalar()
        keys = {row[0] for row in conn.execute(text("SELECT storage_key FROM attachments"))}
        pending = conn.execute(text("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL")).scalar()
        kinds = dict(conn.execute(text("SELECT id, kind FROM outbox_messages")).all())
    engine.dispose()
    # Uploaded originals only: not the scrubbed copies, nor the worker's daily audit seals.
    originals = {f for f in files if ".scrubbed." not in f and not f.startswith("audit-seals/")}
    return stored, len(originals - keys), pending, kinds


def start_outbox_worker(env: dict) -> subprocess.Popen:
    """`flask worker` when this branch has it, else `flask outbox send --loop`."""
    probe = subprocess.run(  # noqa: S603 - our own command
        [str(VENV_BIN / "flask"), "--app", "wsgi", "worker", "--help"], cwd=ROOT, env=env, capture_output=True
    )
    command = ["worker"] if probe.returncode == 0 else ["outbox", "send", "--loop", "--interval", "1"]
    return subprocess.Popen([str(VENV_BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env)  # noqa: S603


def run_surge(
    workdir: Path,
    *,
    base: str | None = None,
    database_url: str | None = None,
    env: dict | None = None,
    sink: SmtpSink | None = None,
    verify: bool = True,
    bucket: tuple[str, str] | None = None,
) -> dict:
    participants = int(os.environ.get("BENCH_SURGE_PARTICIPANTS", "500"))
    window = float(os.environ.get("BENCH_SURGE_WINDOW", "60"))
    workdir.mkdir(parents=True, exist_ok=True)
    own_sink = sink is None
    sink = sink or SmtpSink()
    server = worker = None
    try:
        if base is None:
            database_url = fresh_database(workdir, "surge")
            facts = seed(database_url, workdir, build_surge(participants))
            env = server_env(database_url, workdir, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
            server = start_gunicorn(env)
            base = server.base
            worker = start_outbox_worker(env)
        else:
            facts = seed(database_url, workdir, build_surge(participants))
        data = pdf_of(FILE_MB)
        timings: list = []
        errors: collections.Counter = collections.Counter()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=32) as pool:
            futures = []
            for index, (user_id, org_id, _email) in enumerate(facts["people"]):
                delay = t0 + index * window / participants - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                cookie = session_cookie(SECRET, user_id, org_id)
                futures.append(pool.submit(participant, base, facts["slug"], cookie, data, timings, errors, verify))
            ok = sum(1 for f in futures if f.result())
        elapsed = time.perf_counter() - t0
        emails = {email.lower() for _u, _o, email in facts["people"]}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and unsent_receipts(database_url):
            time.sleep(1)
        time.sleep(2)
        stored, orphans, pending, kinds = count_results(database_url, stored_files(Path(env["UPLOAD_DIR"]), bucket))
        per_request = [t for t in timings if not isinstance(t, tuple)]
        per_participant = [t[1] for t in timings if isinstance(t, tuple)]
        # Receipts per participant (other mail, e.g. the worker's deadline reminders to drafts, is not
        # a receipt), and any outbox message delivered more than once to the same address.
        receipts: collections.Counter = collections.Counter()
        with sink.lock:
            deliveries = dict(sink.by_message)
        for (message_id, rcpt), times in deliveries.items():
            if kinds.get(message_id) == "submissions/receipt":
                receipts[rcpt] += times
        mailed = collections.Counter(receipts[e] for e in emails)
        duplicates = sum(times - 1 for times in deliveries.values() if times > 1)
        other = collections.Counter(kinds.get(m, "?") for m, _r in deliveries if kinds.get(m) != "submissions/receipt")
        server_errors = sum(v for k, v in errors.items() if k[:1] == "5")
        print(
            f"surge: {participants} participants × ({FILE_MB} MB upload + submit) in {elapsed:.0f} s: "
            f"{stored} of {participants} stored ({ok} finished every step), {server_errors} server errors, "
            f"{orphans} orphaned files",
            flush=True,
        )
        pp = [percentile(per_participant, p) for p in (50, 95, 99)]
        pr = [percentile(per_request, p) * 1000 for p in (50, 95, 99)]
        print(
            f"  per participant p50 {pp[0]:.2f} s  p95 {pp[1]:.2f} s  p99 {pp[2]:.2f} s;  "
            f"per request p50 {pr[0]:.0f} ms  p95 {pr[1]:.0f} ms  p99 {pr[2]:.0f} ms",
            flush=True,
        )
        print(
            f"  receipts mailed: {dict(sorted(mailed.items()))} (times received: participants), "
            f"{duplicates} messages delivered twice, {pending} still in the outbox; other mail {dict(other)}",
            flush=True,
        )
        if errors:
            print(f"  failures: {dict(errors.most_common(8))}", flush=True)
        return {
            "stored": stored,
            "errors": server_errors,
            "orphans": orphans,
            "mailed": mailed,
            "duplicates": duplicates,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=15)
        if server is not None:
            server.stop()
        if own_sink:
            sink.stop()

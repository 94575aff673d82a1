"""The pages of issue 11's table over HTTP: gunicorn (2 sync workers, production configuration) and
wrk with 8 connections, on a stage with 300 sketches, 10 jurors and 900 scorecards.

SQLite by default; PostgreSQL when BENCH_DATABASE_URL is set (its database is dropped and made
anew). BENCH_SECONDS sets each target's duration (default 10), BENCH_ONLY a comma-separated list
of target names.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-only-secret-key-not-for-production"  # noqa: S105
AUDIT_KEY = "bench-only-audit-key"  # production refuses to start without one
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(workdir: Path, name: str = "bench") -> str:
    """A new empty database: BENCH_DATABASE_URL's PostgreSQL (dropped and created), else a SQLite file."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{workdir / (name + '.sqlite')}"
    import psycopg

    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    base = urlsplit(url).path.lstrip("/") or "compete_bench"
    db_name = base if name == "bench" else f"{base}_{name}"
    admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    return url.rsplit("/", 1)[0] + "/" + db_name


def server_env(database_url: str, workdir: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        COMPETE_CONFIG="production",
        SECRET_KEY=SECRET,
        AUDIT_KEY=AUDIT_KEY,
        DATABASE_URL=database_url,
        SESSION_COOKIE_SECURE="0",
        UPLOAD_DIR=str(workdir / "uploads"),
        COMPETE_INSTANCE_DIR=str(workdir),
        MAIL_SERVER="",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def seed(database_url: str, workdir: Path, builder) -> dict:
    """Migrate and fill the database in this process; returns what the targets need."""
    from compete import create_app
    from compete.extensions import db

    app = create_app(
        "development", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(workdir / "uploads"), AUDIT_KEY=AUDIT_KEY
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        facts = builder()
        db.session.commit()
        db.session.remove()
        analyze(db.engine)
        db.engine.dispose()
    return facts


def analyze(engine) -> None:
    """Table statistics for the planner, as a running database has them: PostgreSQL's autovacuum
    analyses a freshly filled table about a minute later, and until then plans the ranking's
    scorecards with nested loops for one row each (the officer's ranking took twice as long).
    SQLite keeps no statistics unless asked, so it is left as the app runs it."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_gunicorn(env: dict, workers: int = 2, port: int | None = None) -> Server:
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        wait_for(server.base + "/", process)
    except BaseException:
        server.stop()
        raise
    return server


def wait_for(url: str, process: subprocess.Popen | None = None, timeout: float = 300) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            requests.get(url, timeout=30, verify=False)  # noqa: S501 - the bench's self-signed certificate
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def csrf(session, url: str) -> str:
    response = session.get(url, timeout=30)
    match = CSRF_RE.search(response.text)
    if not match:
        raise SystemExit(f"no CSRF token on {url} ({response.status_code})")
    return match.group(1)


def login(base: str, email: str, password: str):
    import requests

    session = requests.Session()
    token = csrf(session, base + "/login")
    response = session.post(
        base + "/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: {response.status_code}")
    return session


def cookie_header(session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wrk(url: str, seconds: int, *, cookie: str = "", method: str = "GET", body: str = "", connections: int = 8):
    env = dict(os.environ, BENCH_METHOD=method)
    if cookie:
        env["BENCH_COOKIE"] = cookie
    if body:
        env["BENCH_BODY"] = body
    wrk_bin = shutil.which("wrk") or "/usr/bin/wrk"
    out = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [
            wrk_bin,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "benchmarks" / "wrk.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def build_pages_world(entries: int, jurors: int, per_entry: int):
    def builder():
        from benchmarks.dataset import build_jury_stage

        world = build_jury_stage(entries, jurors, per_entry)
        first = world.submissions[0]
        criteria = [c.id for c in world.stage.criteria]
        return {
            "slug": world.competition.slug,
            "stage_id": world.stage.id,
            "officer": world.officer.email,
            "juror": world.jurors[0].email,
            "draft_code": world.draft_code,
            "receipt_submission": first.id,
            "criteria": criteria,
        }

    return builder


# (name, goal req/s, who, path template, method)
TARGETS = [
    ("receipt log (officer)", 150, "officer", "/manage/competitions/{slug}/stages/1/receipts", "GET"),
    ("ranking (officer)", 100, "officer", "/jury/stages/{stage_id}/ranking", "GET"),
    ("one receipt (officer)", 400, "officer", "/submissions/{receipt_submission}/versions/1/receipt", "GET"),
    ("juror entry page", 200, "juror", "/jury/stages/{stage_id}/entries/{draft_code}", "GET"),
    ("public call page", 1000, None, "/competitions/{slug}", "GET"),
    ("home page", 2000, None, "/", "GET"),
    ("scorecard re-save (POST)", 200, "juror", "/jury/stages/{stage_id}/entries/{draft_code}", "POST"),
]


def measure_floor(seconds: int, workdir: Path) -> float:
    """req/s of benchmarks/floor.py (Flask "hello world") under 2 sync gunicorn workers and wrk."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--pythonpath",
            str(ROOT),
            "benchmarks.floor:app",
        ],
        # Not ROOT: gunicorn would read the app's gunicorn.conf.py there.
        cwd=workdir,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        wait_for(server.base + "/", process)
        wrk(server.base + "/", 2)
        return wrk(server.base + "/", seconds)["rps"]
    finally:
        server.stop()


def print_row(name: str, goal, result: dict, floor: float | None = None) -> None:
    from benchmarks.floor import ISSUE_FLOOR

    errors = result["s5xx"] + result["s4xx"] + result["socket"]
    mark = "" if goal is None else ("ok " if result["rps"] >= goal and errors == 0 else "LOW")
    goal_text = "" if goal is None else f"≥{goal}"
    # The same goal as a share of the floor: comparable across machines of different speed.
    share = ""
    if floor and goal:
        scaled = goal * floor / ISSUE_FLOOR
        reached = "ok " if result["rps"] >= scaled and errors == 0 else "LOW"
        share = f"  {result['rps'] / floor:6.1%} of floor (goal {goal / ISSUE_FLOOR:5.1%}: {reached})"
    print(
        f"  {name:<28} {result['rps']:>8.1f} req/s {goal_text:>6} {mark:<3}  p50 {result['p50']:>7.1f} ms  "
        f"p95 {result['p95']:>7.1f} ms  p99 {result['p99']:>7.1f} ms  errors {errors} "
        f"(5xx {result['s5xx']}, 4xx {result['s4xx']}, socket {result['socket']}){share}",
        flush=True,
    )


def run_pages(workdir: Path, seconds: int, only: set[str]) -> None:
    from benchmarks.dataset import PASSWORD

    floor = measure_floor(seconds, workdir / "floor")
    print(
        f"pages: floor (Flask hello world, same gunicorn and wrk) {floor:.0f} req/s; the goals were set at ~6 200",
        flush=True,
    )
    database_url = fresh_database(workdir)
    t0 = time.perf_counter()
    facts = seed(database_url, workdir, build_pages_world(300, 10, 3))
    print(f"pages: seeded 300 sketches, 10 jurors, 900 scorecards in {time.perf_counter() - t0:.0f} s", flush=True)
    server = start_gunicorn(server_env(database_url, workdir))
    try:
        sessions = {
            "officer": login(server.base, facts["officer"], PASSWORD),
            "juror": login(server.base, facts["juror"], PASSWORD),
        }
        for name, goal, who, template, method in TARGETS:
            if only and not any(o in name for o in only):
                continue
            url = server.base + template.format(**facts)
            cookie, body = "", ""
            if who:
                cookie = cookie_header(sessions[who])
            if method == "POST":
                token = csrf(sessions[who], url)
                fields = {"csrf_token": token, "action": "save"}
                for cid in facts["criteria"]:
                    fields[f"score-{cid}"] = "7"
                    fields[f"why-{cid}"] = "Godt begrunnet forslag."
                body = urlencode(fields)
            check = (
                sessions[who].request(
                    method,
                    url,
                    data=body or None,
                    allow_redirects=False,
                    headers={"Content-Type": "application/x-www-form-urlencoded"} if body else {},
                )
                if who
                else None
            )
            if check is not None and check.status_code not in (200, 302):
                print(f"  {name}: warm-up answered {check.status_code}", flush=True)
            wrk(url, 2, cookie=cookie, method=method, body=body)  # warm both workers
            print_row(name, goal, wrk(url, seconds, cookie=cookie, method=method, body=body), floor)
    finally:
        server.stop()

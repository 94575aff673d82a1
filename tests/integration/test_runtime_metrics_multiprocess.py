"""/metrics under gunicorn with several workers (PROMETHEUS_MULTIPROC_DIR): the figures add up every
worker's, also those of a worker that has exited, and gunicorn.conf.py's `child_exit` marks an exited
worker dead (prometheus_client's `mark_process_dead`)."""

from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from tests.conftest import free_port, make_database_url

ROOT = Path(__file__).resolve().parents[2]
HEALTH = re.compile(r'^compete_http_requests_total\{[^}]*route="/healthz"[^}]*\} ([0-9.e+]+)$', re.M)


def _healthz_count(base: str) -> float:
    text = requests.get(base + "/metrics", timeout=30).text
    return sum(float(value) for value in HEALTH.findall(text))


def _writers(directory: Path) -> set[int]:
    """Processes with a file in the multiprocess directory (counter_<pid>.db, histogram_<pid>.db)."""
    return {int(m.group(1)) for m in (re.search(r"_(\d+)\.db$", p.name) for p in directory.iterdir()) if m}


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def test_child_exit_marks_the_worker_dead_only_with_a_multiprocess_directory(tmp_path, monkeypatch):
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    live = tmp_path / "gauge_livesum_4242.db"
    kept = tmp_path / "counter_4242.db"
    for path in (live, kept):
        path.write_bytes(b"")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    hooks["child_exit"](None, SimpleNamespace(pid=4242))
    assert live.exists()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    hooks["child_exit"](None, SimpleNamespace(pid=4242))
    assert not live.exists()  # the dead worker's live gauges go
    assert kept.exists()  # its counters stay in the sum


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find gunicorn's workers")
def test_metrics_add_up_every_gunicorn_worker_also_one_that_exited(tmp_path, tmp_path_factory):
    database_url = make_database_url(tmp_path_factory, "-metrics")
    from tests.conftest import build_app

    build_app(database_url, tmp_path_factory, 25)  # migrates the database the server uses
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale")  # a previous run's file: cleared at start
    port = free_port()
    env = {
        **os.environ,
        "COMPETE_CONFIG": "production",
        "SECRET_KEY": "metrics-test-secret-key",
        "AUDIT_KEY": "metrics-test-audit-key",
        "DATABASE_URL": database_url,
        "COMPETE_INSTANCE_DIR": str(tmp_path),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_SERVER": "",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "gunicorn exited"
            try:
                # A long timeout: a request given up on while the master warms up (WeasyPrint, the
                # templates) would still be answered later, and counted once more than `served`.
                requests.get(base + "/healthz", timeout=60)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.3)
        assert not (metrics_dir / "counter_1.db").exists()
        served = 1
        # Each request on a new connection: either sync worker may take it.
        for _ in range(30):
            assert requests.get(base + "/healthz", timeout=10, headers={"Connection": "close"}).status_code == 200
            served += 1
        assert _healthz_count(base) == served

        # A worker that has answered goes away (as after max_requests); gunicorn starts another.
        before = _worker_pids(server.pid)
        assert len(before) == 2
        victim = min(before & _writers(metrics_dir))
        os.kill(victim, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while not (_worker_pids(server.pid) - before and victim not in _worker_pids(server.pid)):
            assert time.monotonic() < deadline, "gunicorn did not replace the worker"
            time.sleep(0.2)
        for _ in range(10):
            assert requests.get(base + "/healthz", timeout=10, headers={"Connection": "close"}).status_code == 200
            served += 1
        # Every request is counted once whichever process answered it, the exited worker's too.
        assert _healthz_count(base) == served
        assert len(_writers(metrics_dir)) >= 2  # the exited worker and whoever answered after it
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

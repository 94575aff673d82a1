"""Gunicorn settings for Compete (`gunicorn -c gunicorn.conf.py wsgi:app`), read from the environment.

The systemd unit in deploy/ and `make bench` use this file. Sync workers: each request holds one
worker; a deadline surge of uploads is carried by nginx buffering the bodies (deploy/nginx-compete.conf).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound. Not too often: a
# recycled worker's first requests are slow and the other workers carry its load meanwhile (at
# 5 000 the public pages lost a third of their throughput to restarts, measured by `make bench`).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
# Load the app before forking: workers share the imported code and start in milliseconds.
preload_app = True
# Access log off by default (nginx logs requests); errors to stderr (journald under systemd).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# nginx on the same machine is the only proxy we trust for X-Forwarded-* (see ProxyFix in the app).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "compete-web"
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): several
# instances on one machine would fight over it. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "/run/compete/gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")


def when_ready(server):
    """Compile the templates and load the catalogues in the master, once: every worker forked
    from it (also a recycled one) starts with them in memory (compete/core/warmup.py)."""
    from compete.core.warmup import warm

    warm(server.app.wsgi())


def post_fork(server, worker):
    """Each worker opens its own database connections (never share a pool across fork)."""
    from compete.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)


def on_starting(server):
    """With PROMETHEUS_MULTIPROC_DIR, start from an empty directory: files of an earlier run's
    processes would otherwise be added to this run's figures (counters restart at 0 with the server)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker that exits (recycled by max_requests, killed, crashed): its counters stay in the
    shared directory so /metrics keeps adding them up, its live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

"""Several machines on one: nginx (deploy/nginx-compete.conf, run unprivileged with its own prefix)
in front of two gunicorn instances and two mail workers over one PostgreSQL and one S3 (moto
server), and the deadline surge through it over HTTPS. Needs BENCH_DATABASE_URL (PostgreSQL):
several instances over one SQLite file is not a supported deployment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.http import ROOT, VENV_BIN, free_port, fresh_database, seed, server_env, start_gunicorn, wait_for
from benchmarks.surge import SmtpSink, start_outbox_worker

NGINX = "/usr/sbin/nginx"
BUCKET = "compete-bench"


def nginx_conf(prefix: Path, upstreams: list[int], http_port: int, https_port: int) -> Path:
    """The deployed site file with only its `# bench:` lines replaced, inside a minimal nginx.conf."""
    site = (ROOT / "deploy" / "nginx-compete.conf").read_text()
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(  # noqa: S603 - a throwaway self-signed certificate
        [
            *("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    replacements = {
        "upstream": "\n".join(f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in upstreams),
        "listen http": f"    listen 127.0.0.1:{http_port};",
        "listen https": f"    listen 127.0.0.1:{https_port} ssl http2;",
        "server_name": "    server_name 127.0.0.1;",
        "certificate": f"    ssl_certificate {cert};",
        "certificate key": f"    ssl_certificate_key {key};",
        "static": f"        alias {ROOT / 'static'}/;",
    }
    lines = []
    for line in site.splitlines():
        match = re.search(r"# bench: (.+)$", line)
        lines.append(replacements[match.group(1).strip()] if match else line)
    (prefix / "site.conf").write_text("\n".join(lines) + "\n")
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(exist_ok=True)
    temp = prefix / "tmp"
    user = ""
    if os.geteuid() == 0:
        # Started as root, nginx runs its workers as an unprivileged user: they write request bodies
        # (the uploads) under tmp/, so that user must own it and reach it (else every upload is a 500).
        user = "user nobody nogroup;"
        prefix.chmod(0o755)
        shutil.chown(temp, "nobody", "nogroup")
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""daemon off;
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {prefix}/site.conf;
}}
"""
    )
    return conf


def run_multi(workdir: Path) -> None:
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        print("nginx multi-instance surge: skipped (set BENCH_DATABASE_URL to a PostgreSQL database)", flush=True)
        return
    if not Path(NGINX).exists():
        print(
            f"nginx multi-instance surge: skipped ({NGINX} not found; install Debian's nginx with "
            "`apt-get install -y --no-install-recommends nginx-light` — it is not started as a service here)",
            flush=True,
        )
        return
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    workdir.mkdir(parents=True, exist_ok=True)
    # moto in its own process: in this one it would share the GIL with the 32 participant threads and
    # the 5 MB bodies the browsers now post straight to the bucket.
    endpoint = f"http://127.0.0.1:{free_port()}"
    moto = subprocess.Popen(  # noqa: S603 - our own command
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", endpoint.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(endpoint + "/moto-api/", moto, timeout=60)
    credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-north-1"}
    from benchmarks.surge import s3_client

    s3_client(endpoint).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    sink = SmtpSink()
    database_url = fresh_database(workdir, "multi")
    seed(database_url, workdir, lambda: {})
    processes, servers = [], []
    nginx = prefix = None
    try:
        https_port, http_port = free_port(), free_port()
        env = server_env(
            database_url,
            workdir,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=sink.port,
            STORAGE_BACKEND="s3",
            S3_BUCKET=BUCKET,
            S3_REGION="eu-north-1",
            S3_ENDPOINT_URL=endpoint,
            BASE_URL=f"https://127.0.0.1:{https_port}",
            # As deployed (deploy/compete.env.example): nginx is the one proxy whose X-Forwarded-For/-Proto
            # the app believes, the browser sees HTTPS, so cookies are Secure and CSRF checks the referrer.
            TRUSTED_PROXY_HOPS=1,
            SESSION_COOKIE_SECURE=1,
            **credentials,
        )
        servers = [start_gunicorn(env, workers=1), start_gunicorn(env, workers=1)]
        processes = [start_outbox_worker(env), start_outbox_worker(env)]
        ports = [int(s.base.rsplit(":", 1)[1]) for s in servers]
        # Its own prefix outside the bench's private (0700) temporary directory: nginx's workers need to reach it.
        prefix = Path(tempfile.mkdtemp(prefix="compete-nginx-"))
        conf = nginx_conf(prefix, ports, http_port, https_port)
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)])  # noqa: S603
        base = f"https://127.0.0.1:{https_port}"
        wait_for(base + "/", nginx)
        print(
            f"nginx multi-instance: nginx {https_port} → gunicorn {ports} (1 worker each), 2 mail workers, "
            f"PostgreSQL, S3 (moto {endpoint})",
            flush=True,
        )
        from benchmarks.surge import run_surge

        run_surge(
            workdir / "surge",
            base=base,
            database_url=database_url,
            env=env,
            sink=sink,
            verify=False,
            bucket=(endpoint, BUCKET),
        )
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=15)
        if prefix is not None:
            log = (prefix / "logs" / "error.log").read_text(errors="replace").splitlines()
            # Bodies past client_body_buffer_size going to a temporary file is the configured behaviour.
            errors = [line for line in log if line.strip() and "buffered to a temporary file" not in line]
            if errors:
                print("  nginx error log (last lines):\n    " + "\n    ".join(errors[-5:]), flush=True)
            shutil.rmtree(prefix, ignore_errors=True)
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        for server in servers:
            server.stop()
        sink.stop()
        moto.terminate()
        moto.wait(timeout=15)

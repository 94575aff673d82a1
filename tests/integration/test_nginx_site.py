"""The deployed nginx site file (deploy/nginx-compete.conf), run by Debian's nginx in front of a
stand-in upstream: the account forms' POSTs are rate limited per client address, with nginx's own
429 page in the three languages; GETs and other paths are not. (`make bench` runs the same file
in front of two real instances for the multi-instance surge.)"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from benchmarks.multi import NGINX, nginx_conf

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _upstream(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"app {environ['REQUEST_METHOD']} {environ['PATH_INFO']}".encode()]


@pytest.fixture(scope="module")
def site():
    upstream_port = _free_port()
    server = make_server("127.0.0.1", upstream_port, _upstream, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Its own prefix outside pytest's private temporary directory: nginx's workers need to reach it.
    prefix = Path(tempfile.mkdtemp(prefix="compete-nginx-test-"))
    https_port = _free_port()
    conf = nginx_conf(prefix, [upstream_port], _free_port(), https_port)
    check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)], stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{https_port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", https_port), timeout=1):
                break
        except OSError:
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
    yield base
    nginx.terminate()
    nginx.wait(timeout=15)
    server.shutdown()
    shutil.rmtree(prefix, ignore_errors=True)


def _statuses(session, method, url, n, **kwargs):
    return [session.request(method, url, verify=False, timeout=30, **kwargs) for _ in range(n)]


def test_login_posts_from_one_address_are_limited_with_a_page_in_three_languages(site):
    import requests
    import urllib3

    urllib3.disable_warnings()
    with requests.Session() as session:
        responses = _statuses(session, "POST", site + "/login", 150, data={"email": "a@example.test", "password": "x"})
        codes = [r.status_code for r in responses]
        # A burst of 30 (and whatever the 5 a second refilled meanwhile) reaches the app, the rest is refused.
        assert codes[:31] == [200] * 31, codes
        assert codes.count(429) >= 20, codes
        assert set(codes) == {200, 429}
        refused = next(r for r in responses if r.status_code == 429)
        assert refused.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "max-age" not in refused.headers.get("Cache-Control", "")  # a refusal is not kept by browsers
        for text in ("For mange forespørsler", "For mange førespurnader", "Too many requests"):
            assert text in refused.text
        assert responses[0].text == "app POST /login"
        # The other account forms share the same allowance: right after, they are refused too.
        for path in ("/register", "/reset", "/reset/some-token", "/profile/password"):
            assert 429 in [r.status_code for r in _statuses(session, "POST", site + path, 3, data={"a": "b"})], path
        # The same address still reads pages, also the login form, and posts elsewhere.
        for method, path in (("GET", "/login"), ("POST", "/submissions/1"), ("POST", "/loginx")):
            codes = {r.status_code for r in _statuses(session, method, site + path, 40, data={"a": "b"})}
            assert codes == {200}, (method, path, codes)

"""A local fake of Enhetsregisteret's open API (`/enheter/{orgnr}`), for the tests.

Answers in the register's JSON shape: 200 with a unit, 410 Gone with `slettedato` for a deleted unit,
404 for an unknown number; a number in `slow` makes it sleep longer than the app's timeout.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from compete.accounts.register_demo import DELETED_UNITS, DEMO_UNITS


class FakeRegister:
    def __init__(self):
        self.units: dict[str, dict] = dict(DEMO_UNITS)
        self.deleted: dict[str, str] = dict(DELETED_UNITS)
        self.slow: set[str] = set()
        self.sleep_seconds = 2.0
        self.down = False
        self.requests: list[str] = []
        register = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None):
                data = json.dumps(body or {}, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the app gave up waiting (the timeout tests)

            def do_GET(self):
                register.requests.append(self.path)
                prefix = "/enhetsregisteret/api/enheter/"
                if not self.path.startswith(prefix):
                    return self._send(404, {"status": 404, "error": "Not Found"})
                orgnr = self.path[len(prefix) :]
                if register.down:
                    return self._send(503, {"status": 503, "error": "Service Unavailable"})
                if orgnr in register.slow:
                    time.sleep(register.sleep_seconds)
                if orgnr in register.units:
                    return self._send(200, register.units[orgnr])
                if orgnr in register.deleted:
                    return self._send(
                        410,
                        {
                            "organisasjonsnummer": orgnr,
                            "slettedato": register.deleted[orgnr],
                            "respons_klasse": "SlettetEnhet",
                        },
                    )
                return self._send(404, {"status": 404, "error": "Not Found", "path": self.path})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/enhetsregisteret/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeRegister:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_register(app):
    """A running fake register, with the app pointed at it (timeout 0.5 s from TestingConfig)."""
    register = FakeRegister().start()
    before = app.config["BRREG_BASE_URL"]
    app.config["BRREG_BASE_URL"] = register.base_url
    yield register
    app.config["BRREG_BASE_URL"] = before
    register.stop()

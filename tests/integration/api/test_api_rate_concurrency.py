"""The rate limit counts in the database: concurrent requests on separate connections (a threaded
WSGI server, as several processes would), half of them with a token, are each counted once, and
exactly the limit gets through."""

import threading

import requests
from sqlalchemy import select

from compete.api import services
from compete.api.models import ApiRateCounter
from compete.extensions import db
from tests.factories import make_user

THREADS = 6
EACH = 5
LIMIT = 17


def test_concurrent_requests_are_counted_exactly_once(live_server):
    app = live_server.app
    app.config.update(API_RATE_LIMIT_PER_IP=LIMIT, API_RATE_WINDOW_SECONDS=3600)
    with app.app_context():
        token, raw = services.create_token(make_user(), "load", ["read:public"])
        db.session.commit()
        token_id = token.id
        db.session.remove()
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(index):
        headers = {"Authorization": f"Bearer {raw}"} if index % 2 else {}
        with requests.Session() as session:
            for _ in range(EACH):
                code = session.get(f"{live_server.url}/api/v1/competitions", headers=headers, timeout=30).status_code
                with lock:
                    statuses.append(code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == LIMIT
    with app.app_context():
        counters = {c.bucket: c.hits for c in db.session.scalars(select(ApiRateCounter))}
        assert counters == {"ip:127.0.0.1": THREADS * EACH, f"token:{token_id}": THREADS // 2 * EACH}
        db.session.remove()

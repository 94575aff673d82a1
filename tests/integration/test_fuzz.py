"""Fuzzing: hostile and random values into every form and JSON endpoint give no server error.

The forms are not listed by hand. Each role of the demo (administrator, officer, functionary,
juror, participant, verifier) crawls the pages it can reach; every POST form found there is
matched to the app's URL map, and POST rules that no page showed a form for are still posted to,
with URL arguments learnt from the crawled URLs. Hypothesis then draws values for the fields it
found (huge numbers, years 0001/9999, NUL bytes, unicode, 100 000 characters, valid choices) and
JSON bodies of every type. Bounded: a fixed number of examples, a few hundred posts in all.
"""

from __future__ import annotations

import inspect
import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from compete.accounts.models import Membership, User
from compete.demo import load_demo
from compete.extensions import db
from tests.factories_competitions import login_as

ROLES = (
    None,  # anonymous: login, registration, password reset
    "admin@demo.test",
    "officer@demo.test",
    "functionary@demo.test",
    "juror1@demo.test",
    "applicant1@demo.test",
    "verifier@demo.test",
    "draft1@demo.test",  # a participant with a draft (autosave)
)
PAGES_PER_ROLE = 40
PAGES_PER_ENDPOINT = 1
EXAMPLES = 3
SKIP_PATHS = ("/logout", "/language/", "/static/")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".png", ".svg", ".zip")

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-03-29T02:30",
    "00:00",
    "24:61",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "=1+1",
    "../../etc/passwd",
    "æøå ÆØÅ \U0001f389 \u202e",
    "A" * 100_000,
    "true",
    "null",
    "[]",
]
TYPED = {
    "date": ["0001-01-01", "9999-12-31", "2026-02-30", "26-1-1"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "2026-03-29T02:30", "2026-10-25T02:30"],
    "time": ["24:00", "23:59:60", "-1:00"],
    "number": [str(2**63), str(-(2**63) - 1), "9" * 40, "1e309", "-1"],
    "email": ["a@b", "x" * 300 + "@example.com", "æøå@eksempel.no", "a\x00@b.no"],
}
JSON_HOSTILE = [
    '"text"',
    "42",
    "3.5",
    "[1, 2]",
    "null",
    "true",
    "{",
    "\x00",
    '{"content": "x", "secret_fields": 5}',
    '{"content": {"a": [1, {"b": null}]}, "secret_fields": [null, {}, 7]}',
    '{"content": {"' + "k" * 1000 + '": "' + "v" * 100_000 + '"}}',
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
JSON_BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries({"content": JSON, "secret_fields": JSON}),
    st.sampled_from(['"text"', "42", "[1, 2]", "null", "{", "\x00"]).map(lambda raw: raw),
)


class _Forms(HTMLParser):
    """Links and forms of one page: forms as (action, {field: [option values]}); the action of a
    GET form (a filter) starts with "GET "."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.types: dict[str, str] = {}
        self._form: tuple[str, dict[str, list[str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = (("" if method == "post" else "GET ") + (a.get("action") or ""), {})
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") in ("file", "submit"):
                return
            options = self._form[1].setdefault(a["name"], [])
            if a.get("type") in TYPED:
                self.types[a["name"]] = a["type"]
            if a.get("value") is not None and a.get("type") in ("radio", "checkbox", "hidden"):
                options.append(a["value"])
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select:
            self._form[1][self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def _login(client, email: str | None) -> None:
    if email is None:
        with client.session_transaction() as session:
            session.clear()
        from flask import g

        g.pop("_login_user", None)
        return
    user = db.session.scalars(select(User).where(User.email == email)).one()
    membership = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).first()
    login_as(client, user, membership.organisation if membership else None)


FIELD_TYPES: dict[str, str] = {}  # field name -> input type, for the typed hostile values


def _crawl(client, email: str, adapter) -> tuple[list[tuple[str, str, dict]], dict[str, set]]:
    """Forms (role, url, fields) this role can reach, and URL arguments seen in its links."""
    _login(client, email)
    queue = ["/", "/login", "/register", "/reset", "/my/submissions", "/manage/competitions", "/admin", "/jury"]
    seen, per_endpoint, forms, learnt = set(), {}, [], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(SKIP_PATHS) or path.endswith(SKIP_SUFFIXES):
            continue
        try:
            endpoint, args = adapter.match(path, method="GET")
        except (HTTPException, RequestRedirect):
            continue
        if per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        seen.add(path)
        for name, value in args.items():
            learnt.setdefault(name, set()).add(value)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        FIELD_TYPES.update(parser.types)
        for href in parser.links:
            target = urljoin(path, href)
            if not urlsplit(target).netloc:
                queue.append(urlsplit(target).path)
        for action, fields in parser.forms:
            method, action = ("GET", action[4:]) if action.startswith("GET ") else ("POST", action)
            target = urlsplit(urljoin(path, action or path)).path
            if target.startswith(SKIP_PATHS) or (method == "GET" and not fields):
                continue
            forms.append((email, ("GET " if method == "GET" else "") + target, fields))
    return forms, learnt


def _post_rules(app, learnt: dict[str, set], reached: set[str]) -> list[str]:
    """A URL for each POST rule no crawled form pointed at, from the arguments learnt."""
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in reached:
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            items = getattr(converter, "items", None)
            if items:
                values[name] = sorted(items)[0]
            elif learnt.get(name):
                values[name] = sorted(learnt[name], key=str)[0]
        if set(values) == set(rule.arguments):
            try:
                urls.append(adapter.build(rule.endpoint, values, method="POST"))
            except Exception:  # noqa: BLE001, S112 - an argument of the wrong kind: leave this rule out
                continue
    return urls


@pytest.fixture
def fuzz_world(app, client):
    load_demo()
    db.session.commit()
    adapter = app.url_map.bind("localhost")
    forms, learnt, by_role = [], {}, {}
    for email in ROLES:
        found, args = _crawl(client, email, adapter)
        forms += found
        by_role[email] = args
        for name, values in args.items():
            learnt.setdefault(name, set()).update(values)
    unique = {}
    for email, url, fields in forms:
        unique.setdefault((email, url, tuple(sorted(fields))), (email, url, fields))
    forms = list(unique.values())
    reached = {adapter.match(url, method="POST")[0] for _e, url, _f in forms if _matches(adapter, url)}
    print(f"fuzz: {sum(1 for f in forms if f[1].startswith('GET '))} GET forms")
    extra = _post_rules(app, learnt, reached)
    return forms, extra, reached, by_role


def _matches(adapter, url: str) -> bool:
    try:
        adapter.match(url, method="POST")
    except (HTTPException, RequestRedirect):
        return False
    return True


def test_hostile_values_in_every_form_and_json_endpoint_give_no_server_error(app, client, fuzz_world):
    forms, extra, reached, learnt = fuzz_world  # learnt: URL arguments per role
    post_rules = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    # The crawl must find most of the app's forms, or the fuzzing says little.
    adapter = app.url_map.bind("localhost")
    covered = reached | {adapter.match(url, method="POST")[0] for url in extra}
    missing = sorted(post_rules - covered)
    print(f"fuzz: {len(forms)} forms, {len(covered)} of {len(post_rules)} POST rules: missing {missing}")
    # The crawl must reach most of the app's POST rules, or the fuzzing says little.
    assert len(covered) >= len(post_rules) * 3 // 4, sorted(post_rules - covered)
    failures: list[str] = []
    posts = [0]

    def post(email, url, **kwargs):
        _login(client, email)
        posts[0] += 1
        try:
            if url.startswith("GET "):
                url = url[4:]
                response = client.get(url, query_string=kwargs["data"])
            else:
                response = client.post(url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a 500 in production: collect them all
            db.session.rollback()
            failures.append(f"{email} {url} {str(kwargs)[:300]}: {type(exc).__name__}: {exc}"[:600])
            return
        if response.status_code >= 500:
            failures.append(f"{email} {url} {str(kwargs)[:300]}: {response.status_code}")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def fuzz(data):
        for email, url, fields in forms:
            values = {
                name: data.draw(st.one_of(VALUES, st.sampled_from(options)) if options else VALUES)
                for name, options in fields.items()
            }
            post(email, url, data=values)
        for url in extra:
            post(ROLES[2], url, data={"x": data.draw(VALUES)})
        body = data.draw(JSON_BODIES)
        for email, url, _fields in [f for f in forms if not f[1].startswith("GET ")][::10]:
            raw = body if isinstance(body, str) else json.dumps(body)
            post(email, url, data=raw, content_type="application/json")
        for email, urls in json_urls.items():
            for url in urls:
                raw = body if isinstance(body, str) else json.dumps(body)
                post(email, url, data=raw, content_type="application/json")

    # A fixed sweep first: every typed field (date, time, number, e-mail) gets each of its
    # hostile values once, and every JSON endpoint each hostile body.
    for email, url, fields in forms:
        typed = [name for name in fields if name in FIELD_TYPES]
        for k in range(max((len(TYPED[FIELD_TYPES[n]]) for n in typed), default=0)):
            values = {n: (o[0] if o else "x") for n, o in fields.items()}
            values.update({n: TYPED[FIELD_TYPES[n]][k % len(TYPED[FIELD_TYPES[n]])] for n in typed})
            post(email, url, data=values)
    json_urls = {email: _json_urls(app, args) for email, args in learnt.items()}
    assert any(json_urls.values()), "no JSON endpoint found"
    for email, urls in json_urls.items():
        for url in urls:
            for raw in JSON_HOSTILE:
                post(email, url, data=raw, content_type="application/json")
    fuzz()
    assert failures == [], "\n".join(failures[:20])
    print(f"fuzz: {posts[0]} requests")
    assert posts[0] >= 100


def _json_urls(app, learnt: dict[str, set]) -> list[str]:
    """POST rules whose view reads a JSON body, found from the URL map and the views' source."""
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        source = inspect.getsource(app.view_functions[rule.endpoint])
        if "POST" not in rule.methods or not ("get_json" in source or "request.json" in source):
            continue
        values = {n: sorted(learnt[n], key=str)[0] for n in rule.arguments if learnt.get(n)}
        if set(values) == set(rule.arguments):
            urls.append(adapter.build(rule.endpoint, values, method="POST"))
    return urls

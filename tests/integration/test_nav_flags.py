"""The header's links from one statement (compete/core/navflags.py): built once with the user's id
as a bound parameter and answered per user, per request."""

from compete.core import navflags
from compete.extensions import db
from tests.factories import login, make_user
from tests.factories_jury import make_jury_stage


def test_the_jury_link_follows_the_signed_in_user_and_the_statement_is_built_once(app, count_queries):
    _setup, _officer, _submissions, seats = make_jury_stage(entries=1, jurors=1)
    juror = seats[0].user
    someone = make_user(name="Ikke jurymedlem")
    db.session.commit()

    pages = {}
    for user in (juror, someone, juror):
        client = app.test_client()
        login(client, user)
        pages.setdefault(user.id, []).append(client.get("/accessibility").get_data(as_text=True))
    assert all('href="/jury"' in page for page in pages[juror.id])
    assert 'href="/jury"' not in pages[someone.id][0]

    names, statement = navflags._flags_statement()
    assert navflags._flags_statement()[1] is statement  # not rebuilt per request
    assert set(names) >= {"jury_seat", "notices", "contracts", "verifier"}
    client = app.test_client()
    login(client, someone)
    client.get("/accessibility")
    with count_queries() as counter:
        client.get("/accessibility")
    assert sum("EXISTS" in s.upper() for s in counter.statements) == 1

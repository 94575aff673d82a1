from sqlalchemy import select

from compete.competitions import queries
from compete.competitions.models import Competition
from compete.demo import load_demo
from compete.extensions import db


def test_demo_adds_versions_and_a_closed_competition_idempotently(app):
    accounts = load_demo()
    load_demo()
    main = queries.competition_by_slug("unge-pa-vei-til-jobb")
    assert [v.number for v in queries.versions_of(main)] == [1]
    closed = queries.competition_by_slug("unge-i-arbeid-innlandet")
    versions = queries.versions_of(closed)
    assert [(v.number, v.change_note) for v in versions] == [
        (1, ""),
        (2, "Innlandet fylkeskommune er med som medeier og får samme bruksrett."),
        (3, "Presisert at flere virksomheter kan søke sammen (se spørsmål og svar)."),
    ]
    assert [o.organisation.name for o in closed.owners] == ["NAV", "Innlandet fylkeskommune"]
    assert closed.stages[0].phase().value == "closed"
    assert [q.public_body for q in queries.published_questions(closed)] == [
        "Kan vi levere idéskissen på nynorsk?",
        "Kan to virksomheter søke sammen?",
    ]
    assert len(db.session.scalars(select(Competition).where(Competition.slug == "unge-i-arbeid-innlandet")).all()) == 1
    assert ("officer.innlandet@demo.test", "procurement officer, Innlandet fylkeskommune (co-owner)") in accounts

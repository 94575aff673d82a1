"""User text never becomes markup: the two reported cases, and the mechanism behind them
(a lazily translated message with a user value interpolated into it was treated as safe HTML)."""

from flask import render_template_string
from markupsafe import escape

from compete.competitions.states import CompetitionState
from compete.core.i18n import lazy_gettext, lazy_ngettext
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org, make_participant
from tests.factories_competitions import login_as

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_co_owner_named_with_a_script_is_shown_as_text_to_the_officer(client):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer, language="en")
    competition = make_competition(buyer, slug="co-owner-xss", state=CompetitionState.DRAFT)
    _participant, organisation = make_participant()
    organisation.name = PAYLOAD
    db.session.commit()
    login_as(client, officer, buyer)

    response = client.post(f"/manage/competitions/{competition.slug}/owners", data={"orgnr": organisation.orgnr})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert PAYLOAD not in html
    assert f"{ESCAPED} is not an approved buyer." in html


def test_a_stage_named_with_a_script_is_shown_as_text_in_the_publish_checklist(client):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer, language="en")
    competition = make_competition(buyer, slug="checklist-xss", state=CompetitionState.DRAFT)
    competition.stages[0].name = PAYLOAD
    competition.stages[0].deadline_at = None
    db.session.commit()
    login_as(client, officer, buyer)

    response = client.get(f"/manage/competitions/{competition.slug}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert PAYLOAD not in html
    assert f"Stage 1. {ESCAPED}: the deadline is missing." in html


def test_a_lazy_message_escapes_the_values_put_into_it(app):
    message = lazy_gettext("Untranslated %(name)s.", name=PAYLOAD)

    assert str(message) == f"Untranslated {PAYLOAD}."
    assert escape(message) == f"Untranslated {ESCAPED}."
    assert render_template_string("{{ m }}", m=message) == f"Untranslated {ESCAPED}."


def test_a_lazy_plural_escapes_the_values_put_into_it(app):
    message = lazy_ngettext("%(num)d file from %(who)s", "%(num)d files from %(who)s", 2, who=PAYLOAD)

    assert render_template_string("{{ m }}", m=message) == f"2 files from {ESCAPED}"


def test_a_template_message_with_a_lazy_value_stays_escaped(app):
    inner = lazy_gettext("Untranslated %(name)s.", name=PAYLOAD)

    html = render_template_string("{{ _('Refused: %(why)s', why=m) }}", m=inner)

    assert html == f"Refused: Untranslated {ESCAPED}."


def test_no_template_marks_text_safe_or_turns_autoescape_off():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offending = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if any(token in path.read_text(encoding="utf-8") for token in ("|safe", "| safe", "autoescape false", "Markup"))
    ]

    assert offending == []

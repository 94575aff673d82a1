"""Text and numbers follow the reader's language (R47): the calendar's event titles, the audit
verification's reason, decimals."""

from datetime import UTC, datetime

from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.audit.services import Actor, record, verify_chain
from compete.core.formatting import format_number
from compete.extensions import db
from tests.factories import make_competition, make_officer


def test_decimals_follow_the_language():
    assert [format_number(9.04, 2, lang) for lang in ("nb", "nn", "en")] == ["9,04", "9,04", "9.04"]
    assert format_number(1234.5, 1, "nb") == "1\u00a0234,5"


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_calendar_event_titles_are_in_the_readers_language(app, client):
    competition = make_competition(slug="kalender")
    db.session.commit()
    title, stage = competition.title, competition.stages[0].name

    nb = _unfold(client.get("/competitions/kalender/calendar.ics").get_data(as_text=True))
    client.get("/language/en")
    en = _unfold(client.get("/competitions/kalender/calendar.ics").get_data(as_text=True))

    assert f"SUMMARY;LANGUAGE=nb:{title}: {stage} – spørsmålsfrist" in nb
    assert f"SUMMARY;LANGUAGE=nb:{title}: {stage} – innleveringsfrist" in nb
    assert f"SUMMARY;LANGUAGE=en:{title}: {stage} – question deadline" in en
    assert f"SUMMARY;LANGUAGE=en:{title}: {stage} – deadline" in en


def test_the_audit_verification_reason_is_in_the_readers_language(app, clock):
    from flask_babel import force_locale

    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    officer = make_officer()
    for n in range(2):
        record(Actor(officer, None, "officer"), "test.entry", ("Test", n))
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    from tests.audit_tampering import tamper

    tamper("UPDATE audit_entries SET after = :after WHERE id = :id", after='{"tampered": true}', id=entry.id)

    result = verify_chain()
    with app.test_request_context("/"):
        with force_locale("nb"):
            nb = str(result.message)
        with force_locale("nn"):
            nn = str(result.message)
        with force_locale("en"):
            en = str(result.message)

    assert (result.reason, result.code) == ("content was altered", "altered")
    assert (nb, nn, en) == ("innholdet er endret", "innhaldet er endra", "its content was altered")


def test_templates_follow_a_forced_locale_and_back(app):
    """Templates keep the catalogue for the request (a speed-up), yet a locale forced for an
    e-mail or a package, and the one after it, translate in their own language."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Withdrawn') }}|{{ ngettext('%(num)s day', '%(num)s days', 2) }}|{{ 1.5|decimal(1) }}"
    with app.test_request_context("/"):
        before = render_template_string(page)
        with force_locale("en"):
            forced = render_template_string(page)
            with force_locale("nb"):
                inner = render_template_string(page)
            forced_again = render_template_string(page)
        after = render_template_string(page)
    assert forced == forced_again == "Withdrawn|2 days|1.5"
    assert before == after == inner
    assert before.startswith("Trukket|") and before.endswith("|1,5")

"""The protocol page, its JSON and PDF exports, and the statistics pages through the test client."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from compete.audit import protocol
from compete.audit.models import AuditEntry
from compete.audit.seals import read_seal
from compete.audit.services import heads, verify_chain
from compete.competitions.queries import officers_of
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.audit_tampering import tamper
from tests.factories_competitions import login_as

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
NBSP = "\u00a0"


def _as_officer(client, world):
    user, org = world.users["officer"]
    login_as(client, user, org)


def _walk(value, key=""):
    """Every (key, value) pair of scalars in a JSON structure."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def test_json_export_is_the_built_protocol_with_iso_times_and_integer_amounts(client, world):
    _as_officer(client, world)
    response = client.get(f"/manage/competitions/{world.slug}/protocol.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="protocol-' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert "\n  " in text and "Målgruppen er presisert" in text  # pretty-printed, UTF-8 not escaped
    data = json.loads(text)
    assert data["competition"] == {"slug": world.slug, "title": world.record.competition.title}
    keys = [s["key"] for s in data["sections"]]
    assert keys[:6] == ["call", "call_versions", "qa", "receipt_log", "extensions", "formal_check"]
    times = [v for k, v in _walk(data) if k.endswith("_at") or k == "at"]
    assert len(times) > 20
    for value in times:
        assert value is None or ISO.match(value), value
        if value:
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    amounts = [v for k, v in _walk(data) if protocol.is_money_key(k)]
    assert amounts and all(isinstance(v, int) and not isinstance(v, bool) for v in amounts)
    assert not any(isinstance(v, float) for _k, v in _walk(data))


def test_pdf_lists_every_section_with_rows_in_oslo_time_and_kroner(client, world):
    _as_officer(client, world)
    response = client.get(f"/manage/competitions/{world.slug}/protocol.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", "\n".join(pages).replace(NBSP, " "))
    assert "Anskaffelsesprotokoll" in pages[0]
    assert world.record.competition.title in pages[0]
    for title in ("Utlysningen", "Versjoner av utlysningen", "Spørsmål og svar", "Mottakslogg", "Formell kontroll"):
        assert title in text, title
    assert "Fristforlengelser" in text
    a, b, _c, _d = world.record.submissions
    assert a.code in text and b.code in text
    assert "Målgruppen er presisert" in text
    assert "Ikke en oppstartsbedrift" in text
    assert "Driftsavbrudd på plattformen" in text
    assert "18.03.2026 kl. 10.00" in text  # the extended deadline, 09:00 UTC in Oslo winter time
    assert "50 000 kr" in text and "450 000 kr" in text
    assert f"Side 1 av {len(pages)}" in pages[0] and f"Side {len(pages)} av {len(pages)}" in pages[-1]
    assert "2026-03-18T09:00:00Z" not in text


def test_exports_are_logged_with_the_hash_of_the_file(client, world):
    _as_officer(client, world)
    bodies = {fmt: client.get(f"/manage/competitions/{world.slug}/protocol.{fmt}").data for fmt in ("json", "pdf")}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "protocol.exported").order_by(AuditEntry.seq)
    ).all()
    assert [(e.after["format"], e.after["sha256"]) for e in entries] == [
        ("json", hashlib.sha256(bodies["json"]).hexdigest()),
        ("pdf", hashlib.sha256(bodies["pdf"]).hexdigest()),
    ]
    assert {(e.actor_id, e.organisation_id, e.role) for e in entries} == {
        (world.record.officer.id, world.record.buyer.id, "officer")
    }


def test_page_shows_sections_downloads_and_an_intact_chain(client, world):
    _as_officer(client, world)
    html = client.get(f"/manage/competitions/{world.slug}/protocol").data.decode()
    assert f"/manage/competitions/{world.slug}/protocol.pdf" in html
    assert f"/manage/competitions/{world.slug}/protocol.json" in html
    assert "Revisjonsloggen er intakt" in html
    assert world.record.submissions[0].code in html
    assert html.count('<section aria-labelledby="section-') >= 6


def test_page_reports_an_altered_audit_entry(client, world):
    tamper(
        "UPDATE audit_entries SET after = :a WHERE chain = :c AND seq = 3",
        a='{"tampered": true}',
        c=world.record.competition.id,
    )
    db.session.commit()
    _as_officer(client, world)
    html = client.get(f"/manage/competitions/{world.slug}/protocol").data.decode()
    assert "Revisjonsloggen er brutt ved oppføring 3: innholdet er endret." in html


def test_each_export_prints_stores_and_mails_the_sealed_head(client, world):
    _as_officer(client, world)
    competition = world.record.competition
    (head,) = heads([competition.id])

    reader = PdfReader(io.BytesIO(client.get(f"/manage/competitions/{world.slug}/protocol.pdf").data))

    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert f"{competition.id}:{head.seq}:{head.hash}" in text
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit/seal")).all()
    assert {m.recipient_email for m in mails} == {u.email for u in officers_of(competition)}
    assert all(head.token() in m.body_text for m in mails)
    stored = (Path(client.application.config["UPLOAD_DIR"]) / "audit-seals").iterdir()
    assert [head] in [read_seal(p.read_text()) for p in stored if "-protocol-" in p.name]
    assert verify_chain(against=[head]).ok is True


def test_protocol_in_english_for_an_english_officer(client, world):
    world.record.officer.language = "en"
    db.session.commit()
    _as_officer(client, world)
    reader = PdfReader(io.BytesIO(client.get(f"/manage/competitions/{world.slug}/protocol.pdf").data))
    first = reader.pages[0].extract_text()
    assert "Procurement protocol" in first and "Page 1 of" in first


def test_manage_page_links_to_protocol_and_statistics(client, world):
    _as_officer(client, world)
    html = client.get(f"/manage/competitions/{world.slug}").data.decode()
    assert f'href="/manage/competitions/{world.slug}/protocol"' in html
    assert f'href="/manage/competitions/{world.slug}/statistics"' in html


def test_statistics_page_shows_numbers_table_and_chart(client, world):
    _as_officer(client, world)
    html = client.get(f"/manage/competitions/{world.slug}/statistics").data.decode()
    assert '<dd id="figure-sketches">3</dd>' in html
    assert "<svg" in html and "<title id=" in html and "<desc id=" in html
    assert "Sosial entreprenør" in html and "66,7&nbsp;%" in html and "33,3&nbsp;%" in html
    assert "17,0" in html  # opening 1 March to the extended deadline 18 March


def test_programme_statistics_cover_only_the_officers_organisations(client, world):
    user, org = world.users["other_officer"]
    login_as(client, user, org)
    html = client.get("/manage/statistics").data.decode()
    assert world.record.competition.title not in html
    _as_officer(client, world)
    html = client.get("/manage/statistics").data.decode()
    assert world.record.competition.title in html
    assert '<dd id="figure-sketches">3</dd>' in html


def test_statistics_chart_payments_once_paid(client, world, monkeypatch):
    from compete.audit import statistics

    stage_id = world.record.stage.id
    monkeypatch.setattr(statistics, "paid_by_stage", lambda stage_ids: {stage_id: 150_000})
    _as_officer(client, world)
    html = client.get(f"/manage/competitions/{world.slug}/statistics").data.decode()
    assert html.count('role="img"') == 3
    assert f'<dd id="figure-paid">150{NBSP}000{NBSP}kr</dd>' in html

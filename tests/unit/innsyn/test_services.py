"""Innsyn at the service level (R44): deadlines, redaction of every marked field and file in the
generated copy only, the preview, release through storage and the outbox, response times, rate limit."""

import hashlib
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.core.errors import DomainError
from compete.extensions import db
from compete.innsyn import package, queries, services
from compete.innsyn.models import InnsynSource, InnsynStatus
from compete.notifications.models import OutboxMessage
from compete.storage.backends import get_storage
from tests.factories_innsyn import (
    OPEN_PDF_TEXT,
    OPEN_TEXT,
    SECRET_PDF_TEXT,
    SECRET_TEXT,
    make_request,
    make_world,
    officer,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Oslo


@pytest.fixture
def world(app, clock):
    clock.set(T0)
    return make_world(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _originals(world) -> list:
    storage = get_storage()
    state = []
    for entry in (world.secret_entry, world.open_entry):
        version = entry.current_version
        state.append((version.content_sha256, dict(version.content), list(version.secret_fields)))
        for a in version.attachments:
            state.append((a.sha256, a.is_secret, hashlib.sha256(storage.read(a.storage_key)).hexdigest()))
    return state


def test_register_sets_the_default_deadline_three_working_days_later(world):
    request = make_request(world)

    assert request.received_at == T0
    assert request.deadline_at == datetime(2026, 3, 5, 22, 59, tzinfo=UTC)  # Thursday 23:59 Oslo
    assert (request.status, request.source, request.registered_by_id) == (
        InnsynStatus.RECEIVED,
        InnsynSource.OFFICER,
        world.setup.officer.id,
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "innsyn.registered")).one()
    assert (entry.target_id, entry.actor_id) == (str(request.id), world.setup.officer.id)


def test_default_deadline_is_configurable(world, app):
    app.config["INNSYN_DEADLINE_WORKING_DAYS"] = 10
    try:
        request = make_request(world)
    finally:
        app.config["INNSYN_DEADLINE_WORKING_DAYS"] = 3

    assert request.deadline_at == datetime(2026, 3, 16, 22, 59, tzinfo=UTC)


def test_register_refuses_blank_and_overlong_values(world):
    with pytest.raises(DomainError) as blank:
        make_request(world, name="  ")
    with pytest.raises(DomainError) as long:
        make_request(world, subject="x" * 4001)

    assert (blank.value.code, long.value.code) == ("required", "length")


def test_prepare_redacts_every_marked_field_and_file_in_the_copy_only(world):
    before = _originals(world)
    request = make_request(world)

    services.prepare_package(
        request, officer(world), submission_ids=[world.secret_entry.id, world.open_entry.id], reasons={}
    )
    data = package.build_zip(package.view(request), T0)

    version = world.secret_entry.current_version
    secret_file = version.attachments[0]
    assert sorted((r.version_id, r.target, r.marked_by_participant) for r in request.redactions) == [
        (version.id, "field:solution", True),
        (version.id, f"file:{secret_file.id}", True),
    ]
    assert {r.reason for r in request.redactions} == {services.default_reason()}
    files = _zip(data)
    everything = b"".join(files.values())
    assert SECRET_TEXT.encode() not in everything
    assert secret_file.sha256 not in {hashlib.sha256(v).hexdigest() for v in files.values()}
    secret_folder = f"entries/1-{world.secret_entry.code}"
    assert f"{secret_folder}/files/{secret_file.id}-{secret_file.filename}" not in files
    assert f"{secret_folder}/files/{secret_file.id}-{secret_file.filename}.withheld.txt" in files
    content = files[f"{secret_folder}/content.txt"].decode()
    assert OPEN_TEXT in content
    assert f"[Sladdet: {services.default_reason()}]" in content
    open_file = world.open_entry.current_version.attachments[0]
    open_bytes = files[f"entries/1-{world.open_entry.code}/files/{open_file.id}-{open_file.filename}"]
    assert hashlib.sha256(open_bytes).hexdigest() == open_file.sha256
    assert OPEN_PDF_TEXT in PdfReader(io.BytesIO(open_bytes)).pages[0].extract_text()
    assert SECRET_PDF_TEXT not in "".join(
        PdfReader(io.BytesIO(v)).pages[0].extract_text() for k, v in files.items() if k.endswith(".pdf")
    )
    assert _originals(world) == before


def test_officer_reasons_and_extra_redactions_are_recorded(world):
    request = make_request(world)
    version = world.secret_entry.current_version
    open_version = world.open_entry.current_version

    services.prepare_package(
        request,
        officer(world),
        submission_ids=[world.secret_entry.id, world.open_entry.id],
        reasons={f"{version.id}:field:solution": "Prismodell (fvl. § 13 nr. 2)"},
        extra={f"{open_version.id}:field:problem": "Personopplysninger (offentleglova § 13)"},
    )
    view = package.view(request)

    reasons = {(r.version_id, r.target): (r.reason, r.marked_by_participant) for r in request.redactions}
    assert reasons[(version.id, "field:solution")] == ("Prismodell (fvl. § 13 nr. 2)", True)
    assert reasons[(open_version.id, "field:problem")] == ("Personopplysninger (offentleglova § 13)", False)
    assert view.redaction_count == 3
    open_entry = next(e for e in view.entries if e.submission.id == world.open_entry.id)
    assert [(f.key, f.text) for f in open_entry.fields] == [
        ("problem", None),
        ("solution", "Mentorer fra arbeidslivet."),
    ]
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "innsyn.prepared")).one()
    assert len(audit.after["redactions"]) == 3


def test_an_extra_redaction_needs_a_reason(world):
    request = make_request(world)
    open_version = world.open_entry.current_version

    with pytest.raises(DomainError) as refused:
        services.prepare_package(
            request,
            officer(world),
            submission_ids=[world.open_entry.id],
            extra={f"{open_version.id}:field:problem": " "},
        )

    assert refused.value.code == "reason"


def test_prepare_refuses_entries_of_another_competition(world):
    other = make_world()
    request = make_request(world)

    with pytest.raises(DomainError) as refused:
        services.prepare_package(request, officer(world), submission_ids=[other.secret_entry.id])

    assert refused.value.code == "entries"


def test_release_stores_the_zip_with_index_audits_and_emails_a_link(world, clock):
    request = make_request(world)
    services.prepare_package(request, officer(world), submission_ids=[world.secret_entry.id])
    clock.set(T0 + timedelta(days=1))

    services.release(request, officer(world))

    data = get_storage().read(request.package_key)
    assert (request.status, request.released_at) == (InnsynStatus.RELEASED, T0 + timedelta(days=1))
    assert (request.package_sha256, request.package_size) == (hashlib.sha256(data).hexdigest(), len(data))
    files = _zip(data)
    assert next(iter(files)) == "00-index.pdf"
    index = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["00-index.pdf"])).pages)
    assert "Journalist Jensen" in index
    assert "Sladdet" in index
    assert SECRET_TEXT not in index
    assert {"01-call.json", "02-questions-and-answers.txt", "03-protocol.json"} <= set(files)
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "innsyn.released")).one()
    assert audit.after == {"sha256": request.package_sha256, "size": len(data), "redactions": 2}
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "innsyn/released")).one()
    assert mail.recipient_email == "jensen@avisa.no"
    assert f"/innsyn/{services.download_token(request)}/package.zip" in mail.body_text


def test_release_needs_a_prepared_package_and_happens_once(world):
    request = make_request(world)

    with pytest.raises(DomainError) as unprepared:
        services.release(request, officer(world))
    services.prepare_package(request, officer(world), submission_ids=[])
    services.release(request, officer(world))
    with pytest.raises(DomainError) as again:
        services.release(request, officer(world))
    with pytest.raises(DomainError) as changed:
        services.prepare_package(request, officer(world), submission_ids=[])

    assert (unprepared.value.code, again.value.code, changed.value.code) == ("not_prepared", "not_prepared", "released")


def test_register_shows_response_times_in_working_days(world, clock):
    answered = make_request(world, name="A")  # Monday
    services.prepare_package(answered, officer(world), submission_ids=[])
    clock.set(T0 + timedelta(days=2))  # Wednesday
    services.release(answered, officer(world))
    late = make_request(world, name="B", received_at=T0 - timedelta(days=7))  # the Monday before
    clock.set(T0 + timedelta(days=4))  # Friday

    rows = {row.request.requester_name: row for row in queries.register(world.setup.competition)}

    assert (rows["A"].working_days, rows["A"].overdue) == (2, False)
    assert (rows["B"].working_days, rows["B"].overdue) == (9, True)
    assert late.deadline_at == datetime(2026, 2, 26, 22, 59, tzinfo=UTC)


def test_public_requests_are_rate_limited_per_sender(world, app):
    competition = world.setup.competition
    values = {"name": "Ola", "email": "ola@example.no", "subject": "Protokollen", "language": "nn"}
    for _ in range(app.config["INNSYN_PUBLIC_MAX_PER_WINDOW"]):
        services.submit_public_request(competition, client="10.0.0.1", **values)

    with pytest.raises(services.RateLimited):
        services.submit_public_request(competition, client="10.0.0.1", **values)
    other = services.submit_public_request(competition, client="10.0.0.2", **values)

    assert (other.source, other.language, other.registered_by_id) == (InnsynSource.PUBLIC, "nn", None)
    assert other.client_hash == services.client_hash("10.0.0.2") != "10.0.0.2"

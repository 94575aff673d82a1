"""Submissions at the service level: deadlines to the second (R15), versions (R16), receipts (R17),
templates (R18), anonymity (R19), secrets (R20), formal check (R34), selection (R36)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.awards.models import Selection
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.time import now
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from compete.submissions import files, services
from compete.submissions.models import Eligibility, LateAttempt, SubmissionStatus, SubmissionVersion
from tests.factories import make_participant
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup, make_submitted

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    return make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))


def test_submit_creates_version_one_with_receipt_hashes(setup, clock):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)

    version = services.submit(submission, setup.user, "k1")

    assert (version.number, version.submitted_at) == (1, T0)
    assert version.content == GOOD_CONTENT
    assert version.content_sha256 == services.content_sha256(GOOD_CONTENT)
    receipt = services.receipt_for(version).as_dict()
    assert receipt["submitted_at"] == "2026-03-01T11:00:00Z"
    assert version.receipt_sha256 == services.content_sha256(receipt)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.current_version_id == version.id
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "submissions/receipt")).all()
    assert [m.recipient_email for m in mails] == [setup.user.email]
    assert version.content_sha256 in mails[0].body_text


def test_same_idempotency_key_gives_one_version(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)

    first = services.submit(submission, setup.user, "double-click")
    second = services.submit(submission, setup.user, "double-click")

    assert first.id == second.id
    assert db.session.scalars(select(SubmissionVersion)).all() == [first]


def test_replacing_keeps_every_version_and_evaluates_the_last(setup, clock):
    submission = make_submitted(setup)
    clock.advance(timedelta(hours=1))
    services.save_draft(submission, setup.user, {**GOOD_CONTENT, "solution": "Ny løsning."})
    second = services.submit(submission, setup.user, "k2")

    assert [v.number for v in submission.versions] == [1, 2]
    assert submission.current_version_id == second.id
    assert submission.versions[0].content == GOOD_CONTENT
    assert second.content["solution"] == "Ny løsning."


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (0, False), (1, False)])
def test_deadline_to_the_second(setup, clock, offset, accepted):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    clock.set(setup.stage.deadline_at + timedelta(seconds=offset))

    if accepted:
        assert services.submit(submission, setup.user, "k").number == 1
        assert db.session.scalars(select(LateAttempt)).all() == []
    else:
        with pytest.raises(services.DeadlinePassed):
            services.submit(submission, setup.user, "k")
        attempt = db.session.scalars(select(LateAttempt)).one()
        assert (attempt.action, attempt.user_id, attempt.at) == ("submit", setup.user.id, clock.now())
        assert attempt.content_sha256 == services.content_sha256(GOOD_CONTENT)
        assert submission.versions == []


def test_late_upload_is_logged_with_file_hashes(setup, clock):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    clock.set(setup.stage.deadline_at)
    pdf = make_pdf()

    with pytest.raises(services.DeadlinePassed) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "skisse.pdf", pdf)

    assert str(excinfo.value.message) == "Fristen er ute. Ingenting ble endret, og forsøket er logget."
    attempt = db.session.scalars(select(LateAttempt)).one()
    assert attempt.file_hashes == [{"name": "skisse.pdf", "size": len(pdf), "sha256": files.sha256(pdf)}]
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.late_attempt")).one()
    assert audit.after["files"] == attempt.file_hashes


def test_withdraw_then_submit_again(setup):
    submission = make_submitted(setup)
    services.withdraw(submission, setup.user)
    assert submission.status == SubmissionStatus.WITHDRAWN
    services.submit(submission, setup.user, "again")
    assert (submission.status, len(submission.versions)) == (SubmissionStatus.SUBMITTED, 2)


def test_word_limits_and_required_fields_block_submit(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, {"problem": "ord " * 301, "solution": ""})

    with pytest.raises(DomainError) as excinfo:
        services.submit(submission, setup.user, "k")

    assert excinfo.value.details == ["Problem har 301 ord; grensen er 300.", "Fyll ut: Solution"]


def test_wrong_real_type_is_refused_and_draft_kept(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)

    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "skisse.pdf", b"MZ\x90\x00 not a pdf")

    assert excinfo.value.code == "type"
    assert submission.draft_content == GOOD_CONTENT
    assert services.draft_attachments(submission) == []


def test_too_large_file_is_refused(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "big.pdf", big)
    assert str(excinfo.value.message) == "Filen er større enn 10 MB."


def test_anonymous_stage_strips_pdf_metadata_and_logs_it(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    pdf = make_pdf(author="Kari Nordmann", title="Hemmelig tittel")

    attachment = services.add_attachment(submission, setup.user, "sketch", "../../Skisse.PDF", pdf)

    import io

    from pypdf import PdfReader

    from compete.storage.backends import get_storage

    assert attachment.filename == "Skisse.pdf"
    assert attachment.sha256 == files.sha256(pdf)
    scrubbed = get_storage().read(attachment.scrubbed_storage_key)
    assert PdfReader(io.BytesIO(scrubbed)).metadata is None
    assert b"Kari Nordmann" not in scrubbed
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.metadata_stripped")).one()
    assert "/Author" in entry.after["removed"] and "/Title" in entry.after["removed"]


def test_office_metadata_is_stripped():
    from tests.factories_submissions import make_docx

    scrubbed = files.strip_metadata(make_docx(creator="Kari", company="Hemmelig AS"), "docx")
    assert scrubbed.removed == ["Company", "cp:lastModifiedBy", "dc:creator", "dc:title"]
    assert b"Hemmelig AS" not in scrubbed.data and b"Kari" not in scrubbed.data


def test_leak_check_finds_name_orgnr_and_email(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    org = setup.organisation
    spaced = f"{org.orgnr[:3]} {org.orgnr[3:6]} {org.orgnr[6:]}"
    services.save_draft(submission, setup.user, {"problem": f"Vi i {org.name} har orgnr {spaced}.", "solution": "x"})
    services.add_attachment(submission, setup.user, "sketch", "s.pdf", make_pdf(text=f"Kontakt {setup.user.email}"))

    warnings = services.leak_warnings(submission)

    assert warnings == [
        f"«{spaced}» står i Problem.",
        f"«{org.name}» står i Problem.",
        f"«{setup.user.email}» står i s.pdf.",
    ]


def test_secret_fields_are_kept_on_the_version(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT, ["solution", "not-a-field"])
    version = services.submit(submission, setup.user, "k")
    assert version.secret_fields == ["solution"]


def test_next_stage_only_for_selected(app, clock):
    clock.set(T0)
    setup = make_setup(stages=2, opens_in=timedelta(days=-30), deadline_in=timedelta(days=-20))
    stage2 = setup.competition.stages[1]
    stage2.opens_at, stage2.deadline_at = now() - timedelta(days=1), now() + timedelta(days=10)
    other_user, other_org = make_participant()
    from compete.awards.models import Decision

    decision = Decision(stage=setup.stage, decided_by=setup.officer, decided_at=now())
    db.session.add(decision)
    db.session.add(
        Selection(stage_id=setup.stage.id, organisation_id=setup.organisation.id, decided_at=now(), decision=decision)
    )
    db.session.flush()
    with pytest.raises(DomainError) as excinfo:  # selected, but not told yet: the notices are not sent (R31)
        services.start_submission(stage2, setup.user, setup.organisation, "")
    assert excinfo.value.code == "not_selected"
    decision.notices_sent_at = now()
    db.session.flush()

    assert services.start_submission(stage2, setup.user, setup.organisation, "").stage_id == stage2.id
    with pytest.raises(DomainError) as excinfo:
        services.start_submission(stage2, other_user, other_org, "")
    assert excinfo.value.code == "not_selected"


def test_extension_applies_to_everyone_and_is_logged(setup, clock):
    from compete.audit.services import Actor

    new = setup.stage.deadline_at + timedelta(days=2)
    services.extend_deadline(setup.stage, Actor(setup.officer, setup.buyer, "officer"), new, "Nedetid hos NAV")
    assert setup.stage.deadline_at == new
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stage.deadline_extended")).one()
    assert entry.after["reason"] == "Nedetid hos NAV"
    with pytest.raises(DomainError):
        services.extend_deadline(setup.stage, Actor(setup.officer, setup.buyer, "officer"), new, "")


def test_formal_check_rejection_sends_reasons(setup, clock):
    from compete.audit.services import Actor

    submission = make_submitted(setup)
    actor = Actor(setup.functionary, None, "functionary")
    with pytest.raises(DomainError):
        services.decide_eligibility(submission, actor, eligible=True)  # not started
    clock.set(setup.stage.deadline_at + timedelta(minutes=1))
    services.start_formal_check(setup.stage, actor)
    assert setup.stage.state == StageState.FORMAL_CHECK
    with pytest.raises(DomainError):
        services.decide_eligibility(submission, actor, eligible=False, ground=" ")

    services.decide_eligibility(submission, actor, eligible=False, ground="Ikke en sosial entreprenør.")

    assert (submission.eligibility, submission.rejection_ground) == (
        Eligibility.REJECTED,
        "Ikke en sosial entreprenør.",
    )
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "submissions/rejected")).one()
    assert "Ikke en sosial entreprenør." in mail.body_text


def test_codes_are_random_and_unique_per_stage(setup):
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 9 and c[4] == "-" for c in codes)


def test_storage_outage_gives_a_clear_error_and_keeps_the_draft(setup, app):
    from compete.storage.backends import S3Storage
    from tests.conftest import free_port

    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    app.extensions["compete_storage"] = S3Storage("down", "us-east-1", f"http://127.0.0.1:{free_port()}")

    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "s.pdf", make_pdf())

    assert excinfo.value.code == "storage"
    assert str(excinfo.value.message) == "Filen kunne ikke lagres nå. Prøv å laste opp igjen senere."
    assert submission.draft_content == GOOD_CONTENT
    assert services.draft_attachments(submission) == []


def test_uploads_go_to_s3_when_configured(setup, app, s3_endpoint):
    import boto3

    from compete.storage.backends import S3Storage

    boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(Bucket="compete-uploads")
    app.extensions["compete_storage"] = S3Storage("compete-uploads", "us-east-1", s3_endpoint)
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    pdf = make_pdf()

    attachment = services.add_attachment(submission, setup.user, "sketch", "s.pdf", pdf)

    stored = (
        boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint)
        .get_object(Bucket="compete-uploads", Key=attachment.storage_key)["Body"]
        .read()
    )
    assert files.sha256(stored) == attachment.sha256

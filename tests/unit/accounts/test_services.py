from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.accounts import queries, services
from compete.accounts.models import BuyerStatus, LoginAttempt, MemberRole, OrgCategory, User
from compete.accounts.passwords import verify_password
from compete.audit.models import AuditEntry
from compete.core.errors import DomainError
from compete.extensions import db
from tests.factories import make_org, make_user
from tests.factories_accounts import PASSWORD, make_member, outbox, set_buyer_status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_register_creates_unverified_user_and_queues_verification(app, clock):
    clock.set(T0)
    request = services.request_registration(
        "Kari Nordmann", "kari@example.test", "tolv tegn ok!", language="nn", ip="10.0.0.1", privacy_accepted=True
    )
    assert (request.kind, request.email, request.processed_at, outbox()) == ("register", "kari@example.test", None, [])
    assert db.session.scalars(select(User)).all() == []
    clock.advance(timedelta(seconds=5))
    assert services.process_mail_requests() == 1
    user = queries.user_by_email("kari@example.test")
    assert (request.processed_at, request.password_hash) == (T0 + timedelta(seconds=5), None)
    assert (user.email, user.language, user.is_verified, user.privacy_accepted_at) == (
        "kari@example.test",
        "nn",
        False,
        T0,
    )
    assert verify_password(user.password_hash, "tolv tegn ok!") is True
    assert [(m.kind, m.recipient_email, m.language) for m in outbox()] == [
        ("accounts/verify", "kari@example.test", "nn")
    ]
    assert actions() == ["user.registered"]


def test_register_refuses_short_password_and_missing_privacy(app):
    with pytest.raises(DomainError) as short:
        services.request_registration(
            "A", "a@example.test", "elleve tegn", language="nb", ip="10.0.0.1", privacy_accepted=True
        )
    assert str(short.value.message) == "The password needs at least 12 characters."
    with pytest.raises(DomainError) as privacy:
        services.request_registration(
            "A", "a@example.test", "twelve chars!", language="nb", ip="10.0.0.1", privacy_accepted=False
        )
    assert str(privacy.value.message) == "You must accept the privacy notice to register."


def test_register_with_taken_address_emails_owner_and_creates_nobody(app):
    owner = make_user("taken@example.test", language="nn")
    services.request_registration(
        "Other", "TAKEN@example.test", "twelve chars!", language="nb", ip="10.0.0.1", privacy_accepted=True
    )
    assert services.process_mail_requests() == 1
    assert db.session.scalar(select(db.func.count(User.id)).where(User.email.ilike("taken@example.test"))) == 1
    assert [(m.kind, m.recipient_email, m.language, m.recipient_id) for m in outbox()] == [
        ("accounts/registration_attempt", "taken@example.test", "nn", owner.id)
    ]


def test_verification_token_verifies_and_expires_after_24_hours(app, clock):
    clock.set(T0)
    user = make_user(verified=False)
    token = services.verification_token(user)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(DomainError):
        services.verify_email(token)
    clock.set(T0 + timedelta(hours=23))
    assert services.verify_email(token) is user
    assert user.email_verified_at == T0 + timedelta(hours=23)


def test_verification_token_is_tied_to_the_address(app):
    user = make_user(verified=False)
    token = services.verification_token(user)
    user.email = "changed@example.test"
    with pytest.raises(DomainError):
        services.verify_email(token)
    with pytest.raises(DomainError):
        services.verify_email(token + "x")


def test_reset_token_is_single_use_and_expires(app, clock):
    clock.set(T0)
    user = make_user()
    token = services.reset_token(user)
    clock.advance(timedelta(minutes=30))
    services.reset_password(token, "a brand new password")
    assert verify_password(user.password_hash, "a brand new password") is True
    assert user.password_changed_at == T0 + timedelta(minutes=30)
    with pytest.raises(DomainError) as used:
        services.reset_password(token, "another new password")
    assert str(used.value.message) == (
        "This reset link is invalid, has expired or has already been used. Ask for a new one."
    )
    late = services.reset_token(user)
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(DomainError):
        services.user_for_reset_token(late)


def test_old_reset_token_stops_working_after_password_changed(app, clock):
    clock.set(T0)
    user = make_user()
    first = services.reset_token(user)
    second = services.reset_token(user)
    clock.advance(timedelta(minutes=1))
    services.reset_password(second, "changed through second")
    with pytest.raises(DomainError):
        services.user_for_reset_token(first)


def test_reset_request_for_unknown_address_queues_nothing(app):
    make_user("known@example.test")
    services.request_password_reset("unknown@example.test", ip="10.0.0.1")
    assert services.process_mail_requests() == 1
    assert outbox() == []
    services.request_password_reset("Known@Example.test", ip="10.0.0.1")
    assert services.process_mail_requests() == 1
    assert [(m.kind, m.recipient_email) for m in outbox()] == [("accounts/reset", "known@example.test")]


def test_authenticate_records_attempts(app, clock):
    clock.set(T0)
    user = make_user("login@example.test")
    assert services.authenticate("LOGIN@example.test", PASSWORD, "10.0.0.1") is user
    with pytest.raises(DomainError) as wrong:
        services.authenticate("login@example.test", "wrong password", "10.0.0.1")
    with pytest.raises(DomainError) as unknown:
        services.authenticate("nobody@example.test", "wrong password", "10.0.0.1")
    assert str(wrong.value.message) == str(unknown.value.message) == "Wrong e-mail address or password."
    rows = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(r.email, r.ip, r.succeeded) for r in rows] == [
        ("login@example.test", "10.0.0.1", True),
        ("login@example.test", "10.0.0.1", False),
        ("nobody@example.test", "10.0.0.1", False),
    ]


def test_throttle_per_ip_and_account_with_minutes_left(app, clock):
    clock.set(T0)
    make_user("victim@example.test")
    for _ in range(5):  # LOGIN_MAX_FAILURES_PER_IP_AND_ACCOUNT
        clock.advance(timedelta(minutes=1))
        with pytest.raises(DomainError):
            services.authenticate("victim@example.test", "bad guess", "10.0.1.1")
    with pytest.raises(services.LoginThrottled) as throttled:
        services.authenticate("victim@example.test", PASSWORD, "10.0.1.1")
    # oldest failure at T0+1 min leaves the 15-minute window at T0+16 min; now is T0+5 min
    assert throttled.value.minutes == 11
    assert str(throttled.value.message) == "Too many failed attempts. Try again in 11 minutes."
    # the account itself is not locked: its owner elsewhere logs in
    assert services.authenticate("victim@example.test", PASSWORD, "10.0.9.9").email == "victim@example.test"
    clock.set(T0 + timedelta(minutes=16))
    assert services.authenticate("victim@example.test", PASSWORD, "10.0.1.1").email == "victim@example.test"


def test_throttle_per_account_from_all_addresses(app, clock):
    clock.set(T0)
    make_user("popular@example.test")
    for i in range(20):  # LOGIN_MAX_FAILURES_PER_ACCOUNT, each address below its own limit
        with pytest.raises(DomainError):
            services.authenticate("popular@example.test", "bad guess", f"10.0.2.{i}")
    with pytest.raises(services.LoginThrottled) as throttled:
        services.authenticate("popular@example.test", PASSWORD, "10.0.3.3")
    assert throttled.value.minutes == 15


def test_failures_from_one_ip_against_other_accounts_do_not_refuse_a_correct_password(app, clock):
    clock.set(T0)
    for i in range(40):
        with pytest.raises(DomainError):
            services.authenticate(f"someone{i % 8}@example.test", "bad guess", "192.0.2.7")
    user = make_user("fresh@example.test")
    assert services.authenticate(user.email, PASSWORD, "192.0.2.7") is user


def test_success_resets_the_account_counter(app, clock):
    clock.set(T0)
    make_user("forgetful@example.test")
    for _ in range(4):
        with pytest.raises(DomainError):
            services.authenticate("forgetful@example.test", "bad guess", "10.0.0.2")
    services.authenticate("forgetful@example.test", PASSWORD, "10.0.0.2")
    clock.advance(timedelta(seconds=1))
    with pytest.raises(DomainError) as again:
        services.authenticate("forgetful@example.test", "bad guess", "10.0.0.2")
    assert type(again.value) is DomainError


def test_create_organisation_makes_creator_owner(app):
    user = make_user(language="nn")
    org = services.create_organisation(user, name=" Blåbær AS ", category=OrgCategory.START_UP, orgnr="974760673")
    assert (org.name, org.orgnr, org.country, org.default_language) == ("Blåbær AS", "974760673", "NO", "nn")
    assert [(m.user_id, m.role) for m in org.memberships] == [(user.id, MemberRole.OWNER)]
    assert actions() == ["organisation.created"]
    with pytest.raises(DomainError):
        services.create_organisation(user, name="Copy", category=OrgCategory.COMPANY, orgnr="974760673")


def test_create_foreign_organisation(app):
    user = make_user()
    org = services.create_organisation(
        user, name="Svenska AB", category=OrgCategory.COMPANY, country="se", foreign_registration="556000-1234"
    )
    assert (org.orgnr, org.foreign_registration, org.country) == (None, "556000-1234", "SE")
    with pytest.raises(DomainError):
        services.create_organisation(
            user, name="Svenska 2", category=OrgCategory.COMPANY, country="SE", foreign_registration="556000-1234"
        )


def test_invitation_accept_adds_membership_once(app):
    owner = make_user()
    org = make_org(owner=owner)
    invitation = services.invite(owner, org, "new@example.test")
    token = services.invitation_token(invitation)
    invitee = make_user("New@example.test", verified=False)
    member = services.accept_invitation(invitee, token)
    assert (member.user_id, member.organisation_id, member.role) == (invitee.id, org.id, MemberRole.MEMBER)
    assert invitee.is_verified is True
    with pytest.raises(DomainError):
        services.accept_invitation(invitee, token)
    assert actions() == ["invitation.sent", "invitation.accepted"]


def test_invitation_refuses_another_address_and_existing_members(app):
    owner = make_user()
    org = make_org(owner=owner)
    token = services.invitation_token(services.invite(owner, org, "right@example.test"))
    with pytest.raises(DomainError):
        services.accept_invitation(make_user("wrong@example.test"), token)
    with pytest.raises(DomainError) as already:
        services.invite(owner, org, owner.email)
    assert str(already.value.message) == f"{owner.email} is already a member."


def test_buyer_request_approval_and_officer_role(app):
    owner = make_user()
    admin = make_user(is_admin=True)
    colleague = make_user()
    org = make_org(category=OrgCategory.PUBLIC_BODY, owner=owner)
    membership = make_member(org, colleague)
    with pytest.raises(DomainError):
        services.set_officer(owner, membership, officer=True)
    services.request_buyer_status(owner, org)
    assert org.buyer_status == BuyerStatus.PENDING
    with pytest.raises(DomainError):
        services.request_buyer_status(owner, org)
    services.decide_buyer(admin, org, approve=True)
    assert org.buyer_status == BuyerStatus.APPROVED
    services.set_officer(owner, membership, officer=True)
    assert membership.is_officer is True
    services.set_officer(admin, membership, officer=False)
    assert membership.is_officer is False
    with pytest.raises(DomainError):
        services.set_officer(colleague, membership, officer=True)
    assert actions() == [
        "organisation.buyer_requested",
        "organisation.buyer_approved",
        "membership.officer_granted",
        "membership.officer_removed",
    ]
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert (entries[3].actor_id, entries[3].role, entries[3].after) == (
        admin.id,
        "admin",
        {"user_id": colleague.id, "is_officer": False},
    )
    assert [(m.kind, m.recipient_email) for m in outbox("accounts/buyer_decision")] == [
        ("accounts/buyer_decision", owner.email)
    ]


def test_only_public_bodies_can_ask_and_rejection_is_final_until_asked_again(app):
    owner = make_user()
    admin = make_user(is_admin=True)
    startup = make_org(category=OrgCategory.START_UP, owner=owner)
    with pytest.raises(DomainError):
        services.request_buyer_status(owner, startup)
    body = make_org(category=OrgCategory.PUBLIC_BODY, owner=owner)
    services.request_buyer_status(owner, body)
    services.decide_buyer(admin, body, approve=False)
    assert body.buyer_status == BuyerStatus.REJECTED
    with pytest.raises(DomainError):
        services.decide_buyer(admin, body, approve=True)
    services.request_buyer_status(owner, set_buyer_status(body, BuyerStatus.REJECTED))
    assert body.buyer_status == BuyerStatus.PENDING


def test_acting_organisation_uses_session_then_first_membership(app):
    user = make_user()
    b = make_org("B org", owner=user)
    a = make_org("A org", members=[user])
    other = make_org("C org")
    with app.test_request_context():
        from flask import session

        assert queries.acting_organisation(user) is a
        session["org_id"] = b.id
        assert queries.acting_organisation(user) is b
        session["org_id"] = other.id
        assert queries.acting_organisation(user) is a
    assert queries.acting_organisation(make_user()) is None
    unverified = make_user(verified=False)
    make_org(owner=unverified)
    assert queries.acting_organisation(unverified) is None


def test_export_contains_profile_memberships_and_attempts(app, clock):
    clock.set(T0)
    user = make_user("export@example.test", name="Åse Ærlig")
    org = make_org("Øvre AS", orgnr="974760673", owner=user)
    services.authenticate(user.email, PASSWORD, "10.1.1.1")
    data = services.export_user_data(user)
    assert data["user"]["name"] == "Åse Ærlig"
    assert data["user"]["email_verified_at"] == "2026-03-02T09:00:00Z"
    assert data["memberships"] == [
        {
            "organisation_id": org.id,
            "organisation": "Øvre AS",
            "orgnr": "974760673",
            "foreign_registration": None,
            "country": "NO",
            "role": "owner",
            "is_officer": False,
            "since": "2026-03-02T09:00:00Z",
        }
    ]
    assert data["login_attempts"] == [{"at": "2026-03-02T09:00:00Z", "ip": "10.1.1.1", "succeeded": True}]

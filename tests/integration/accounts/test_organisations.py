import re

from sqlalchemy import select

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory
from compete.accounts.services import process_mail_requests
from compete.audit.models import AuditEntry
from compete.extensions import db
from tests.factories import login, make_org, make_user
from tests.factories_accounts import PASSWORD, link_path, make_member, outbox, set_buyer_status


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_create_norwegian_organisation_with_vat_wrapper(client):
    user = make_user()
    login(client, user)
    response = client.post(
        "/organisations/new",
        data={"name": "Blåbær AS", "country": "NO", "orgnr": "NO 974 760 673 MVA", "category": "start_up"},
    )
    org = db.session.scalars(select(Organisation).where(Organisation.name == "Blåbær AS")).one()
    assert response.headers["Location"] == f"/organisations/{org.id}"
    assert (org.orgnr, org.category, org.memberships[0].role) == ("974760673", OrgCategory.START_UP, MemberRole.OWNER)
    page = client.get(f"/organisations/{org.id}")
    assert "Organisation number 974 760 673" in text_of(page)


def test_invalid_orgnr_is_refused_with_message(client):
    login(client, make_user())
    response = client.post(
        "/organisations/new", data={"name": "Feil AS", "country": "NO", "orgnr": "912345678", "category": "company"}
    )
    assert response.status_code == 200
    assert "This is not a valid organisation number: the check digit is wrong." in text_of(response)
    assert 'value="912345678"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Organisation).where(Organisation.name == "Feil AS")).first() is None


def test_foreign_organisation_needs_registration_number(client):
    login(client, make_user())
    missing = client.post("/organisations/new", data={"name": "Dansk ApS", "country": "DK", "category": "company"})
    assert "Enter 3–40 letters, digits, spaces, dots, slashes or dashes." in text_of(missing)
    ok = client.post(
        "/organisations/new",
        data={"name": "Dansk ApS", "country": "DK", "foreign_registration": "cvr 12345678", "category": "company"},
    )
    assert ok.status_code == 302
    org = db.session.scalars(select(Organisation).where(Organisation.name == "Dansk ApS")).one()
    assert (org.country, org.foreign_registration, org.orgnr) == ("DK", "CVR 12345678", None)


def test_unverified_user_cannot_create_organisation(client):
    login(client, make_user(verified=False))
    assert client.get("/organisations/new").status_code == 403


def test_invitation_for_existing_user(client):
    owner = make_user(language="en")
    org = make_org("Fjord AS", owner=owner)
    invitee = make_user("invitee@example.test", language="nn")
    login(client, owner)
    response = client.post(f"/organisations/{org.id}/invite", data={"email": "invitee@example.test"})
    assert response.headers["Location"] == f"/organisations/{org.id}"
    message = outbox("accounts/invitation")[0]
    assert (message.recipient_email, message.language) == ("invitee@example.test", "nn")
    path = link_path(message, "/invitations/")
    client.post("/logout")
    anonymous = client.get(path)
    assert "Log in to accept the invitation" in text_of(anonymous)
    client.post("/login", data={"email": invitee.email, "password": PASSWORD})
    accept = client.post(path)
    assert accept.headers["Location"] == f"/organisations/{org.id}"
    assert [(m.organisation_id, m.role) for m in invitee.memberships] == [(org.id, MemberRole.MEMBER)]
    assert client.post(path).status_code == 400


def test_invitation_without_account_leads_to_registration_then_acceptance(client):
    owner = make_user(language="en")
    org = make_org("Ny AS", owner=owner)
    login(client, owner)
    client.post(f"/organisations/{org.id}/invite", data={"email": "brand-new@example.test"})
    client.post("/logout")
    path = link_path(outbox("accounts/invitation")[0], "/invitations/")
    page = client.get(path)
    assert "Register to accept the invitation" in text_of(page)
    register_link = re.search(r'href="(/register\?[^"]+)"', page.get_data(as_text=True)).group(1)
    form = client.get(register_link.replace("&amp;", "&"))
    assert 'value="brand-new@example.test"' in form.get_data(as_text=True)
    done = client.post(
        "/register",
        data={
            "name": "Nina Ny",
            "email": "brand-new@example.test",
            "password": "twelve chars ok",
            "privacy": "y",
            "next": path,
        },
    )
    assert f'href="{path}"' in done.get_data(as_text=True)
    assert client.post(path).status_code == 302  # registering signs nobody in: the account comes from the worker
    assert process_mail_requests() == 1
    client.post("/login", data={"email": "brand-new@example.test", "password": "twelve chars ok"})
    accept = client.post(path)
    assert accept.headers["Location"] == f"/organisations/{org.id}"
    member = db.session.scalars(select(Membership).where(Membership.organisation_id == org.id)).all()
    assert sorted(m.user.email for m in member) == sorted([owner.email, "brand-new@example.test"])
    newcomer = next(m.user for m in member if m.user.email == "brand-new@example.test")
    assert newcomer.is_verified is True


def test_invitation_to_other_address_is_refused(client):
    owner = make_user()
    org = make_org(owner=owner)
    login(client, owner)
    client.post(f"/organisations/{org.id}/invite", data={"email": "someone@example.test"})
    path = link_path(outbox("accounts/invitation")[0], "/invitations/")
    intruder = make_user("intruder@example.test")
    login(client, intruder)
    assert "Log out and log in with the invited address to accept." in text_of(client.get(path))
    client.post(path)
    assert intruder.memberships == []


def test_switcher_sets_acting_organisation_only_for_memberships(client):
    user = make_user()
    first = make_org("Alfa AS", owner=user)
    second = make_org("Beta AS", members=[user])
    stranger = make_org("Gamma AS")
    login(client, user)
    home = client.get("/organisations").get_data(as_text=True)
    assert 'id="org-switch"' in home
    assert f'<option selected value="{first.id}">Alfa AS</option>' in home
    response = client.post("/organisations/switch", data={"org_id": second.id, "next": "/profile"})
    assert response.headers["Location"] == "/profile"
    with client.session_transaction() as s:
        assert s["org_id"] == second.id
    assert client.post("/organisations/switch", data={"org_id": stranger.id}).status_code == 403
    with client.session_transaction() as s:
        assert s["org_id"] == second.id


def test_switcher_hidden_with_one_organisation(client):
    user = make_user()
    make_org(owner=user)
    login(client, user)
    html = client.get("/organisations").get_data(as_text=True)
    assert 'id="org-switch"' not in html
    assert 'href="/admin/organisations"' not in html


def test_buyer_request_admin_approval_and_officer_role(client):
    owner = make_user()
    colleague = make_user(name="Kollega Kari")
    admin = make_user(is_admin=True)
    org = make_org("Kommunen", category=OrgCategory.PUBLIC_BODY, owner=owner)
    membership = make_member(org, colleague)
    login(client, owner)
    assert client.post(f"/organisations/{org.id}/buyer-request").status_code == 302
    assert org.buyer_status == BuyerStatus.PENDING
    login(client, admin)
    admin_page = client.get("/admin/organisations")
    assert "Kommunen" in text_of(admin_page)
    assert client.post(f"/admin/organisations/{org.id}/decision", data={"decision": "approve"}).status_code == 302
    assert org.buyer_status == BuyerStatus.APPROVED
    login(client, owner)
    page = text_of(client.get(f"/organisations/{org.id}"))
    assert "Make Kollega Kari a procurement officer" in page
    client.post(f"/organisations/{org.id}/members/{membership.id}/officer", data={"officer": "1"})
    assert membership.is_officer is True
    client.post(f"/organisations/{org.id}/members/{membership.id}/officer", data={"officer": "0"})
    assert membership.is_officer is False
    audit = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert audit == [
        "organisation.buyer_requested",
        "organisation.buyer_approved",
        "membership.officer_granted",
        "membership.officer_removed",
    ]


def test_admin_rejects_buyer_request(client):
    owner = make_user()
    org = set_buyer_status(make_org(category=OrgCategory.PUBLIC_BODY, owner=owner), BuyerStatus.PENDING)
    login(client, make_user(is_admin=True))
    client.post(f"/admin/organisations/{org.id}/decision", data={"decision": "reject"})
    assert org.buyer_status == BuyerStatus.REJECTED
    assert [m.recipient_email for m in outbox("accounts/buyer_decision")] == [owner.email]


def test_officer_role_refused_for_unapproved_buyer(client):
    owner = make_user()
    org = make_org(category=OrgCategory.PUBLIC_BODY, owner=owner)
    membership = make_member(org, make_user())
    login(client, owner)
    assert (
        client.post(f"/organisations/{org.id}/members/{membership.id}/officer", data={"officer": "1"}).status_code
        == 403
    )
    assert membership.is_officer is False

"""Every submissions route for every role (STYLE.md's authorization matrix)."""

import pytest

from compete.extensions import db
from compete.submissions import services
from tests.factories import make_officer, make_org, make_participant
from tests.factories_competitions import login_as
from tests.factories_submissions import make_pdf, make_setup

ROLES = ["anonymous", "participant", "other_participant", "officer", "other_officer", "functionary"]

# route -> expected status per role, in ROLES order. 302 for anonymous is the redirect to /login.
GET_MATRIX = {
    "start": (302, 302, 200, 403, 200, 302),  # the participant is sent on to its draft
    "edit": (302, 200, 403, 403, 403, 403),
    "confirm": (302, 200, 403, 403, 403, 403),
    "receipt": (302, 200, 403, 200, 403, 200),
    "receipt_pdf": (302, 200, 403, 200, 403, 200),
    "download": (302, 200, 403, 200, 403, 200),
    "dashboard": (302, 200, 200, 200, 200, 200),
    "receipts": (302, 403, 403, 200, 403, 200),
    "receipts_csv": (302, 403, 403, 200, 403, 200),
    "extend": (302, 403, 403, 200, 403, 403),
    "formal_check": (302, 403, 403, 200, 403, 200),
    "withdraw": (302, 200, 403, 403, 403, 403),  # the confirmation page
    "submission_page": (302, 403, 403, 200, 403, 200),  # officers and the functionary; never jurors
}
POST_MATRIX = {
    "autosave": (401, 200, 403, 403, 403, 403),  # JSON: 401 so the page can say so
    "withdraw": (302, 302, 403, 403, 403, 403),
    "formal_check_start": (302, 403, 403, 302, 403, 302),
}


@pytest.fixture
def world(app):
    s = make_setup()
    submission = services.start_submission(s.stage, s.user, s.organisation, "")
    services.save_draft(submission, s.user, {"problem": "p", "solution": "s"})
    attachment = services.add_attachment(submission, s.user, "sketch", "s.pdf", make_pdf())
    services.submit(submission, s.user, "k")
    other_user, other_org = make_participant()
    other_buyer = make_org(buyer=True)
    other_officer = make_officer(other_buyer)
    db.session.commit()
    users = {
        "anonymous": (None, None),
        "participant": (s.user, s.organisation),
        "other_participant": (other_user, other_org),
        "officer": (s.officer, s.buyer),
        "other_officer": (other_officer, other_buyer),
        "functionary": (s.functionary, None),
    }
    version_attachment = submission.current_version.attachments[0]
    slug, sid = s.competition.slug, submission.id
    urls = {
        "start": f"/competitions/{slug}/stages/1/start",
        "edit": f"/submissions/{sid}",
        "confirm": f"/submissions/{sid}/submit",
        "receipt": f"/submissions/{sid}/versions/1/receipt",
        "receipt_pdf": f"/submissions/{sid}/versions/1/receipt.pdf",
        "download": f"/submissions/{sid}/files/{version_attachment.id}",
        "dashboard": "/my/submissions",
        "receipts": f"/manage/competitions/{slug}/stages/1/receipts",
        "receipts_csv": f"/manage/competitions/{slug}/stages/1/receipts.csv",
        "extend": f"/manage/competitions/{slug}/stages/1/extend",
        "formal_check": f"/manage/competitions/{slug}/stages/1/formal-check",
        "submission_page": f"/manage/competitions/{slug}/stages/1/submissions/{submission.code}",
        "autosave": f"/submissions/{sid}/autosave",
        "withdraw": f"/submissions/{sid}/withdraw",
        "formal_check_start": f"/manage/competitions/{slug}/stages/1/formal-check/start",
    }
    assert attachment.submission_id == sid
    return users, urls


@pytest.mark.parametrize("route", sorted(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_get_routes(client, world, route, role):
    users, urls = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    response = client.get(urls[route])
    assert response.status_code == GET_MATRIX[route][ROLES.index(role)]


@pytest.mark.parametrize("route", sorted(POST_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_post_routes(client, world, route, role):
    users, urls = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    if route == "autosave":
        response = client.post(urls[route], json={"content": {"problem": "x"}})
    else:
        response = client.post(urls[route], data={})
    assert response.status_code == POST_MATRIX[route][ROLES.index(role)]

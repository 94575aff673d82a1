"""Every awards route × every role (anonymous, selected participant, participant not selected,
another organisation, juror, functionary, officer, another competition's officer)."""

import pytest
from sqlalchemy import func, select

from compete.audit.models import AuditEntry
from compete.awards import services
from compete.awards.models import Notice, StageAward
from compete.awards.states import AwardState
from compete.extensions import db
from tests.factories import make_officer, make_participant
from tests.factories_awards import decide_and_notify, make_ranked_stage
from tests.factories_competitions import login_as

ROLES = ["anonymous", "selected", "not_selected", "other_org", "juror", "functionary", "officer", "other_officer"]


@pytest.fixture
def world(app):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    complaint = services.register_complaint(decision, loser.created_by, loser.organisation, "Uenig.")
    other_user, other_org = make_participant()
    other_officer = make_officer()
    notice = db.session.scalars(
        select(Notice).where(Notice.decision_id == decision.id, Notice.submission_id == world.entries[0].id)
    ).one()
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).first()
    db.session.commit()
    users = {
        "anonymous": (None, None),
        "selected": (world.entries[0].created_by, world.entries[0].organisation),
        "not_selected": (loser.created_by, loser.organisation),
        "other_org": (other_user, other_org),
        "juror": (world.seats[0].user, None),
        "functionary": (world.setup.functionary, None),
        "officer": (world.setup.officer, world.setup.buyer),
        "other_officer": (other_officer, None),
    }
    slug = world.competition.slug
    urls = {
        "decision": ("GET", f"/manage/competitions/{slug}/stages/1/decision"),
        "decision_post": ("POST", f"/manage/competitions/{slug}/stages/1/decision"),
        "deanonymise": ("POST", f"/manage/competitions/{slug}/stages/1/decision/deanonymise"),
        "notices": ("GET", f"/manage/competitions/{slug}/stages/1/notices"),
        "notices_send": ("POST", f"/manage/competitions/{slug}/stages/1/notices/send"),
        "complaints": ("GET", f"/manage/competitions/{slug}/complaints"),
        "complaints_csv": ("GET", f"/manage/competitions/{slug}/complaints.csv"),
        "respond": ("POST", f"/manage/competitions/{slug}/complaints/{complaint.id}/response"),
        "awards": ("GET", f"/manage/competitions/{slug}/awards"),
        "award_action": ("POST", f"/manage/competitions/{slug}/awards/{award.id}/sign"),
        "notice": ("GET", f"/notices/{notice.id}"),
        "notice_pdf": ("GET", f"/notices/{notice.id}.pdf"),
        "complain": ("GET", f"/competitions/{slug}/stages/1/complaint"),
        "complain_post": ("POST", f"/competitions/{slug}/stages/1/complaint"),
        "my_decisions": ("GET", "/my/decisions"),
        "results": ("GET", f"/competitions/{slug}/results"),
    }
    return users, urls


OFFICER_ONLY = (302, 403, 403, 403, 403, 403, 200, 403)
OFFICER_POST = (302, 403, 403, 403, 403, 403, 302, 403)
MATRIX = {
    "decision": OFFICER_ONLY,
    "decision_post": (302, 403, 403, 403, 403, 403, 422, 403),  # already decided: refused with the page
    "deanonymise": OFFICER_POST,  # already de-anonymised: the refusal is flashed
    "notices": OFFICER_ONLY,
    "notices_send": OFFICER_POST,  # already sent: the refusal is flashed
    "complaints": OFFICER_ONLY,
    "complaints_csv": OFFICER_ONLY,
    "respond": OFFICER_POST,
    "awards": OFFICER_ONLY,
    "award_action": OFFICER_POST,  # the standstill still runs: the refusal is flashed
    "notice": (302, 200, 403, 403, 403, 403, 200, 403),
    "notice_pdf": (302, 200, 403, 403, 403, 403, 200, 403),
    "complain": (302, 200, 200, 403, 403, 403, 403, 403),
    "complain_post": (302, 302, 302, 403, 403, 403, 403, 403),
    "my_decisions": (302, 200, 200, 200, 200, 200, 200, 200),
    "results": (200, 200, 200, 200, 200, 200, 200, 200),
}
FORM = {"response": "Svar", "text": "Klage", "selected": "1", "invoice_reference": "F-1"}


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, world, route, role):
    users, urls = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    method, url = urls[route]
    response = client.get(url) if method == "GET" else client.post(url, data=FORM)
    assert response.status_code == MATRIX[route][ROLES.index(role)]
    if response.status_code == 302 and user is None:
        assert "/login" in response.headers["Location"]


def test_refused_officer_posts_leave_the_state_unchanged(client, app):
    """The officer's refused POSTs answer 302 like the successful ones: the state must not move."""
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).first()
    db.session.commit()
    sent_at, notices_before = decision.notices_sent_at, db.session.scalar(select(func.count(Notice.id)))
    entries_before = db.session.scalar(select(func.count(AuditEntry.seq)))
    login_as(client, world.setup.officer, world.setup.buyer)
    slug = world.competition.slug
    assert client.post(f"/manage/competitions/{slug}/awards/{award.id}/sign").status_code == 302  # standstill
    assert client.post(f"/manage/competitions/{slug}/awards/{award.id}/approve", data=FORM).status_code == 302
    assert client.post(f"/manage/competitions/{slug}/stages/1/notices/send").status_code == 302  # sent before
    db.session.expire_all()
    assert award.state == AwardState.AWARDED and award.agreement_signed_at is None and award.invoice_reference is None
    assert decision.notices_sent_at == sent_at
    assert db.session.scalar(select(func.count(Notice.id))) == notices_before
    assert db.session.scalar(select(func.count(AuditEntry.seq))) == entries_before


def test_ids_of_another_competition_are_not_found_under_the_officers_own_slug(client, app):
    mine, theirs = make_ranked_stage(entries=4), make_ranked_stage(entries=4)
    decide_and_notify(mine)
    their_decision = decide_and_notify(theirs)
    loser = theirs.entries[3]
    complaint = services.register_complaint(their_decision, loser.created_by, loser.organisation, "Uenig.")
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == their_decision.id)).first()
    db.session.commit()
    login_as(client, mine.setup.officer, mine.setup.buyer)
    base = f"/manage/competitions/{mine.competition.slug}"
    assert client.post(f"{base}/awards/{award.id}/sign").status_code == 404
    assert client.post(f"{base}/complaints/{complaint.id}/response", data=FORM).status_code == 404
    db.session.expire_all()
    assert award.state == AwardState.AWARDED and complaint.responded_at is None

from compete.accounts.models import BuyerStatus
from compete.competitions import permissions
from compete.competitions.states import CompetitionState
from tests.factories import make_competition, make_officer, make_org, make_participant


def test_officer_predicates(app):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    other_officer = make_officer(make_org(buyer=True))
    participant, org = make_participant()
    competition = make_competition(buyer)
    assert permissions.can_manage_competition(officer, competition) is True
    assert permissions.can_manage_competition(other_officer, competition) is False
    assert permissions.can_manage_competition(participant, competition) is False
    assert permissions.can_create_competition(officer) is True
    assert permissions.can_create_competition(participant) is False
    assert permissions.officer_organisation(officer, competition, preferred_id=None) == buyer
    assert permissions.participant_organisation(participant, org.id) == org


def test_officer_of_a_buyer_no_longer_approved_loses_rights(app):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    buyer.buyer_status = BuyerStatus.PENDING
    assert permissions.can_manage_competition(officer, competition) is False


def test_questions_only_from_participants_of_a_running_call(app):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    participant, _ = make_participant()
    competition = make_competition(buyer)
    assert permissions.can_ask_question(participant, competition) is True
    assert permissions.can_ask_question(officer, competition) is False
    draft = make_competition(buyer, state=CompetitionState.DRAFT)
    assert permissions.can_ask_question(participant, draft) is False
    assert permissions.can_view_call(participant, draft) is False
    assert permissions.can_view_call(officer, draft) is True

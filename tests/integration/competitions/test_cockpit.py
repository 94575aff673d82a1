"""The officer's cockpit (issue 12): each "needs action" line appears with its count and link in a
world built with factories, and goes away once the work is done; the timeline marks each stage's
step; the page keeps a constant number of queries as the competition grows."""

from __future__ import annotations

import re
from datetime import timedelta

from compete.audit.services import Actor
from compete.awards import services as award_services
from compete.awards.models import StageAward
from compete.awards.states import AwardState
from compete.competitions.states import StageState
from compete.contracts import services as contract_services
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.jury import services as jury_services
from compete.submissions.models import Eligibility
from tests.factories import make_participant
from tests.factories_awards import decide, make_ranked_stage
from tests.factories_competitions import login_as
from tests.factories_contracts import make_contract, make_winner_setup, today
from tests.factories_jury import declare_all_clear, make_jury_stage, score
from tests.factories_submissions import make_setup, make_submitted

ITEM = re.compile(
    r'<li data-action="(?P<key>[a-z_]+)" data-count="(?P<count>\d+)"(?: data-stage="(?P<stage>\d+)")?>\s*'
    r'<a class="ds-link" href="(?P<url>[^"]+)">[^<]*</a>:\s*<strong class="cockpit-value">(?P<value>[^<]*)</strong>'
)
STEP = re.compile(r'data-step="(?P<key>[a-z_]+)" data-status="(?P<status>[a-z]+)"')


def _cockpit(client, competition, officer, buyer) -> dict:
    login_as(client, officer, buyer)
    response = client.get(f"/manage/competitions/{competition.slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    items = {}
    for m in ITEM.finditer(page):
        key = m["key"] if m["stage"] is None else f"{m['key']}:{m['stage']}"
        items[key] = (int(m["count"]), m["value"], m["url"])
    return {"items": items, "page": page}


def _steps(page: str, position: int) -> dict[str, str]:
    block = page.split(f'<div class="cockpit-stage" data-stage="{position}">', 1)[1].split("</ol>", 1)[0]
    return {m["key"]: m["status"] for m in STEP.finditer(block)}


def test_entries_awaiting_the_formal_check_are_counted_and_leave_when_checked(client, app):
    start = now()
    with frozen_at(start - timedelta(days=30)):
        setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
        entries = [make_submitted(setup)]
        for _ in range(2):
            user, org = make_participant()
            entries.append(make_submitted(setup, user=user, organisation=org))
    db.session.commit()
    slug = setup.competition.slug
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert seen["items"]["formal_check:1"] == (3, "3", f"/manage/competitions/{slug}/stages/1/formal-check")
    steps = _steps(seen["page"], 1)
    assert steps["open"] == "done" and steps["closed"] == "current" and steps["formal_check"] == "todo"

    setup.stage.state = StageState.FORMAL_CHECK
    entries[0].eligibility = Eligibility.ELIGIBLE
    db.session.commit()
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert seen["items"]["formal_check:1"][:2] == (2, "2")
    assert _steps(seen["page"], 1)["formal_check"] == "current"

    for entry in entries[1:]:
        entry.eligibility = Eligibility.ELIGIBLE
    db.session.commit()
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert "formal_check:1" not in seen["items"]


def test_jury_progress_then_report_approvals_then_the_decision(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=3, jurors=2)
    for seat in seats:
        declare_all_clear(seat, entries)
    score(seats[0], entries[0], [5] * len(setup.stage.criteria))
    score(seats[0], entries[1], [6] * len(setup.stage.criteria), submit=False)  # a draft does not count
    db.session.commit()
    slug = setup.competition.slug
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert seen["items"]["jury_progress:1"] == (5, "1 of 6", f"/manage/competitions/{slug}/stages/1/jury")
    assert "report_approvals:1" not in seen["items"]
    assert _steps(seen["page"], 1)["scoring"] == "current"

    for index, seat in enumerate(seats):
        for position, entry in enumerate(entries):
            if not (index == 0 and position == 0):
                score(seat, entry, [3 + position + index] * len(setup.stage.criteria))
    for entry in entries:
        jury_services.record_remark(seats[0], entry, "Merknad.")
    jury_services.approve_report(seats[0])
    db.session.commit()
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert seen["items"]["jury_progress:1"][:2] == (0, "6 of 6")
    assert seen["items"]["report_approvals:1"] == (1, "1 of 2", f"/manage/competitions/{slug}/stages/1/jury")
    assert _steps(seen["page"], 1)["report"] == "current"

    jury_services.approve_report(seats[1])
    db.session.commit()
    assert setup.stage.state == StageState.RANKING_LOCKED
    seen = _cockpit(client, setup.competition, setup.officer, setup.buyer)
    assert "jury_progress:1" not in seen["items"] and "report_approvals:1" not in seen["items"]
    assert seen["items"]["decision:1"] == (1, "3", f"/manage/competitions/{slug}/stages/1/decision")
    assert _steps(seen["page"], 1) == {
        "open": "done",
        "closed": "done",
        "formal_check": "done",
        "scoring": "done",
        "report": "done",
        "decision": "current",
        "letters": "todo",
        "standstill": "todo",
    }


def test_letters_standstill_complaints_and_agreements(client, app, clock):
    world = make_ranked_stage(entries=4)
    decision = decide(world)
    db.session.commit()
    competition, officer, buyer = world.competition, world.setup.officer, world.setup.buyer
    slug = competition.slug
    seen = _cockpit(client, competition, officer, buyer)
    assert "decision:1" not in seen["items"]
    assert seen["items"]["letters:1"] == (4, "4", f"/manage/competitions/{slug}/stages/1/notices")

    moment = now()
    clock.set(moment)
    award_services.send_notices(decision, world.officer)
    loser = world.entries[3]
    complaint = award_services.register_complaint(decision, loser.created_by, loser.organisation, "Uenig.")
    db.session.commit()
    seen = _cockpit(client, competition, officer, buyer)
    assert "letters:1" not in seen["items"]
    days = competition.standstill_days
    assert seen["items"]["standstill:1"] == (days, str(days), f"/manage/competitions/{slug}/complaints")
    assert seen["items"]["complaints"] == (1, "1", f"/manage/competitions/{slug}/complaints")
    assert _steps(seen["page"], 1)["standstill"] == "current"

    award_services.respond(complaint, world.officer, "Beslutningen står ved lag.")
    clock.set(decision.standstill_ends_at + timedelta(hours=1))
    db.session.commit()
    seen = _cockpit(client, competition, officer, buyer)
    assert "complaints" not in seen["items"] and "standstill:1" not in seen["items"]
    assert seen["items"]["agreements"] == (3, "3", f"/manage/competitions/{slug}/awards")
    assert _steps(seen["page"], 1)["standstill"] == "done"

    awards = db.session.query(StageAward).filter_by(stage_id=world.stage.id).all()
    for award in awards:
        award_services.transition_award(award, AwardState.AGREEMENT_SIGNED, world.officer)
    db.session.commit()
    seen = _cockpit(client, competition, officer, buyer)
    assert "agreements" not in seen["items"]


def test_contract_deliverables_claims_and_payments(client, app):
    cs = make_winner_setup()
    contract, outcome = make_contract(cs, outcome={})
    first = contract.milestones[0]
    contract_services.transition_milestone(first, MilestoneState.DELIVERED, cs.actor, "officer", note="Levert")
    claim = contract_services.submit_claim(outcome, cs.winner, cs.winner_org, 3, "Tre i arbeid.")
    db.session.commit()
    slug = cs.competition.slug
    url = f"/manage/competitions/{slug}/contract"
    seen = _cockpit(client, cs.competition, cs.officer, cs.buyer)
    assert seen["items"]["contract_deliverables"] == (1, "1", url)
    assert seen["items"]["claims_to_verify"] == (1, "1", url)
    assert "contract_payments_approve" not in seen["items"]
    contract.milestones[1].due_on = today() - timedelta(days=1)  # overdue, not delivered
    db.session.commit()
    seen = _cockpit(client, cs.competition, cs.officer, cs.buyer)
    assert seen["items"]["contract_deliverables"] == (2, "2", url)

    contract.milestones[1].due_on = today() + timedelta(days=30)
    contract_services.transition_milestone(first, MilestoneState.ACCEPTED, cs.actor, "officer")
    verifier = Actor(cs.verifier, None, "verifier")
    contract_services.transition_claim(claim, ClaimState.VERIFIED, verifier, "verifier", verified_count=3)
    db.session.commit()
    seen = _cockpit(client, cs.competition, cs.officer, cs.buyer)
    assert "contract_deliverables" not in seen["items"] and "claims_to_verify" not in seen["items"]
    assert seen["items"]["contract_payments_approve"] == (2, "2", url)


def test_a_draft_has_no_needs_action_list_and_a_quiet_competition_says_so(client, app):
    draft = make_setup()
    draft.competition.state = "draft"
    quiet = make_setup(opens_in=timedelta(days=5), deadline_in=timedelta(days=30))
    db.session.commit()
    seen = _cockpit(client, draft.competition, draft.officer, draft.buyer)
    assert 'id="actions-heading"' not in seen["page"]
    assert set(_steps(seen["page"], 1).values()) == {"todo"}
    seen = _cockpit(client, quiet.competition, quiet.officer, quiet.buyer)
    assert seen["items"] == {}
    assert "Nothing needs your action right now." in seen["page"]
    # The other links stay under "More".
    assert f'href="/manage/competitions/{quiet.competition.slug}/questions"' in seen["page"]


def _count(client, count_queries, competition, officer, buyer) -> int:
    login_as(client, officer, buyer)
    url = f"/manage/competitions/{competition.slug}"
    client.get(url)  # warm
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def _scoring_world(entries: int):
    setup, _officer, submissions, seats = make_jury_stage(entries=entries, jurors=3)
    for seat in seats:
        declare_all_clear(seat, submissions)
    for submission in submissions[1:]:
        score(seats[0], submission, [5] * len(setup.stage.criteria))
    return setup


def _decided_world(entries: int):
    world = make_ranked_stage(entries=entries)
    decision = decide(world)
    award_services.send_notices(decision, world.officer)
    for entry in world.entries[-2:]:
        award_services.register_complaint(decision, entry.created_by, entry.organisation, "Uenig.")
    return world.setup


def test_the_cockpit_has_the_same_query_count_at_3_and_12_entries(client, app, count_queries):
    counts = {}
    for size in (3, 12):
        scoring, decided = _scoring_world(size), _decided_world(size)
        db.session.commit()
        counts[size] = (
            _count(client, count_queries, scoring.competition, scoring.officer, scoring.buyer),
            _count(client, count_queries, decided.competition, decided.officer, decided.buyer),
        )
    assert counts[3] == counts[12]

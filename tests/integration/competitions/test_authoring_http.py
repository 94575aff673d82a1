"""Officers author, publish and amend a call through the HTTP layer (R1–R7, R35)."""

from datetime import UTC, datetime, timedelta

from flask_babel import refresh
from sqlalchemy import select

from compete.competitions import queries
from compete.competitions.models import Competition
from compete.competitions.states import CompetitionState
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.factories import make_officer, make_org, make_participant
from tests.factories_competitions import follow, make_setup
from tests.factories_competitions import login_as as login

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _officer(client, clock):
    clock.set(NOW)
    buyer = make_org(name="NAV Innlandet", buyer=True)
    officer = make_officer(buyer)
    db.session.commit()
    login(client, officer, buyer)
    return buyer, officer


def _create(client, buyer, slug="unge-i-arbeid", source=""):
    return client.post(
        "/manage/competitions/new", data={"title": "Unge i arbeid", "slug": slug, "buyer": buyer.id, "source": source}
    )


def _stage(client, slug, position=None, **overrides):
    data = {
        "name": "Idéskisse",
        "kind": "idea_sketch",
        "opens_at": "2026-03-09T12:00",
        "question_deadline_at": "2026-04-01T12:00",
        "deadline_at": "2026-04-15T12:00",
        "advancing_count": "3",
        "award_amount": "50000",
        "anonymous": "y",
        **overrides,
    }
    url = f"/manage/competitions/{slug}/stages/{position}" if position else f"/manage/competitions/{slug}/stages/new"
    return client.post(url, data=data)


def _criteria(client, slug, position, weights=(60, 40), note=""):
    data = {"tie_break_rule": "highest_first_criterion", "change_note": note}
    for i, weight in enumerate(weights):
        data |= {
            f"rows-{i}-name": f"Criterion {i + 1}",
            f"rows-{i}-weight": str(weight),
            f"rows-{i}-scale_min": "0",
            f"rows-{i}-scale_max": "10",
            f"rows-{i}-descriptors": "0: Not addressed\n10: Excellent",
        }
    return client.post(f"/manage/competitions/{slug}/stages/{position}/criteria", data=data)


def _settings(client, slug, note="", **overrides):
    data = {
        "title": "Unge i arbeid",
        "summary": "Work for young people.",
        "background": "## Need\nYoung people need work.",
        "budget": "600000",
        "jury_binding": "advisory",
        "follow_on_contract": "yes",
        "ipr_terms": "The participant keeps the rights.",
        "standstill_days": "10",
        "default_language": "nb",
        "change_note": note,
        **overrides,
    }
    return client.post(f"/manage/competitions/{slug}/settings", data=data)


def _build_complete(client, buyer):
    assert _create(client, buyer).status_code == 302
    assert _settings(client, "unge-i-arbeid").status_code == 302
    response = client.post(
        "/manage/competitions/unge-i-arbeid/eligibility",
        data={
            "rows-0-name": "Start-up",
            "rows-0-definition": "Under 5 years.",
            "rows-0-self_check_question": "Are you?",
        },
    )
    assert response.status_code == 302
    assert _stage(client, "unge-i-arbeid").status_code == 302
    assert (
        _stage(
            client,
            "unge-i-arbeid",
            name="Videreutvikling",
            kind="further_development",
            opens_at="2026-05-20T12:00",
            question_deadline_at="2026-06-10T12:00",
            deadline_at="2026-06-24T12:00",
            advancing_count="1",
            award_amount="450000",
        ).status_code
        == 302
    )
    assert _criteria(client, "unge-i-arbeid", 1).status_code == 302
    assert _criteria(client, "unge-i-arbeid", 2).status_code == 302


def test_r1_publish_lists_every_missing_item_by_name(client, clock):
    buyer, _ = _officer(client, clock)
    response = _create(client, buyer)
    assert response.headers["Location"] == "/manage/competitions/unge-i-arbeid"
    response = client.post("/manage/competitions/unge-i-arbeid/publish")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for item in (
        "Background and need are missing.",
        "The budget is missing.",
        "State whether the jury is binding or advisory.",
        "State whether a follow-on contract may be awarded.",
        "The IPR terms are missing.",
        "Add at least one stage.",
    ):
        assert item in html
    assert db.session.scalars(select(Competition.state).where(Competition.slug == "unge-i-arbeid")).one() == (
        CompetitionState.DRAFT
    )


def test_r1_to_r4_complete_call_publishes_then_amends(client, clock):
    buyer, _ = _officer(client, clock)
    _build_complete(client, buyer)
    response = client.post("/manage/competitions/unge-i-arbeid/publish")
    assert response.status_code == 302
    competition = queries.competition_by_slug("unge-i-arbeid")
    assert competition.state == CompetitionState.PUBLISHED
    follower, follower_org = make_participant()
    follow(competition, follower, follower_org)
    db.session.commit()
    html = client.get("/competitions/unge-i-arbeid").get_data(as_text=True)
    assert "Version 1, published 02/03/2026 at 10:00." in html
    assert "3 × NOK\u00a050,000" in html
    # An amendment without a note is refused and changes nothing.
    response = _settings(client, "unge-i-arbeid", budget="650000")
    assert response.status_code == 400
    assert "An amendment to a published call needs a change note." in response.get_data(as_text=True)
    assert queries.competition_by_slug("unge-i-arbeid").budget == 600_000
    clock.advance(timedelta(days=1))
    response = _settings(client, "unge-i-arbeid", note="Budget raised to 650 000 kr.", budget="650000")
    assert response.status_code == 302
    html = client.get("/competitions/unge-i-arbeid").get_data(as_text=True)
    assert "Version 2, published 03/03/2026 at 10:00." in html
    assert "Budget raised to 650 000 kr." in html
    assert "NOK\u00a0650,000" in html
    old = client.get("/competitions/unge-i-arbeid/versions/1").get_data(as_text=True)
    assert "You are reading version 1, published 02/03/2026 at 10:00. It has been replaced." in old
    assert "NOK\u00a0600,000" in old
    new = client.get("/competitions/unge-i-arbeid/versions/2").get_data(as_text=True)
    assert "<code>budget</code></th><td>600000</td><td>650000</td>" in new
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "competitions/amended")).all()
    assert [m.recipient_email for m in mails] == [follower.email]
    assert client.get("/competitions/unge-i-arbeid/versions/3").status_code == 404


def test_r2_payments_over_budget_block_publication(client, clock):
    buyer, _ = _officer(client, clock)
    _build_complete(client, buyer)
    _settings(client, "unge-i-arbeid", budget="500000")
    response = client.post("/manage/competitions/unge-i-arbeid/publish")
    assert response.status_code == 400
    assert "Stage payments (600000 kr) exceed the budget (500000 kr)." in response.get_data(as_text=True)


def test_r3_weights_and_fixed_criteria_after_deadline(client, clock):
    buyer, _ = _officer(client, clock)
    _build_complete(client, buyer)
    _criteria(client, "unge-i-arbeid", 1, weights=(60, 30))
    response = client.post("/manage/competitions/unge-i-arbeid/publish")
    assert "Stage 1. Idéskisse: the weights total 90 %, not 100 %." in response.get_data(as_text=True)
    _criteria(client, "unge-i-arbeid", 1, weights=(50, 50))
    assert client.post("/manage/competitions/unge-i-arbeid/publish").status_code == 302
    response = _criteria(client, "unge-i-arbeid", 1, weights=(60, 30), note="Change")
    assert response.status_code == 400
    assert "The weights must total 100 %." in response.get_data(as_text=True)
    clock.set(datetime(2026, 4, 16, 9, 0, tzinfo=UTC))
    response = _criteria(client, "unge-i-arbeid", 1, weights=(70, 30), note="Change")
    assert response.status_code == 400
    assert "The deadline of Idéskisse has passed: its criteria and weights cannot change." in response.get_data(
        as_text=True
    )
    assert [c.weight for c in queries.competition_by_slug("unge-i-arbeid").stages[0].criteria] == [50, 50]


def test_r5_solution_stage_without_follow_on_contract_blocks_publication(client, clock):
    buyer, _ = _officer(client, clock)
    _build_complete(client, buyer)
    _settings(client, "unge-i-arbeid", follow_on_contract="no")
    _stage(
        client,
        "unge-i-arbeid",
        name="Utvikle",
        kind="solution_development",
        opens_at="2026-08-01T12:00",
        deadline_at="2027-08-01T12:00",
        question_deadline_at="",
        advancing_count="1",
        award_amount="0",
    )
    response = client.post("/manage/competitions/unge-i-arbeid/publish")
    assert (
        "Stage 3. Utvikle is a solution development stage, but the call says no follow-on contract will be awarded."
        in response.get_data(as_text=True)
    )


def test_r6_stage_form_refuses_dst_gaps_and_overlaps(client, clock):
    buyer, _ = _officer(client, clock)
    _create(client, buyer)
    response = _stage(client, "unge-i-arbeid", opens_at="2026-03-29T02:30")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "29.03.2026 02.30 does not exist in Norwegian time: the clocks go forward that night. Choose another time."
        in html
    )
    response = _stage(client, "unge-i-arbeid", deadline_at="2026-10-25T02:30")
    assert response.status_code == 400
    assert (
        "25.10.2026 02.30 happens twice in Norwegian time: the clocks go back that night. Choose another time."
        in response.get_data(as_text=True)
    )
    assert queries.competition_by_slug("unge-i-arbeid").stages == []
    assert _stage(client, "unge-i-arbeid", opens_at="2026-03-29T03:30").status_code == 302
    stage = queries.competition_by_slug("unge-i-arbeid").stages[0]
    assert stage.opens_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert stage.deadline_at == datetime(2026, 4, 15, 10, 0, tzinfo=UTC)


def test_r7_short_window_warns_on_the_overview(client, clock):
    buyer, _ = _officer(client, clock)
    _create(client, buyer)
    _stage(client, "unge-i-arbeid", opens_at="2026-04-10T12:00")
    html = client.get("/manage/competitions/unge-i-arbeid").get_data(as_text=True)
    assert "Stage 1. Idéskisse: the submission window is shorter than 14 days." in html


def test_r35_cancel_needs_reason_and_tells_followers(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    follow(s.competition, s.participant, s.participant_org)
    db.session.commit()
    login(client, s.officer, s.buyer)
    url = f"/manage/competitions/{s.competition.slug}/cancel"
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 400
    response = client.post(url, data={"reason": "The need is covered by another contract."})
    assert response.status_code == 302
    html = client.get(f"/competitions/{s.competition.slug}").get_data(as_text=True)
    assert "This competition was cancelled. The need is covered by another contract." in html
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "competitions/cancelled")).all()
    assert [m.recipient_email for m in mails] == [s.participant.email]


def test_co_owner_added_by_orgnr_can_manage(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    login(client, s.officer, s.buyer)
    response = client.post(f"/manage/competitions/{s.competition.slug}/owners", data={"orgnr": s.other_buyer.orgnr})
    assert response.status_code == 302
    login(client, s.other_officer, s.other_buyer)
    assert client.get(f"/manage/competitions/{s.competition.slug}").status_code == 200
    versions = queries.versions_of(s.competition)
    assert versions[-1].change_note == f"{s.other_buyer.name} joined as co-owner."


def test_clone_through_the_new_form(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    login(client, s.officer, s.buyer)
    response = client.post(
        "/manage/competitions/new",
        data={"title": "Copy", "slug": "copy", "buyer": s.buyer.id, "source": f"competition:{s.competition.id}"},
    )
    assert response.status_code == 302
    copy = queries.competition_by_slug("copy")
    assert [(st.name, st.deadline_at) for st in copy.stages] == [("Idéskisse", None), ("Videreutvikling", None)]
    client.post(f"/manage/competitions/{s.competition.slug}/save-template", data={"name": "StartOff"})
    template = queries.templates_for([s.buyer.id])[0]
    response = client.post(
        "/manage/competitions/new",
        data={
            "title": "From template",
            "slug": "from-template",
            "buyer": s.buyer.id,
            "source": f"template:{template.id}",
        },
    )
    assert response.status_code == 302
    assert [c.name for c in queries.competition_by_slug("from-template").stages[0].criteria] == [
        "Relevance to the need",
        "User benefit",
        "Feasibility",
        "Team",
    ]


def test_calendar_is_rfc5545_with_utc_times_and_crlf(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    response = client.get(f"/competitions/{s.competition.slug}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    stage = s.competition.stages[0]
    assert f"DTSTART:{stage.deadline_at:%Y%m%dT%H%M%SZ}" in lines
    assert f"DTSTART:{stage.question_deadline_at:%Y%m%dT%H%M%SZ}" in lines
    assert body.count("BEGIN:VEVENT") == 3  # two deadlines of stage 1, the deadline of stage 2
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in lines)


def test_countdown_to_next_deadline(client, clock):
    clock.set(NOW)
    s = make_setup()  # question deadline 9 days ahead
    html = client.get(f"/competitions/{s.competition.slug}").get_data(as_text=True)
    assert "9 days left" in html


def test_audit_page_filters_by_action_and_date(client, clock):
    clock.set(NOW)
    s = make_setup()
    db.session.commit()
    login(client, s.officer, s.buyer)
    clock.set(NOW + timedelta(days=3))
    client.post(f"/manage/competitions/{s.competition.slug}/save-template", data={"name": "T"})
    html = client.get(f"/manage/competitions/{s.competition.slug}/audit?action=template.saved").get_data(as_text=True)
    assert "1 entries" in html
    assert "<code>template.saved</code>" in html
    html = client.get(f"/manage/competitions/{s.competition.slug}/audit?date_from=2026-03-04").get_data(as_text=True)
    assert "1 entries" in html
    html = client.get(f"/manage/competitions/{s.competition.slug}/audit?date_to=2026-03-03").get_data(as_text=True)
    assert "1 entries" in html  # the version published by the factory
    assert "call.version_published" in html


def test_r6_oslo_times_stored_in_utc_and_shown_in_norwegian_format(client, clock):
    buyer, _ = _officer(client, clock)
    _build_complete(client, buyer)
    client.post("/manage/competitions/unge-i-arbeid/publish")
    stage = queries.competition_by_slug("unge-i-arbeid").stages[0]
    assert stage.deadline_at == datetime(2026, 4, 15, 10, 0, tzinfo=UTC)  # 12.00 in Oslo summer time
    with client.session_transaction() as session:
        session["lang"] = "nb"
    refresh()  # the test's shared application context caches the locale
    html = client.get("/competitions/unge-i-arbeid").get_data(as_text=True)
    assert "<td>15.04.2026 kl.\u00a012.00</td>" in html
    assert "Versjon 1, publisert 02.03.2026 kl.\u00a010.00." in html

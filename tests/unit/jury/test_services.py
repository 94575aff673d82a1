"""The jury's rules at the service level: R21–R30."""

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer, SeatRole
from compete.submissions.models import Eligibility
from tests.factories import make_user
from tests.factories_jury import declare_all_clear, make_jury_stage, score


@pytest.fixture
def jury(app):
    return make_jury_stage(entries=3, jurors=3)


def test_functionary_cannot_be_juror_r23(jury):
    setup, officer, _entries, _seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.appoint(setup.stage, setup.functionary, SeatRole.MEMBER, officer)
    assert excinfo.value.code == "functionary"


def test_nothing_visible_before_declaration_r22(jury):
    _setup, _officer, entries, seats = jury
    assert services.can_see(seats[0], entries[0]) is False
    declare_all_clear(seats[0], entries)
    assert services.can_see(seats[0], entries[0]) is True


def test_declaration_must_cover_every_entry_and_explain_doubts(jury):
    _setup, _officer, entries, seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.declare(seats[0], "", {entries[0].id: (Answer.NO_CONFLICT, "")})
    assert excinfo.value.code == "incomplete"
    with pytest.raises(DomainError) as excinfo:
        declare_all_clear(seats[0], entries, {entries[1].id: (Answer.IN_DOUBT, " ")})
    assert excinfo.value.code == "explain"


def test_conflict_and_ruling_decide_access(jury):
    _setup, officer, entries, seats = jury
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Jeg eier aksjer i selskapet")})
    declare_all_clear(seats[2], entries, {entries[1].id: (Answer.IN_DOUBT, "Tidligere kollega")})

    assert services.can_see(seats[1], entries[0]) is False
    assert services.can_see(seats[2], entries[1]) is False  # waits for the officer
    declaration = queries.declaration(seats[2], entries[1])
    services.rule(declaration, officer, conflicted=False, reason="Over fem år siden")
    assert services.can_see(seats[2], entries[1]) is True
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "jury.ruled")).one()
    assert entry.after == {
        "seat": seats[2].id,
        "entry": entries[1].code,
        "conflict": False,
        "reason": "Over fem år siden",
    }


def test_scores_need_justification_and_the_published_scale_r25(jury):
    _setup, _officer, entries, seats = jury
    declare_all_clear(seats[0], entries)
    criteria = seats[0].stage.criteria
    with pytest.raises(DomainError) as excinfo:
        services.save_scorecard(seats[0], entries[0], {c.id: (5, "") for c in criteria}, submit=True)
    assert (excinfo.value.code, len(excinfo.value.details)) == ("incomplete", 4)
    with pytest.raises(DomainError) as excinfo:
        services.save_scorecard(seats[0], entries[0], {c.id: (11, "x") for c in criteria}, submit=True)
    assert excinfo.value.code == "incomplete"
    draft = services.save_scorecard(seats[0], entries[0], {criteria[0].id: (7, "")})
    assert draft.submitted_at is None
    card = score(seats[0], entries[0], [7, 6, 5, 4])
    assert card.submitted_at is not None
    with pytest.raises(DomainError) as excinfo:
        score(seats[0], entries[0], [1, 1, 1, 1])
    assert excinfo.value.code == "submitted"


def test_conflicted_juror_cannot_score_that_entry(jury):
    _setup, _officer, entries, seats = jury
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Søster i styret")})
    with pytest.raises(DomainError) as excinfo:
        score(seats[1], entries[0], [5, 5, 5, 5])
    assert excinfo.value.code == "forbidden"


def _score_everything(entries, seats, table):
    for seat, rows in zip(seats, table, strict=True):
        for entry, values in zip(entries, rows, strict=True):
            if values is not None:
                score(seat, entry, values)


def test_ranking_leaves_the_conflicted_cell_out(jury):
    _setup, _officer, entries, seats = jury
    for seat in seats[:2]:
        declare_all_clear(seat, entries)
    declare_all_clear(seats[2], entries, {entries[0].id: (Answer.CONFLICT, "Nabo")})
    # Weights 30/30/25/15. Totals: juror 1: 8, 6, 4; juror 2: 7, 7, 5; juror 3: –, 9, 3.
    _score_everything(
        entries,
        seats,
        [
            [[8, 8, 8, 8], [6, 6, 6, 6], [4, 4, 4, 4]],
            [[7, 7, 7, 7], [7, 7, 7, 7], [5, 5, 5, 5]],
            [None, [9, 9, 9, 9], [3, 3, 3, 3]],
        ],
    )
    ranking = queries.ranking(seats[0].stage)
    assert [(r.entry, r.rank, round(r.total, 4)) for r in ranking] == [
        (entries[0].id, 1, 7.5),
        (entries[1].id, 2, 7.3333),
        (entries[2].id, 3, 4.0),
    ]


def test_all_approvals_lock_the_ranking_then_deanonymise_once_r27_r30(jury):
    setup, officer, entries, seats = jury
    for seat in seats:
        declare_all_clear(seat, entries)
    _score_everything(entries, seats, [[[8, 8, 8, 8], [6, 6, 6, 6], [4, 4, 4, 4]]] * 3)
    services.record_remark(seats[0], entries[0], "Sterk forankring i behovet.")
    with pytest.raises(DomainError):
        services.record_remark(seats[1], entries[0], "Ikke leder")

    assert services.approve_report(seats[0]) is False
    assert services.approve_report(seats[1]) is False
    assert services.approve_report(seats[2]) is True
    assert setup.stage.state == StageState.RANKING_LOCKED
    with pytest.raises(DomainError) as excinfo:
        score(seats[0], entries[1], [1, 1, 1, 1])
    assert excinfo.value.code == "state"
    services.deanonymise(setup.stage, officer)
    assert setup.stage.state == StageState.DEANONYMISED
    with pytest.raises(DomainError):
        services.deanonymise(setup.stage, officer)
    report = queries.jury_report(setup.stage)
    assert report["ranking"][0]["remark"] == "Sterk forankring i behovet."


def test_report_cannot_be_approved_with_scorecards_missing(jury):
    _setup, _officer, entries, seats = jury
    for seat in seats:
        declare_all_clear(seat, entries)
    score(seats[0], entries[0], [5, 5, 5, 5])
    with pytest.raises(DomainError) as excinfo:
        services.approve_report(seats[0])
    assert excinfo.value.code == "incomplete"


def test_replacing_a_juror_needs_a_reason_and_a_fresh_declaration_r29(jury):
    setup, officer, entries, seats = jury
    newcomer = make_user(name="Ny jurymedlem")
    with pytest.raises(DomainError):
        services.replace(seats[1], newcomer, " ", officer)
    new_seat = services.replace(seats[1], newcomer, "Sykdom", officer)
    assert seats[1].replacement_reason == "Sykdom"
    assert services.can_see(new_seat, entries[0]) is False
    assert [s.id for s in queries.active_seats(setup.stage)] == [seats[0].id, seats[2].id, new_seat.id]


def test_an_officer_of_the_competition_cannot_be_seated_r28(jury):
    setup, officer, _entries, _seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.appoint(setup.stage, setup.officer, SeatRole.MEMBER, officer)
    assert excinfo.value.code == "officer"
    assert all(seat.user_id != setup.officer.id for seat in queries.active_seats(setup.stage))


def test_a_replaced_juror_cannot_become_the_functionary_r23(jury):
    setup, officer, _entries, seats = jury
    services.replace(seats[1], make_user(name="Ny"), "Sykdom", officer)
    with pytest.raises(DomainError) as excinfo:
        services.appoint_staff(setup.stage, seats[1].user, "functionary", officer)
    assert excinfo.value.code == "juror"


def test_ranking_uses_a_constant_number_of_queries(app, count_queries):
    small = make_jury_stage(entries=2, jurors=2)
    large = make_jury_stage(entries=8, jurors=4)
    counts = []
    for setup, _officer, entries, seats in (small, large):
        for seat in seats:
            declare_all_clear(seat, entries)
            for entry in entries:
                score(seat, entry, [5, 6, 7, 8])
        db.session.expire_all()
        with count_queries() as counter:
            ranking = queries.ranking(setup.stage)
        counts.append(counter.count)
        assert len(ranking) == len(entries)
    assert counts[0] == counts[1]


def test_an_officer_cannot_become_the_verifier_r49(jury):
    setup, officer, _entries, _seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.appoint_staff(setup.stage, officer.user, "verifier", officer)
    assert excinfo.value.code == "officer"
    outsider = make_user()
    assert services.appoint_staff(setup.stage, outsider, "verifier", officer).user_id == outsider.id


def test_a_juror_cannot_become_the_functionary_r23(jury):
    setup, officer, _entries, seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.appoint_staff(setup.stage, seats[0].user, "functionary", officer)
    assert excinfo.value.code == "juror"
    newcomer = make_user()
    staff = services.appoint_staff(setup.stage, newcomer, "functionary", officer)
    assert (staff.role, staff.user_id) == ("functionary", newcomer.id)
    with pytest.raises(DomainError):
        services.appoint(setup.stage, newcomer, SeatRole.MEMBER, officer)


def test_a_ruling_is_final_and_not_given_after_the_lock_r22_r27(jury):
    setup, officer, entries, seats = jury
    declare_all_clear(seats[2], entries, {entries[1].id: (Answer.IN_DOUBT, "Tidligere kollega")})
    declaration = queries.declaration(seats[2], entries[1])
    services.rule(declaration, officer, conflicted=False, reason="Over fem år siden")
    with pytest.raises(DomainError) as excinfo:
        services.rule(declaration, officer, conflicted=True, reason="Ombestemt")
    assert excinfo.value.code == "ruled"
    assert declaration.ruled_conflict is False

    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.IN_DOUBT, "Nabo")})
    setup.stage.state = StageState.RANKING_LOCKED
    with pytest.raises(DomainError) as excinfo:
        services.rule(queries.declaration(seats[1], entries[0]), officer, conflicted=True, reason="For sent")
    assert excinfo.value.code == "locked"


def test_a_conflicted_pair_never_counts_even_with_a_scorecard_r22(jury):
    _setup, officer, entries, seats = jury
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.IN_DOUBT, "Tidligere kollega")})
    services.rule(queries.declaration(seats[1], entries[0]), officer, conflicted=False, reason="Lenge siden")
    score(seats[0], entries[0], [4, 4, 4, 4])
    score(seats[1], entries[0], [10, 10, 10, 10])
    # A scorecard left behind by a conflict found later (e.g. data from before rulings were final).
    queries.declaration(seats[1], entries[0]).ruled_conflict = True
    db.session.flush()
    juror_totals, _tie = queries.totals(seats[0].stage)
    assert entries[0].id not in juror_totals.get(seats[1].id, {})
    first = next(r for r in queries.ranking(seats[0].stage) if r.entry == entries[0].id)
    assert first.total == 4.0


def test_an_entry_eligible_after_the_declaration_is_undeclared_then_added_r22(jury):
    _setup, _officer, entries, seats = jury
    entries[2].eligibility = Eligibility.PENDING
    declare_all_clear(seats[0], entries[:2])
    entries[2].eligibility = Eligibility.ELIGIBLE
    db.session.flush()
    grid = queries.cells(seats[0].stage)
    assert grid.status(seats[0].id, entries[2].id) == "undeclared"
    assert grid.status(seats[0].id, entries[0].id) == "missing"
    row = next(r for r in queries.progress(seats[0].stage)["jurors"] if r["seat"].id == seats[0].id)
    assert (row["missing"], row["undeclared"]) == (2, 1)
    assert services.can_see(seats[0], entries[2]) is False
    assert [e.id for e in services.undeclared_entries(seats[0])] == [entries[2].id]

    services.declare(seats[0], "", {entries[2].id: (Answer.NO_CONFLICT, "")})
    assert services.can_see(seats[0], entries[2]) is True
    assert seats[0].affiliations == "Ingen tilknytning"  # the first filing's answer stands
    with pytest.raises(DomainError) as excinfo:
        services.declare(seats[0], "", {entries[2].id: (Answer.CONFLICT, "Endret")})
    assert excinfo.value.code == "declared"


def test_declaring_is_refused_once_the_ranking_is_locked(jury):
    setup, _officer, entries, seats = jury
    setup.stage.state = StageState.RANKING_LOCKED
    with pytest.raises(DomainError) as excinfo:
        declare_all_clear(seats[0], entries)
    assert excinfo.value.code == "locked"


def test_scoring_opens_only_after_every_formal_check(jury):
    setup, officer, entries, _seats = jury
    setup.stage.state = StageState.FORMAL_CHECK
    entries[1].eligibility = Eligibility.PENDING
    with pytest.raises(DomainError) as excinfo:
        services.open_scoring(setup.stage, officer)
    assert excinfo.value.code == "formal_check"
    assert entries[1].code in str(excinfo.value.message)
    entries[1].eligibility = Eligibility.ELIGIBLE
    services.open_scoring(setup.stage, officer)
    assert setup.stage.state == StageState.JURY_SCORING

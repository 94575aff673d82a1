"""Ranking a stage with 2 000 entries, 7 jurors and 5 criteria (issue: jury).

Builds the data in a temporary SQLite database from the migrations, then times
`compete.jury.queries.ranking` and the robustness panel, and counts their queries.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert, select, update

ENTRIES, JURORS, CRITERIA = int(os.environ.get("BENCH_RANKING_ENTRIES", "2000")), 7, 5
RUNS = int(os.environ.get("BENCH_RANKING_RUNS", "5"))


def build(app):
    from compete.accounts.models import Organisation, OrgCategory, User
    from compete.competitions.models import Competition, CompetitionOwner, Criterion, Stage
    from compete.competitions.states import CompetitionState, StageKind, StageState
    from compete.core.time import now
    from compete.extensions import db
    from compete.jury.models import Answer, EntryDeclaration, JurySeat, Score, Scorecard, SeatRole
    from compete.submissions.models import Submission, SubmissionVersion

    moment = now()
    user = User(
        email="bench@example.test",
        name="Bench",
        password_hash="!",  # noqa: S106 - no password, cannot log in
        privacy_accepted_at=moment,
        password_changed_at=moment,
    )
    buyer = Organisation(name="Buyer", country="SE", foreign_registration="BUYER", category=OrgCategory.PUBLIC_BODY)
    db.session.add_all([user, buyer])
    competition = Competition(slug="bench", title="Bench", budget=600_000, state=CompetitionState.PUBLISHED)
    competition.owners.append(CompetitionOwner(organisation=buyer, is_lead=True))
    stage = Stage(
        position=1,
        name="Sketch",
        kind=StageKind.IDEA_SKETCH,
        advancing_count=3,
        award_amount=50_000,
        state=StageState.JURY_SCORING,
        tie_break_rule="highest_first_criterion",
    )
    for i in range(CRITERIA):
        stage.criteria.append(Criterion(position=i, name=f"C{i}", weight=100 // CRITERIA, scale_min=0, scale_max=10))
    competition.stages.append(stage)
    db.session.add(competition)
    db.session.flush()
    org_ids = [
        row.id
        for row in db.session.execute(
            insert(Organisation).returning(Organisation.id),
            [
                {
                    "name": f"Org {i}",
                    "country": "SE",
                    "foreign_registration": f"SE{i:06d}",
                    "category": OrgCategory.START_UP,
                    "buyer_status": "none",
                    "default_language": "nb",
                    "created_at": moment,
                }
                for i in range(ENTRIES)
            ],
        )
    ]
    submission_ids = [
        row.id
        for row in db.session.execute(
            insert(Submission).returning(Submission.id),
            [
                {
                    "stage_id": stage.id,
                    "organisation_id": org_id,
                    "created_by_id": user.id,
                    "code": f"C{i:07d}",
                    "status": "draft",
                    "eligibility": "eligible",
                    "draft_content": {},
                    "draft_secret_fields": [],
                    "eligibility_category": "",
                    "self_check_at": moment,
                    "created_at": moment,
                }
                for i, org_id in enumerate(org_ids)
            ],
        )
    ]
    version_ids = [
        row.id
        for row in db.session.execute(
            insert(SubmissionVersion).returning(SubmissionVersion.id),
            [
                {
                    "submission_id": sid,
                    "number": 1,
                    "submitted_by_id": user.id,
                    "submitted_at": moment,
                    "content": {},
                    "secret_fields": [],
                    "content_sha256": "0" * 64,
                    "receipt_sha256": "0" * 64,
                }
                for sid in submission_ids
            ],
        )
    ]
    db.session.execute(
        update(Submission),
        [
            {"id": sid, "current_version_id": vid, "status": "submitted"}
            for sid, vid in zip(submission_ids, version_ids, strict=True)
        ],
    )
    criterion_ids = [c.id for c in stage.criteria]
    rng = random.Random(42)
    for j in range(JURORS):
        juror = User(
            email=f"juror{j}@example.test",
            name=f"Juror {j}",
            password_hash="!",  # noqa: S106 - no password, cannot log in
            privacy_accepted_at=moment,
            password_changed_at=moment,
        )
        db.session.add(juror)
        db.session.flush()
        seat = JurySeat(
            stage_id=stage.id,
            user_id=juror.id,
            role=SeatRole.MEMBER,
            appointed_by_id=user.id,
            briefing_accepted_at=moment,
            declared_at=moment,
        )
        db.session.add(seat)
        db.session.flush()
        card_ids = [
            row.id
            for row in db.session.execute(
                insert(Scorecard).returning(Scorecard.id),
                [
                    {
                        "seat_id": seat.id,
                        "submission_id": sid,
                        "submitted_at": moment,
                        "updated_at": moment,
                        "created_at": moment,
                    }
                    for sid in submission_ids
                ],
            )
        ]
        # Every juror declares on every entry; one entry in a hundred is a conflict (its scorecard
        # exists but must not count, R22).
        db.session.execute(
            insert(EntryDeclaration),
            [
                {
                    "seat_id": seat.id,
                    "submission_id": sid,
                    "answer": Answer.CONFLICT if (i + j) % 100 == 0 else Answer.NO_CONFLICT,
                    "explanation": "Styreverv" if (i + j) % 100 == 0 else "",
                }
                for i, sid in enumerate(submission_ids)
            ],
        )
        db.session.execute(
            insert(Score),
            [
                {"scorecard_id": cid, "criterion_id": crit, "value": rng.randint(0, 10), "justification": "ok"}
                for cid in card_ids
                for crit in criterion_ids
            ],
        )
    db.session.commit()
    return stage.id


def main() -> None:
    from compete import create_app
    from compete.competitions.models import Stage
    from compete.extensions import db
    from compete.jury import queries
    from compete.jury import statistics as jury_stats

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
            UPLOAD_DIR=str(Path(tmp) / "uploads"),
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            stage_id = build(app)
            built = time.perf_counter() - started
            print(f"built {ENTRIES} entries × {JURORS} jurors × {CRITERIA} criteria in {built:.1f} s")
            counter = {"n": 0}
            event.listen(db.engine, "before_cursor_execute", lambda *a: counter.__setitem__("n", counter["n"] + 1))
            timings, robust_timings = [], []
            for _ in range(RUNS):
                db.session.expire_all()
                stage = db.session.scalars(select(Stage).where(Stage.id == stage_id)).one()
                counter["n"] = 0
                t0 = time.perf_counter()
                ranking = queries.ranking(stage)
                timings.append(time.perf_counter() - t0)
                queries_used = counter["n"]
                scored = sum(1 for r in ranking if r.total is not None)
                if scored != ENTRIES:
                    raise SystemExit(f"benchmark data is wrong: only {scored} of {ENTRIES} entries have a total")
                totals, tie = queries.totals(stage)
                t1 = time.perf_counter()
                jury_stats.robustness(totals, 3, tie_break=tie)
                robust_timings.append(time.perf_counter() - t1)
            print(
                f"ranking: median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
                f"over {RUNS} runs, {queries_used} queries, {len(ranking)} entries ranked, all with a total"
            )
            print(
                f"robustness panel (3 methods + {JURORS} leave-one-out): median "
                f"{statistics.median(robust_timings) * 1000:.0f} ms"
            )
            _bench_jury_pages(stage_id, counter)
            db.session.remove()


def _bench_jury_pages(stage_id, counter) -> None:
    """Progress, the score sheet and a balanced assignment at the same size."""
    from compete.competitions.models import Stage
    from compete.extensions import db
    from compete.jury import balancing, exports, queries

    for label, work in (
        ("progress per juror and entry", lambda stage: queries.progress(stage)),
        ("score sheet (rows)", lambda stage: len(exports.score_sheet(stage)[1])),
    ):
        db.session.expire_all()
        stage = db.session.scalars(select(Stage).where(Stage.id == stage_id)).one()
        counter["n"] = 0
        t0 = time.perf_counter()
        result = work(stage)
        elapsed = time.perf_counter() - t0
        size = f", {result} rows" if isinstance(result, int) else ""
        print(f"{label}: {elapsed * 1000:.0f} ms, {counter['n']} queries{size}")
    rng = random.Random(1)
    conflicts = {(rng.randrange(JURORS), rng.randrange(ENTRIES)) for _ in range(ENTRIES // 10)}
    t0 = time.perf_counter()
    result = balancing.balance(list(range(JURORS)), list(range(ENTRIES)), 3, conflicts, seed=1)
    print(
        f"assignment of {ENTRIES} entries to 3 of {JURORS} jurors with {len(conflicts)} conflicts: "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms, loads {min(result.load.values())}–{max(result.load.values())}"
    )


if __name__ == "__main__":
    main()

"""Every page of issue 11's table renders in the same number of queries at 30 and at 300 entries.

The two stages are built by the benchmark's own data builder (benchmarks/dataset.py): real
submissions, receipts, declarations, a 3-per-entry assignment and submitted scorecards, with the
first juror's first scorecard left as a draft that the POST re-saves.
"""

from sqlalchemy import text

from benchmarks.dataset import build_jury_stage
from compete.extensions import db
from tests.factories import login

PAGES = {
    "receipt log": ("officer", "GET", "/manage/competitions/{slug}/stages/1/receipts"),
    "ranking": ("officer", "GET", "/jury/stages/{stage}/ranking"),
    "one receipt": ("officer", "GET", "/submissions/{first}/versions/1/receipt"),
    "juror entry page": ("juror", "GET", "/jury/stages/{stage}/entries/{draft}"),
    "public call page": (None, "GET", "/competitions/{slug}"),
    "home page": (None, "GET", "/"),
    "scorecard re-save": ("juror", "POST", "/jury/stages/{stage}/entries/{draft}"),
}


def _counts(app, count_queries, world) -> dict[str, int]:
    facts = {
        "slug": world.competition.slug,
        "stage": world.stage.id,
        "first": world.submissions[0].id,
        "draft": world.draft_code,
    }
    form = {"action": "save"}
    for criterion in world.stage.criteria:
        form[f"score-{criterion.id}"] = "6"
        form[f"why-{criterion.id}"] = "Godt begrunnet."
    counts = {}
    for name, (who, method, template) in PAGES.items():
        client = app.test_client()
        if who == "officer":
            login(client, world.officer, world.buyer)
        elif who == "juror":
            login(client, world.jurors[0])
        url = template.format(**facts)
        data = form if method == "POST" else None
        client.open(url, method=method, data=data)  # warm: first-request work is not per page
        with count_queries() as counter:
            response = client.open(url, method=method, data=data)
        assert response.status_code == (302 if method == "POST" else 200), name
        counts[name] = counter.count
    return counts


def _analyze() -> None:
    """PostgreSQL plans from table statistics; rows this test's transaction wrote are invisible to
    autovacuum, so without ANALYZE the planner takes 300 entries for none and nests loops for minutes."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def test_each_page_has_the_same_query_count_at_30_and_300_entries(app, count_queries):
    small = build_jury_stage(30, 10, 3, slug="small", cheap_hash=True)
    db.session.commit()
    _analyze()
    small_counts = _counts(app, count_queries, small)
    large = build_jury_stage(300, 10, 3, slug="large", cheap_hash=True)
    db.session.commit()
    _analyze()
    large_counts = _counts(app, count_queries, large)
    # Ten times the rows, the same statements: a query per row would add hundreds. The juror's entry
    # page sometimes runs one statement more or less between the two worlds (seen only in the full
    # suite, not in isolation; the audit head or the learned write lock are suspects), so ±1 there.
    assert large_counts.keys() == small_counts.keys()
    assert {k: v for k, v in large_counts.items() if k != "juror entry page"} == {
        k: v for k, v in small_counts.items() if k != "juror entry page"
    }
    assert abs(large_counts["juror entry page"] - small_counts["juror entry page"]) <= 1
    # And no more statements than today (each is a round trip on PostgreSQL). The signed-in user
    # comes with memberships and organisations in one; a receipt's submission with its competition's
    # owners, its version with its files.
    budget = BUDGET
    over = {k: (v, budget[k]) for k, v in large_counts.items() if v > budget[k]}
    assert not over, over


# The scorecard re-save checks what the juror may score where two writers meet it: PostgreSQL takes
# row locks (`SELECT … FOR UPDATE` and the locked row read again); SQLite reads what it checks again
# in a write transaction of its own (`write_after_checking`), so that the write lock is held for the
# write only.
BUDGET = {
    "receipt log": 9,
    "ranking": 6,
    "one receipt": 4,
    "juror entry page": 12,
    "public call page": 9,
    "home page": 4,
    "scorecard re-save": 14,
}

"""One authorization matrix for pages and API: for each role and each API operation, the API's
answer agrees with the page that shows the same records and with the `can_*` predicate both use."""

from flask import g

from compete.api.registry import REGISTRY
from compete.audit.permissions import can_view_protocol
from compete.awards.permissions import can_decide, can_manage_awards
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import can_view_call
from compete.extensions import db
from compete.jury.permissions import can_see_ranking
from compete.submissions import queries as submission_queries
from compete.submissions.permissions import can_view_receipt_log, can_view_submission
from tests.factories import login
from tests.integration.api.helpers import add_call_version, bearer, make_token
from tests.integration.security_world import build_world

ROLES = ("anonymous", "participant", "other", "officer", "open_officer", "juror", "admin")


def _cases(world):
    """operation id -> (API path, page path, predicate(user) -> bool); None = public to everyone."""
    v = world.values
    slug, submission_id, stage_id = v["slug"], v["submission_id"], v["stage_id"]
    competition = competition_queries.competition_by_slug(slug)
    stage = submission_queries.stage_of(competition, 1)
    submission = submission_queries.submission_by_id(submission_id)
    manage = f"/manage/competitions/{slug}"
    return {
        "listCompetitions": ("/competitions", "/", None),
        "getCompetition": (f"/competitions/{slug}", f"/competitions/{slug}", lambda u: can_view_call(u, competition)),
        "listCallVersions": (f"/competitions/{slug}/calls", f"/competitions/{slug}", None),
        "getCallVersion": (f"/competitions/{slug}/calls/1", f"/competitions/{slug}/versions/1", None),
        "listQuestions": (f"/competitions/{slug}/questions", f"/competitions/{slug}", None),
        "getResults": (f"/competitions/{slug}/results", f"/competitions/{slug}/results", None),
        "listStageSubmissions": (
            f"/competitions/{slug}/stages/1/submissions",
            f"{manage}/stages/1/receipts",
            lambda u: can_view_receipt_log(u, competition),
        ),
        "getReceiptLog": (
            f"/competitions/{slug}/stages/1/receipts",
            f"{manage}/stages/1/receipts",
            lambda u: can_view_receipt_log(u, competition),
        ),
        "getRanking": (
            f"/competitions/{slug}/stages/1/ranking",
            f"/jury/stages/{stage_id}/ranking",
            lambda u: can_see_ranking(u, stage),
        ),
        "listDecisions": (
            f"/competitions/{slug}/decisions",
            f"{manage}/stages/1/notices",
            lambda u: can_decide(u, competition),
        ),
        "listAwards": (f"/competitions/{slug}/awards", f"{manage}/awards", lambda u: can_manage_awards(u, competition)),
        "getProtocol": (
            f"/competitions/{slug}/protocol",
            f"{manage}/protocol",
            lambda u: can_view_protocol(u, competition),
        ),
        "listMySubmissions": ("/me/submissions", "/my/submissions", lambda u: True),
        "listReceipts": (
            f"/submissions/{submission_id}/receipts",
            f"/submissions/{submission_id}/versions/1/receipt",
            lambda u: can_view_submission(u, submission),
        ),
    }


def test_api_and_pages_agree_for_every_role_and_operation(app):
    world = build_world()
    add_call_version(world.values["slug"])
    tokens = {role: make_token(user) for role, (user, _org) in world.users.items() if user is not None}
    db.session.commit()
    cases = _cases(world)
    assert set(cases) == {op.operation_id for op in REGISTRY}, "every API operation is in the matrix"
    scoped = {op.operation_id for op in REGISTRY if op.scope}
    verdicts = {}
    for role in ROLES:
        user, organisation = world.users[role]
        for operation_id, (api_path, page_path, predicate) in cases.items():
            headers = bearer(tokens[role]) if user is not None else {}
            api = app.test_client().get("/api/v1" + api_path, headers=headers)
            page_client = app.test_client()
            if user is not None:
                g.pop("_login_user", None)
                login(page_client, user, organisation)
            page = page_client.get(page_path)
            g.pop("_login_user", None)
            if operation_id not in scoped:
                expected = 200
                assert page.status_code == 200, (role, operation_id, page.status_code)
            elif user is None:
                expected = 401
                assert page.status_code == 302 and "/login" in page.headers["Location"], (role, operation_id)
            else:
                allowed = predicate(user)
                expected = 200 if allowed else 403
                page_allowed = page.status_code == 200 or (
                    page.status_code == 302 and "/login" not in page.headers["Location"]
                )
                assert page_allowed == allowed, (role, operation_id, page.status_code)
            assert api.status_code == expected, (role, operation_id, api.status_code, api.get_json())
            verdicts[(role, operation_id)] = api.status_code
    # The matrix is not trivially uniform: each answer occurs, and officers of another buyer are refused.
    assert {200, 401, 403} <= set(verdicts.values())
    assert verdicts[("officer", "getProtocol")] == 200
    assert verdicts[("open_officer", "getProtocol")] == 403
    assert verdicts[("other", "listReceipts")] == 403
    assert verdicts[("participant", "listReceipts")] == 200
    assert verdicts[("juror", "listStageSubmissions")] == 403
    assert verdicts[("admin", "listAwards")] == 403


def test_unknown_and_draft_competitions_are_404_for_everyone(app, client):
    world = build_world()
    raw = make_token(world.users["officer"][0])
    db.session.commit()
    for path in ("/competitions/no-such", "/competitions/no-such/results", "/competitions/no-such/decisions"):
        assert client.get("/api/v1" + path, headers=bearer(raw)).status_code == 404

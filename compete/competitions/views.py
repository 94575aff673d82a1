"""Public pages: open competitions, the call page and its versions, calendar, following and questions."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.competitions import permissions, qa, queries
from compete.competitions.forms import ActionForm, QuestionForm
from compete.competitions.snapshot import TIE_BREAK_RULES, build_snapshot, call_view, diff, ics_calendar, next_deadline
from compete.competitions.states import CompetitionState, StagePhase
from compete.core import pagecache
from compete.core.errors import DomainError
from compete.core.markdown import render_markdown
from compete.core.time import now
from compete.extensions import db

bp = Blueprint("competitions", __name__)


@bp.get("/")
def index():
    key = pagecache.key_for("home")
    cached = pagecache.get(key)
    if cached is not None:
        return cached
    moment = now()
    competitions = queries.public_competitions()
    open_now, upcoming, other = [], [], []
    for competition in competitions:
        phases = [stage.phase(moment) for stage in competition.stages]
        if StagePhase.OPEN in phases:
            open_now.append(competition)
        elif phases and all(p == StagePhase.UPCOMING for p in phases):
            upcoming.append(competition)
        else:
            other.append(competition)
    body = render_template("competitions/index.html", open_now=open_now, upcoming=upcoming, other=other, now=moment)
    stages = [stage for competition in competitions for stage in competition.stages]
    pagecache.put(key, body, until=pagecache.next_boundary(stages, moment), moment=moment)
    return body


def _public_competition(slug: str):
    competition = queries.competition_by_slug(slug)
    if competition is None or competition.state == CompetitionState.DRAFT:
        abort(404)
    return competition


def _render_call(competition, version, versions, *, form=None):
    moment = now()
    snapshot = version.snapshot if version is not None else build_snapshot(competition)
    call = call_view(snapshot)
    previous = None
    if version is not None and version.number > 1:
        previous = next((v for v in versions if v.number == version.number - 1), None)
    changes = diff(previous.snapshot, version.snapshot) if previous else []
    latest = versions[-1] if versions else None
    return render_template(
        "competitions/call.html",
        competition=competition,
        call=call,
        version=version,
        latest=latest,
        versions=versions,
        changes=changes,
        background_html=render_markdown(call.background),
        live_stages={stage.position: stage for stage in competition.stages},
        next_deadline=next_deadline(call, moment),
        questions=queries.published_questions(competition),
        following=queries.is_following(competition, current_user),
        can_follow=permissions.can_follow(current_user, competition),
        can_ask=permissions.can_ask_question(current_user, competition),
        question_deadline=qa.question_deadline(competition, moment),
        question_form=form or QuestionForm(),
        tie_break=TIE_BREAK_RULES,
        action_form=ActionForm(),
        now=moment,
    )


@bp.get("/competitions/<slug>")
def call_page(slug: str):
    key = pagecache.key_for("call", slug)
    cached = pagecache.get(key)
    if cached is not None:
        return cached
    competition = _public_competition(slug)
    versions = queries.versions_of(competition)
    moment = now()
    body = _render_call(competition, versions[-1] if versions else None, versions)
    pagecache.put(key, body, until=pagecache.next_boundary(competition.stages, moment), moment=moment)
    return body


@bp.get("/competitions/<slug>/versions/<int:number>")
def call_version(slug: str, number: int):
    competition = _public_competition(slug)
    versions = queries.versions_of(competition)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        abort(404)
    return _render_call(competition, version, versions)


@bp.get("/competitions/<slug>/calendar.ics")
def calendar(slug: str):
    competition = _public_competition(slug)
    versions = queries.versions_of(competition)
    call = call_view(versions[-1].snapshot if versions else build_snapshot(competition))
    body = ics_calendar(
        competition.slug,
        call.title,
        call,
        stamp=now(),
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        language=str(get_locale() or "nb"),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{competition.slug}.ics"'},
    )


@bp.post("/competitions/<slug>/follow")
@login_required
def follow(slug: str):
    competition = _public_competition(slug)
    if not permissions.can_follow(current_user, competition):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    organisation = permissions.participant_organisation(current_user, session.get("org_id"))
    qa.follow(competition, current_user, organisation)
    db.session.commit()
    flash(_("You follow this competition and will be told about amendments and answers."), "success")
    return redirect(url_for("competitions.call_page", slug=slug))


@bp.post("/competitions/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    competition = _public_competition(slug)
    if not permissions.can_follow(current_user, competition):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    organisation = permissions.participant_organisation(current_user, session.get("org_id"))
    qa.unfollow(competition, current_user, organisation)
    db.session.commit()
    flash(_("You no longer follow this competition."), "success")
    return redirect(url_for("competitions.call_page", slug=slug))


@bp.post("/competitions/<slug>/questions")
@login_required
def ask(slug: str):
    competition = _public_competition(slug)
    if not permissions.can_ask_question(current_user, competition):
        abort(403)
    form = QuestionForm()
    versions = queries.versions_of(competition)
    if not form.validate_on_submit():
        return _render_call(competition, versions[-1] if versions else None, versions, form=form), 400
    organisation = permissions.participant_organisation(current_user, session.get("org_id"))
    try:
        qa.ask_question(competition, current_user, organisation, form.body.data)
    except DomainError as exc:
        db.session.rollback()
        form.body.errors.append(str(exc.message))
        return _render_call(competition, versions[-1] if versions else None, versions, form=form), 400
    db.session.commit()
    flash(_("Your question was sent. The answer will be published on this page for everyone."), "success")
    return redirect(url_for("competitions.call_page", slug=slug))


from compete.competitions import manage  # noqa: E402, F401 - registers the officer routes on bp

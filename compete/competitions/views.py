"""Public pages: open competitions and the call page."""

from flask import Blueprint, abort, render_template

from compete.competitions import queries
from compete.competitions.states import CompetitionState, StagePhase
from compete.core.markdown import render_markdown
from compete.core.time import now

bp = Blueprint("competitions", __name__)


@bp.get("/")
def index():
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
    return render_template("competitions/index.html", open_now=open_now, upcoming=upcoming, other=other, now=moment)


@bp.get("/competitions/<slug>")
def call_page(slug: str):
    competition = queries.competition_by_slug(slug)
    if competition is None or competition.state == CompetitionState.DRAFT:
        abort(404)
    return render_template(
        "competitions/call.html",
        competition=competition,
        background_html=render_markdown(competition.background),
        now=now(),
    )

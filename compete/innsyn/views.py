"""Innsyn pages: the public request form, the officers' register, one request (prepare, preview,
release), and the requester's signed download link."""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.accounts.tokens import InvalidToken, read_token
from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.core.errors import DomainError
from compete.core.time import oslo_to_utc
from compete.extensions import db
from compete.innsyn import package, permissions, queries, services
from compete.innsyn.forms import PrepareForm, PublicRequestForm, RegisterForm, ReleaseForm
from compete.innsyn.models import InnsynStatus
from compete.storage.downloads import send_stored

bp = Blueprint("innsyn", __name__)
bp.add_app_template_global(permissions.can_request_innsyn, "can_request_innsyn")
BASE = "/manage/competitions/<slug>/innsyn"


def _locale() -> str:
    return str(get_locale() or "nb")


def _or_404(value):
    if value is None:
        abort(404)
    return value


def _competition(slug: str):
    competition = _or_404(competition_queries.competition_by_slug(slug))
    if not permissions.can_handle_innsyn(current_user, competition):
        abort(403)
    return competition


def _officer(competition) -> Actor:
    return Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")


def _refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")


@bp.route("/competitions/<slug>/innsyn", methods=["GET", "POST"])
def public_request(slug: str):
    competition = _or_404(competition_queries.competition_by_slug(slug))
    if not permissions.can_request_innsyn(competition):
        abort(404)
    form = PublicRequestForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_public_request(
                competition,
                name=form.name.data,
                email=form.email.data,
                subject=form.subject.data,
                language=_locale(),
                client=request.remote_addr or "unknown",
            )
        except services.RateLimited as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = 429
        except DomainError as exc:
            _refused(exc)
            status = 400
        else:
            db.session.commit()
            flash(_("Your request is registered. You will get an answer by e-mail."), "success")
            return redirect(url_for("competitions.call_page", slug=slug))
    elif request.method == "POST":
        status = 400
    return render_template("innsyn/public_request.html", competition=competition, form=form), status


def _utc_day(day, clock: time):
    return oslo_to_utc(datetime.combine(day, clock)) if day else None


@bp.route(BASE, methods=["GET", "POST"])
@login_required
def register(slug: str):
    competition = _competition(slug)
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.register_request(
                competition,
                _officer(competition),
                name=form.name.data,
                email=form.email.data,
                subject=form.subject.data,
                received_at=_utc_day(form.received_on.data, time(12, 0)),
                deadline_at=_utc_day(form.deadline_on.data, time(23, 59)),
                language=competition.default_language,
            )
        except DomainError as exc:
            _refused(exc)
            status = 400
        else:
            db.session.commit()
            flash(_("The request is registered."), "success")
            return redirect(url_for("innsyn.request_page", slug=slug, request_id=created.id))
    elif request.method == "POST":
        status = 400
    rows = queries.register(competition)
    return render_template("innsyn/register.html", competition=competition, rows=rows, form=form), status


def _request(competition, request_id: int):
    return _or_404(queries.request_of(competition, request_id))


@bp.route(f"{BASE}/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_page(slug: str, request_id: int):
    competition = _competition(slug)
    innsyn = _request(competition, request_id)
    scope = innsyn.scope or {}
    form = PrepareForm(data={k: scope.get(k, True) for k in ("call", "qa", "protocol")} if scope else None)
    candidates = queries.candidates(competition)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            ids = [int(v) for v in request.form.getlist("submission")]
        except ValueError:
            abort(400)
        reasons = {k[len("reason-") :]: v for k, v in request.form.items() if k.startswith("reason-")}
        extra = {
            k[len("redact-") :]: request.form.get("reason-" + k[len("redact-") :], "")
            for k in request.form
            if k.startswith("redact-")
        }
        try:
            services.prepare_package(
                innsyn,
                _officer(competition),
                submission_ids=ids,
                call=form.call.data,
                qa=form.qa.data,
                protocol=form.protocol.data,
                reasons=reasons,
                extra=extra,
            )
        except DomainError as exc:
            _refused(exc)
            status = 400
        else:
            db.session.commit()
            flash(_("The package is prepared. Check the preview before you release it."), "success")
            return redirect(url_for("innsyn.preview", slug=slug, request_id=innsyn.id))
    elif request.method == "POST":
        status = 400
    decisions = {(r.version_id, r.target): r for r in innsyn.redactions}
    return render_template(
        "innsyn/request.html",
        competition=competition,
        innsyn=innsyn,
        form=form,
        candidates=candidates,
        chosen=set(scope.get("submissions") or []),
        decisions=decisions,
        field_target=package.field_target,
        file_target=package.file_target,
        default_reason=services.default_reason(),
    ), status


@bp.get(f"{BASE}/<int:request_id>/preview")
@login_required
def preview(slug: str, request_id: int):
    competition = _competition(slug)
    innsyn = _request(competition, request_id)
    if innsyn.status == InnsynStatus.RECEIVED:
        flash(_("Choose what the package holds first."), "error")
        return redirect(url_for("innsyn.request_page", slug=slug, request_id=request_id))
    return render_template(
        "innsyn/preview.html",
        competition=competition,
        innsyn=innsyn,
        package=package.view(innsyn),
        release_form=ReleaseForm(),
    )


@bp.post(f"{BASE}/<int:request_id>/release")
@login_required
def release(slug: str, request_id: int):
    competition = _competition(slug)
    innsyn = _request(competition, request_id)
    if not ReleaseForm().validate_on_submit():
        abort(400)
    try:
        services.release(innsyn, _officer(competition))
    except DomainError as exc:
        _refused(exc)
        return redirect(url_for("innsyn.request_page", slug=slug, request_id=request_id))
    db.session.commit()
    flash(_("The package is released and the requester has been sent a download link."), "success")
    return redirect(url_for("innsyn.register", slug=slug))


def _send_package(innsyn):
    name = f"innsyn-{innsyn.competition.slug}-{innsyn.id}.zip"
    return send_stored(innsyn.package_key, name, "application/zip", innsyn.package_size)


@bp.get(f"{BASE}/<int:request_id>/package.zip")
@login_required
def officer_download(slug: str, request_id: int):
    competition = _competition(slug)
    innsyn = _request(competition, request_id)
    if innsyn.status != InnsynStatus.RELEASED:
        abort(404)
    return _send_package(innsyn)


@bp.get("/innsyn/<token>/package.zip")
def download(token: str):
    """The requester's link from the e-mail: signed, expiring, no account needed."""
    max_age = current_app.config["INNSYN_LINK_MAX_AGE_DAYS"] * 24 * 3600
    try:
        request_id = read_token(services.TOKEN_PURPOSE, token, max_age)
    except InvalidToken:
        abort(404)
    innsyn = queries.request_by_id(request_id) if isinstance(request_id, int) else None
    if innsyn is None or innsyn.status != InnsynStatus.RELEASED:
        abort(404)
    return _send_package(innsyn)

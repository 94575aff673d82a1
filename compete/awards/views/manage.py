"""Officers: the decision, the letters and their sending, the complaint register, the awards."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from compete.awards import permissions, queries, services
from compete.awards.forms import AwardActionForm, DecisionForm, EmptyForm, ResponseForm
from compete.awards.gate import agreement_blocked
from compete.awards.models import Complaint
from compete.awards.states import ACTIONS, next_actions
from compete.awards.views import MANAGE, _officer, _officer_competition, _refused, _stage, bp
from compete.competitions.states import StageState
from compete.core import exports
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.extensions import db
from compete.jury import services as jury_services


def _locale() -> str:
    return str(get_locale() or "nb")


def _decision_page(competition, stage, form, *, chosen=None, status=200):
    decision = services.decision_for(stage)
    ranked = services.ranking(stage) if stage.state in (StageState.RANKING_LOCKED, StageState.DEANONYMISED) else []
    entries = {s.id: s for s in services.participants(stage)}
    proposed = services.proposal(stage, ranked) if ranked else []
    remarks = queries.remarks_of(stage)
    return (
        render_template(
            "awards/decision.html",
            competition=competition,
            stage=stage,
            decision=decision,
            ranked=ranked,
            entries=entries,
            remarks=remarks,
            chosen=set(proposed if chosen is None else chosen),
            announced=services.announced_count(stage),
            final=services.is_final(stage),
            names_visible=services.names_visible(stage),
            anonymous_locked=stage.anonymous and stage.state == StageState.RANKING_LOCKED,
            form=form,
        ),
        status,
    )


@bp.route(f"{MANAGE}/stages/<int:position>/decision", methods=["GET", "POST"])
@login_required
def decision(slug: str, position: int):
    competition = _officer_competition(slug, permissions.can_decide)
    stage = _stage(competition, position)
    form = DecisionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _decision_page(competition, stage, form, status=400)
        chosen = [int(v) for v in request.form.getlist("selected") if v.isdigit()]
        try:
            services.record_decision(
                stage,
                _officer(competition),
                chosen,
                deviation_reasons=form.deviation_reasons.data or "",
                fewer_reason=form.fewer_reason.data or "",
            )
        except DomainError as exc:
            _refused(exc)
            return _decision_page(competition, stage, form, chosen=chosen, status=422)
        letters = len(services.build_letters(services.decision_for(stage)))
        db.session.commit()
        flash(
            _(
                "The decision is recorded; %(count)s letters are ready for review. Send them to every participant "
                "at the same moment when you have read them.",
                count=letters,
            ),
            "success",
        )
        return redirect(url_for("awards.notices", slug=slug, position=position))
    return _decision_page(competition, stage, form)


@bp.post(f"{MANAGE}/stages/<int:position>/decision/deanonymise")
@login_required
def deanonymise(slug: str, position: int):
    """De-anonymise the locked ranking from the decision page, once and logged (R30), after the
    officer confirms it."""
    competition = _officer_competition(slug, permissions.can_decide)
    stage = _stage(competition, position)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the de-anonymisation."), "error")
        return redirect(url_for("awards.decision", slug=slug, position=position))
    try:
        jury_services.deanonymise(stage, _officer(competition))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(
            _("The ranking is de-anonymised and the event is logged. The participants' names are shown below."),
            "success",
        )
    return redirect(url_for("awards.decision", slug=slug, position=position))


@bp.get(f"{MANAGE}/stages/<int:position>/notices")
@login_required
def notices(slug: str, position: int):
    competition = _officer_competition(slug, permissions.can_decide)
    stage = _stage(competition, position)
    decision = services.decision_for(stage)
    if decision is None:
        flash(_("Record the decision first."), "info")
        return redirect(url_for("awards.decision", slug=slug, position=position))
    sent = decision.notices_sent_at is not None
    return render_template(
        "awards/notices.html",
        competition=competition,
        stage=stage,
        decision=decision,
        rows=queries.notices_of(decision) if sent else [],
        letters=[] if sent else [(s, services.hydrate(letter)) for s, letter in services.build_letters(decision)],
        form=EmptyForm(),
    )


@bp.post(f"{MANAGE}/stages/<int:position>/notices/send")
@login_required
def send_notices(slug: str, position: int):
    competition = _officer_competition(slug, permissions.can_decide)
    stage = _stage(competition, position)
    decision = services.decision_for(stage)
    if decision is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = services.send_notices(decision, _officer(competition))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("%(count)s letters were sent. The standstill period has started.", count=len(sent)), "success")
    return redirect(url_for("awards.notices", slug=slug, position=position))


@bp.get(f"{MANAGE}/complaints")
@login_required
def complaints(slug: str):
    competition = _officer_competition(slug, permissions.can_view_complaints)
    return render_template(
        "awards/complaints.html",
        competition=competition,
        complaints=queries.complaints_of(competition),
        form=ResponseForm(),
    )


@bp.get(f"{MANAGE}/complaints.csv")
@login_required
def complaints_csv(slug: str):
    competition = _officer_competition(slug, permissions.can_view_complaints)
    header = [
        "id",
        "stage",
        "received_utc",
        "organisation",
        "orgnr",
        "submitted_by",
        "text",
        "responded_utc",
        "responded_by",
        "response",
    ]
    rows = (
        [
            c.id,
            c.decision.stage.position,
            format_iso(c.received_at),
            c.organisation.name if c.organisation else "",
            (c.organisation.orgnr or "") if c.organisation else "",
            c.submitted_by.email if c.submitted_by else "",
            c.text,
            format_iso(c.responded_at) if c.responded_at else "",
            c.responded_by.email if c.responded_by else "",
            c.response or "",
        ]
        for c in queries.complaints_of(competition)
    )
    return exports.csv_response(header, rows, f"complaints-{competition.slug}.csv")


@bp.post(f"{MANAGE}/complaints/<int:complaint_id>/response")
@login_required
def respond(slug: str, complaint_id: int):
    competition = _officer_competition(slug, permissions.can_view_complaints)
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.decision.stage.competition_id != competition.id:
        abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(_("Write the response to the complaint."), "error")
    else:
        try:
            services.respond(complaint, _officer(competition), form.response.data)
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("The response was recorded and sent to the complainant."), "success")
    return redirect(url_for("awards.complaints", slug=slug))


@bp.get(f"{MANAGE}/awards")
@login_required
def awards(slug: str):
    competition = _officer_competition(slug, permissions.can_manage_awards)
    rows = queries.awards_of(competition)
    stages = {a.stage_id: a.stage for a in rows}
    return render_template(
        "awards/awards.html",
        competition=competition,
        awards=rows,
        due={a.id: services.due_at(a) for a in rows},
        actions={a.id: next_actions(a.state) for a in rows},
        blocked={stage_id: agreement_blocked(stage, _locale()) for stage_id, stage in stages.items()},
        form=AwardActionForm(),
    )


@bp.post(f"{MANAGE}/awards/<int:award_id>/<action>")
@login_required
def award_action(slug: str, award_id: int, action: str):
    competition = _officer_competition(slug, permissions.can_manage_awards)
    award = queries.award_of(competition, award_id)
    if award is None or action not in ACTIONS:
        abort(404)
    form = AwardActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.transition_award(
            award,
            ACTIONS[action],
            _officer(competition),
            invoice_reference=form.invoice_reference.data,
            reason=form.reason.data,
            locale=_locale(),
        )
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The award was updated."), "success")
    return redirect(url_for("awards.awards", slug=slug))

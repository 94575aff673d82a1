"""The officer's notices pages: settings, the notices that can be generated, one notice (preview,
validation result, download, Doffin reference)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.core.errors import DomainError
from compete.extensions import db
from compete.notices import messages, permissions, queries, services
from compete.notices.codes import WHOLE_COUNTRY
from compete.notices.forms import AddressForm, GenerateForm, PublishedForm, ReviewBodyForm, SettingsForm
from compete.notices.models import KIND_CONTEST, KIND_RESULT
from compete.notices.summary import summarise

bp = Blueprint("notices", __name__)
bp.add_app_template_global(permissions.can_manage_notices, "can_manage_notices")
BASE = "/manage/competitions/<slug>/notices"

KIND_NAMES = {
    KIND_CONTEST: "Design contest notice (subtype 23)",
    KIND_RESULT: "Design contest result notice (subtype 36)",
}


def _competition(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    if not permissions.can_manage_notices(current_user, competition):
        abort(403)
    return competition


def _officer(competition) -> Actor:
    return Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")


def _notice(competition, notice_id: int):
    notice = queries.notice_of(competition, notice_id)
    if notice is None:
        abort(404)
    return notice


@bp.route(BASE)
@login_required
def index(slug: str):
    competition = _competition(slug)
    notices = queries.notices_of(competition)
    offers = queries.offers(competition, notices, queries.latest_call_version(competition))
    return render_template(
        "notices/index.html",
        competition=competition,
        settings=queries.settings_of(competition),
        notices=notices,
        offers=offers,
        form=GenerateForm(),
    )


def _address_forms(competition, settings, formdata):
    forms = []
    for owner in competition.owners:
        org = owner.organisation
        saved = (settings.addresses if settings else {}).get(str(org.id), {})
        forms.append((org, AddressForm(formdata, prefix=f"org{org.id}", data=saved)))
    decision = queries.final_decision(competition)
    owner_ids = {owner.organisation_id for owner in competition.owners}
    for org, _code in queries.winners_of(decision) if decision else []:
        if org.id not in owner_ids:
            saved = (settings.addresses if settings else {}).get(str(org.id), {})
            forms.append((org, AddressForm(formdata, prefix=f"org{org.id}", data=saved)))
    return forms


REVIEW_BODY_DEFAULT = {
    "name": "Klagenemnda for offentlige anskaffelser (KOFA)",
    "orgnr": "984195796",
    "street": "Postboks 511 Sentrum",
    "postal_code": "5805",
    "city": "Bergen",
    "nuts": "NO0A2",
    "email": "post@kofa.no",
    "phone": "+47 55 59 75 00",
}


@bp.route(f"{BASE}/settings", methods=["GET", "POST"])
@login_required
def settings_page(slug: str):
    competition = _competition(slug)
    settings = queries.settings_of(competition)
    formdata = request.form if request.method == "POST" else None
    data = (
        {
            "cpv_codes": settings.cpv_codes,
            "nuts_code": settings.nuts_code,
            "buyer_legal_type": settings.buyer_legal_type,
            "buyer_activity": settings.buyer_activity,
            "title_en": settings.title_en,
            "description_en": settings.description_en,
        }
        if settings
        else {"nuts_code": WHOLE_COUNTRY}
    )
    form = SettingsForm(formdata=formdata, data=data)
    review = ReviewBodyForm(formdata, prefix="review", data=(settings.review_body if settings else REVIEW_BODY_DEFAULT))
    addresses = _address_forms(competition, settings, formdata)
    status = 200
    if request.method == "POST":
        valid = form.validate_on_submit()
        valid = review.validate() and valid
        checked = [address.validate() for _org, address in addresses]  # every block shows its errors
        valid = all(checked) and valid
        if valid:
            services.save_settings(
                competition,
                _officer(competition),
                {
                    "cpv_codes": form.cpv_codes.codes,
                    "nuts_code": form.nuts_code.data,
                    "buyer_legal_type": form.buyer_legal_type.data,
                    "buyer_activity": form.buyer_activity.data,
                    "title_en": form.title_en.data,
                    "description_en": form.description_en.data,
                    "addresses": {org.id: address.data for org, address in addresses},
                    "review_body": review.data,
                },
            )
            db.session.commit()
            flash(_("The notice settings are saved."), "success")
            return redirect(url_for("notices.index", slug=slug))
        status = 400
    return (
        render_template(
            "notices/settings.html", competition=competition, form=form, review=review, addresses=addresses
        ),
        status,
    )


@bp.route(f"{BASE}/generate", methods=["POST"])
@login_required
def generate(slug: str):
    competition = _competition(slug)
    form = GenerateForm()
    if not form.validate_on_submit():
        abort(400)
    notices = queries.notices_of(competition)
    offers = queries.offers(competition, notices, queries.latest_call_version(competition))
    change_of = int(form.change_of.data) if form.change_of.data else None
    offer = next(
        (o for o in offers if o.kind == form.kind.data and (o.change_of.id if o.change_of else None) == change_of), None
    )
    if offer is None:
        flash(_("This notice cannot be generated now."), "error")
        return redirect(url_for("notices.index", slug=slug)), 303
    try:
        notice = services.generate(
            competition,
            _officer(competition),
            offer.kind,
            documents_url=current_app.config["BASE_URL"].rstrip("/") + url_for("competitions.call_page", slug=slug),
            change_of=offer.change_of,
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("notices.index", slug=slug)), 303
    db.session.commit()
    flash(_("The notice is generated and is being validated."), "success")
    return redirect(url_for("notices.notice_page", slug=slug, eforms_id=notice.id)), 303


@bp.route(f"{BASE}/<int:eforms_id>", methods=["GET", "POST"])
@login_required
def notice_page(slug: str, eforms_id: int):
    competition = _competition(slug)
    notice = _notice(competition, eforms_id)
    form = PublishedForm(
        data={"doffin_reference": notice.doffin_reference, "published_on": notice.published_on}
        if notice.doffin_reference
        else None
    )
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.record_publication(
                    notice, _officer(competition), form.doffin_reference.data, form.published_on.data
                )
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "error")
                status = 400
            else:
                db.session.commit()
                flash(_("The Doffin reference is recorded."), "success")
                return redirect(url_for("notices.notice_page", slug=slug, eforms_id=notice.id)), 303
        else:
            status = 400
    failures = [
        {
            **f,
            "explanation": messages.explain(f["rule"], f["field"]),
            "term": messages.business_term(f["rule"], f["field"]),
        }
        for f in (notice.validation or {}).get("rules", [])
    ]
    return (
        render_template(
            "notices/notice.html",
            competition=competition,
            notice=notice,
            summary=summarise(notice.xml),
            failures=failures,
            xsd_errors=(notice.validation or {}).get("xsd", []),
            form=form,
        ),
        status,
    )


@bp.route(f"{BASE}/<int:eforms_id>/download")
@login_required
def download(slug: str, eforms_id: int):
    competition = _competition(slug)
    notice = _notice(competition, eforms_id)
    if notice.validated_at is None:
        flash(_("The notice is still being validated."), "error")
        return redirect(url_for("notices.notice_page", slug=slug, eforms_id=notice.id))
    services.record_download(notice, _officer(competition))
    db.session.commit()
    name = f"{notice.kind}-{competition.slug[:60]}-{notice.id}.xml"
    return Response(
        notice.xml.encode("utf-8"),
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

"""The procurement protocol (page, JSON, PDF) and the programme statistics, for officers."""

from __future__ import annotations

import hashlib
import json
import logging
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Blueprint, Response, abort, render_template, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from compete.audit import permissions, protocol
from compete.audit.charts import Bar, bar_chart
from compete.audit.rendering import display, parse_iso
from compete.audit.seals import seal_competition
from compete.audit.services import Actor, chain_of, heads, record_protocol_export, verify_chain
from compete.audit.statistics import competition_statistics, programme_statistics
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import buyer_organisations, officer_organisation
from compete.core.formatting import format_datetime, format_nok
from compete.core.time import now
from compete.extensions import db

bp = Blueprint("audit", __name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page otherwise

PREFIX = "/manage/competitions"


def _locale() -> str:
    return str(get_locale() or "nb")


def _load(slug: str, allowed):
    competition = competition_queries.competition_for_editing(slug)
    if competition is None:
        abort(404)
    if not allowed(current_user, competition):
        abort(403)
    return competition


def _actor(competition) -> Actor:
    return Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")


@bp.app_template_filter("decimal1")
def decimal1(value: Decimal | None) -> str:
    """14.5 -> "14,5" (nb, nn), "14.5" (en); None -> "–"."""
    if value is None:
        return "–"
    lang = _locale().split("_")[0]
    return format_decimal(value, format="#,##0.0", locale="en" if lang == "en" else lang)


@bp.app_template_filter("protocol_time")
def protocol_time(value: str | None) -> str:
    """An ISO 8601 UTC string from the protocol, shown in Europe/Oslo."""
    return "–" if not value else format_datetime(parse_iso(value), _locale())


def _footer_css() -> Markup:
    """CSS `content` for "Side 1 av 3" in the page's language."""
    text = _("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
    text = "".join(ch for ch in text if ch not in '"\\<>{};')  # a translation cannot break out of the string
    return Markup(  # noqa: S704 - CSS string built from the cleaned translation above
        '"' + text.replace("\x00", '" counter(page) "').replace("\x01", '" counter(pages) "') + '"'
    )


# --- protocol ------------------------------------------------------------------------------------


@bp.get(f"{PREFIX}/<slug>/protocol")
@login_required
def protocol_page(slug: str):
    competition = _load(slug, permissions.can_view_protocol)
    chain = verify_chain(chains=[chain_of(competition)])
    built = protocol.build(competition)
    return render_template(
        "audit/protocol.html",
        competition=competition,
        built=built,
        sections=display(built, _locale()),
        chain=chain,
    )


def _export(competition, fmt: str, body: bytes, content_type: str) -> Response:
    # The head the export shows goes to storage and to the officers before the export is logged.
    seal_competition(competition, "protocol")
    record_protocol_export(competition, _actor(competition), fmt, hashlib.sha256(body).hexdigest())
    db.session.commit()
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="protocol-{competition.slug}-{stamp}.{fmt}"'},
    )


@bp.get(f"{PREFIX}/<slug>/protocol.json")
@login_required
def protocol_json(slug: str):
    competition = _load(slug, permissions.can_view_protocol)
    body = json.dumps(protocol.build(competition), ensure_ascii=False, indent=2).encode()
    return _export(competition, "json", body, "application/json; charset=utf-8")


@bp.get(f"{PREFIX}/<slug>/protocol.pdf")
@login_required
def protocol_pdf(slug: str):
    from weasyprint import HTML

    competition = _load(slug, permissions.can_view_protocol)
    chain = verify_chain(chains=[chain_of(competition)])
    built = protocol.build(competition)
    html = render_template(
        "audit/protocol_pdf.html",
        competition=competition,
        built=built,
        sections=display(built, _locale()),
        chain=chain,
        head=heads([chain_of(competition)])[0],
        generated_at=parse_iso(built["generated_at"]),
        footer_css=_footer_css(),
    )
    return _export(competition, "pdf", HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"), "application/pdf")


# --- statistics ----------------------------------------------------------------------------------


def _category_name(name: str) -> str:
    return name or _("Not stated")


def _charts(stats) -> dict:
    locale = _locale()
    time_bars = [
        Bar(
            f"{s.position}. {s.name}",
            (s.window_days or 0, s.evaluation_days or 0),
            _("%(days)s days", days=decimal1(s.total_days if s.decided_at else s.window_days)),
        )
        for s in stats.stages
    ]
    category_bars = [
        Bar(_category_name(c.name), (c.count,), f"{c.count} ({decimal1(c.percent)} %)") for c in stats.categories
    ]
    payment_bars = [
        Bar(f"{s.position}. {s.name}", (s.paid,), format_nok(s.paid, locale)) for s in stats.stages if s.announced
    ]
    if not any(s.paid for s in stats.stages):
        payment_bars = []  # nothing paid yet: the table says so, a chart of zeros would not
    return {
        "time": bar_chart(
            _("Time per stage"),
            _("Days from opening to deadline (submission window) and from deadline to decision (evaluation)."),
            time_bars,
            [_("Submission window"), _("Evaluation")],
        ),
        "categories": bar_chart(
            _("Idea sketches by participant category"),
            _("Number of submitted idea sketches in the first stage per category the participants stated."),
            category_bars,
            [_("Sketches")],
        )
        if category_bars
        else None,
        "payments": bar_chart(_("Payments per stage"), _("Kroner paid per stage."), payment_bars, [_("Paid")])
        if payment_bars
        else None,
    }


@bp.get(f"{PREFIX}/<slug>/statistics")
@login_required
def statistics_page(slug: str):
    competition = _load(slug, permissions.can_view_statistics)
    stats = competition_statistics(competition)
    return render_template(
        "audit/statistics.html",
        competition=competition,
        stats=stats,
        charts=_charts(stats),
        category_name=_category_name,
    )


@bp.get("/manage/statistics")
@login_required
def programme_page():
    if not permissions.can_view_programme_statistics(current_user):
        abort(403)
    organisations = buyer_organisations(current_user)
    competitions = competition_queries.managed_competitions([o.id for o in organisations])
    stats = programme_statistics(competitions)
    bars = [Bar(_category_name(c.name), (c.count,), f"{c.count} ({decimal1(c.percent)} %)") for c in stats.categories]
    chart = (
        bar_chart(
            _("Idea sketches by participant category"),
            _("Number of submitted idea sketches in all competitions per category the participants stated."),
            bars,
            [_("Sketches")],
        )
        if bars
        else None
    )
    return render_template(
        "audit/programme.html",
        organisations=organisations,
        stats=stats,
        chart=chart,
        category_name=_category_name,
    )

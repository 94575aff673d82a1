"""Writes for the notices: the officer's settings, generating a notice, validating it, downloads and
the Doffin reference. Flush only; every step is audited."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from compete.accounts.models import Organisation, OrgCategory
from compete.audit.services import Actor, record
from compete.competitions.models import Competition
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notices import generator, queries
from compete.notices.codes import alpha3, is_eea
from compete.notices.models import KIND_CONTEST, KIND_RESULT, GeneratedNotice, NoticeSettings
from compete.notices.validation import validator, xsd_errors

ADDRESS_KEYS = ("street", "postal_code", "city", "nuts", "email", "phone")
REVIEW_BODY_KEYS = ("name", "orgnr", *ADDRESS_KEYS)


def save_settings(competition: Competition, actor: Actor, values: dict) -> NoticeSettings:
    """Create or update the competition's notice settings (CPV codes, NUTS, buyer type, addresses, review body)."""
    settings = queries.settings_of(competition)
    before = _settings_dict(settings) if settings else None
    if settings is None:
        settings = NoticeSettings(competition=competition, procedure_uuid=str(uuid.uuid4()))
        db.session.add(settings)
    settings.cpv_codes = " ".join(values["cpv_codes"])
    settings.nuts_code = values["nuts_code"]
    settings.buyer_legal_type = values["buyer_legal_type"]
    settings.buyer_activity = values["buyer_activity"]
    settings.addresses = {
        str(org_id): {key: (address.get(key) or "").strip() for key in ADDRESS_KEYS}
        for org_id, address in values["addresses"].items()
    }
    settings.review_body = {key: (values["review_body"].get(key) or "").strip() for key in REVIEW_BODY_KEYS}
    settings.title_en = (values.get("title_en") or "").strip()
    settings.description_en = (values.get("description_en") or "").strip()
    db.session.flush()
    record(
        actor,
        "notices.settings_saved",
        settings,
        competition=competition,
        before=before,
        after=_settings_dict(settings),
    )
    return settings


def _settings_dict(settings: NoticeSettings) -> dict:
    return {
        "cpv_codes": settings.cpv_codes,
        "nuts_code": settings.nuts_code,
        "buyer_legal_type": settings.buyer_legal_type,
        "buyer_activity": settings.buyer_activity,
        "addresses": settings.addresses,
        "review_body": settings.review_body,
    }


def _party(org: Organisation, settings: NoticeSettings, *, size: str = "") -> generator.Party:
    address = settings.addresses.get(str(org.id), {})
    return generator.Party(
        name=org.name,
        orgnr=org.orgnr or org.foreign_registration or str(org.id),
        country=alpha3(org.country),
        size=size,
        **{key: address.get(key, "") for key in ADDRESS_KEYS},
    )


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " NOK"


def notice_data(competition: Competition, settings: NoticeSettings, *, documents_url: str = "") -> generator.NoticeData:
    """Every value of the notice, from the competition, its stages and decisions, and the officer's settings."""
    review = settings.review_body
    stages = list(competition.stages)
    prizes = [
        generator.Prize(
            rank=index,
            amount=stage.award_amount,
            description=f"{stage.name}: {stage.advancing_count} x {_money(stage.award_amount)}",
        )
        for index, stage in enumerate((s for s in stages if s.award_amount > 0), start=1)
    ]
    return generator.NoticeData(
        notice_uuid=str(uuid.uuid4()),
        procedure_uuid=settings.procedure_uuid,
        issued_at=now(),
        title=settings.title_en or competition.title,
        description=settings.description_en or competition.summary or competition.title,
        buyers=[_party(owner.organisation, settings) for owner in competition.owners],
        buyer_legal_type=settings.buyer_legal_type,
        buyer_activity=settings.buyer_activity,
        review_body=generator.Party(
            name=review.get("name", ""),
            orgnr=review.get("orgnr", ""),
            **{key: review.get(key, "") for key in ADDRESS_KEYS},
        ),
        cpv_codes=[code.split("-")[0] for code in settings.cpv_list],
        nuts_code=settings.nuts_code,
        internal_id=competition.slug[:40],
        documents_url=documents_url,
        deadline=stages[0].deadline_at if stages else None,
        prizes=prizes,
        jury_binding=competition.jury_binding,
        follow_on_contract=competition.follow_on_contract,
    )


def _result_values(competition: Competition, settings: NoticeSettings, data: generator.NoticeData) -> None:
    decision = queries.final_decision(competition)
    if decision is None:
        raise DomainError(_l("The result notice needs the final decision."))
    paid = queries.paid_by_organisation(competition)
    paid_to = {org.id: amount for org, amount in paid}
    data.winners = [
        generator.Winner(party=_party(org, settings, size=_size(org)), paid=paid_to.get(org.id, 0), reference=code)
        for org, code in queries.winners_of(decision)
    ]
    entrants = queries.entrants_of(competition)
    data.entries_received = len(entrants)
    data.entries_sme = sum(1 for org in entrants if _size(org) == "sme")
    data.entries_no_eea = sum(1 for org in entrants if not is_eea(org.country))
    data.entries_other_eea = sum(1 for org in entrants if is_eea(org.country) and org.country != "NO")
    data.decided_at = decision.decided_at
    if paid:
        data.note = "Prizes and payments made: " + "; ".join(f"{org.name} {_money(amount)}" for org, amount in paid)


def _size(org: Organisation) -> str:
    """Compete's participants are small suppliers; only organisations registered as companies count as large."""
    return "large" if org.category == OrgCategory.COMPANY else "sme"


def generate(
    competition: Competition,
    actor: Actor,
    kind: str,
    *,
    documents_url: str,
    change_of: GeneratedNotice | None = None,
) -> GeneratedNotice:
    """Generate one notice and check it against the XSD now; the Schematron rules are checked by the
    worker (`validate_pending`), the notice shows "validating" until then."""
    settings = queries.settings_of(competition)
    if settings is None:
        raise DomainError(_l("Fill in the notice settings first."))
    data = notice_data(competition, settings, documents_url=documents_url)
    version = queries.latest_call_version(competition)
    if kind == KIND_RESULT:
        _result_values(competition, settings, data)
        xml = generator.result_notice(data)
    elif kind == KIND_CONTEST:
        if change_of is not None:
            if not change_of.doffin_reference:
                raise DomainError(_l("Only a notice published on Doffin can be changed."))
            data.changed_notice = f"{change_of.notice_uuid}-01"
            note = queries.change_note_of(competition, version) if version else ""
            data.change_description = note or f"The call was amended (version {version})."
        xml = generator.contest_notice(data)
    else:
        raise DomainError(_l("Unknown notice."))
    errors = xsd_errors(xml)
    moment = now()
    notice = GeneratedNotice(
        competition_id=competition.id,
        kind=kind,
        notice_uuid=data.notice_uuid,
        call_version=version,
        changes_notice_id=change_of.id if change_of is not None else None,
        xml=xml.decode("utf-8"),
        generated_at=moment,
        generated_by_id=actor.user.id,
    )
    if errors:
        notice.validation = {"xsd": errors, "rules": []}
        notice.is_valid = False
        notice.validated_at = moment
    db.session.add(notice)
    db.session.flush()
    record(
        actor,
        "notices.generated",
        notice,
        competition=competition,
        after={
            "kind": kind,
            "notice": notice.notice_uuid,
            "call_version": version,
            "changes": notice.changes_notice_id,
        },
    )
    return notice


def validate(notice: GeneratedNotice, cache_dir: Path) -> GeneratedNotice:
    """Run every Schematron rule on the notice and store the failed ones."""
    failures = validator(cache_dir).failures(notice.xml.encode("utf-8"))
    notice.validation = {"xsd": [], "rules": [f.as_dict() for f in failures if f.role != "WARN"]}
    notice.is_valid = not notice.validation["rules"]
    notice.validated_at = now()
    db.session.flush()
    return notice


def validate_pending(cache_dir: Path) -> int:
    """The worker's job: validate the notices that wait for the Schematron check."""
    pending = queries.pending_notices()
    for notice in pending:
        validate(notice, cache_dir)
    return len(pending)


def record_download(notice: GeneratedNotice, actor: Actor) -> None:
    record(actor, "notices.downloaded", notice, competition=notice.competition, after={"notice": notice.notice_uuid})


def record_publication(notice: GeneratedNotice, actor: Actor, reference: str, published_on: date) -> GeneratedNotice:
    """Note the Doffin reference and the publication date of a validated notice."""
    if not notice.is_valid:
        raise DomainError(_l("Only a notice that passed validation can be recorded as published."))
    before = {"doffin_reference": notice.doffin_reference, "published_on": notice.published_on}
    notice.doffin_reference = reference.strip()
    notice.published_on = published_on
    db.session.flush()
    record(
        actor,
        "notices.published",
        notice,
        competition=notice.competition,
        before=before,
        after={"doffin_reference": notice.doffin_reference, "published_on": published_on},
    )
    return notice

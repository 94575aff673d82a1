"""A world with one of everything a user can type, and a walk over every GET route of the URL map
for each role: used by the XSS test (payloads in every user text) and the header test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import JSON, Enum, String, Text, select, update

from compete.extensions import db

PAYLOAD = "<script>xss()</script>"

# Columns a person types (organisation, person, competition, stage, criterion, question, answer,
# sketch field, file name, complaint, remark, milestone, ...). Identifiers, e-mail addresses, hashes,
# storage keys and codes are not free text and stay as they are.
NOT_TEXT = re.compile(
    r"^(email|.*_email|slug|code|orgnr|.*_orgnr|key|slot_key|kind|role|language|default_language|country|"
    r"password_hash|.*sha256|.*storage_key|.*content_type|hash|prev_hash|ip|idempotency_key|status|state|"
    r"allowed_types|aggregation_method|tie_break_rule|target_type|target_id|actor_email|action|outcome|"
    r"eligibility_category|foreign_registration|contractor_registration|invoice_reference|subject|"
    r"body_text|body_html|last_error|session_token|request_id|.*_hash|.*token|.*_uuid|nuts_code|org_form_code|"
    r"buyer_legal_type|buyer_activity|prefix|provider)$"
)
SKIP_TABLES = {"audit_entries", "audit_head", "outbox_messages", "login_attempts", "late_attempts"}
JSON_TEXT = {"draft_content", "content", "descriptors"}


def inject_payloads() -> int:
    """Put PAYLOAD in front of every user-typed text in the database; returns the columns touched."""
    touched = 0
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        for column in table.columns:
            if isinstance(column.type, Enum) or NOT_TEXT.match(column.name):
                continue
            if isinstance(column.type, String | Text):
                db.session.execute(update(table).where(column.is_not(None)).values({column.name: PAYLOAD + column}))
                touched += 1
            elif isinstance(column.type, JSON) and column.name in JSON_TEXT:
                key = next(iter(table.primary_key.columns))
                for row_id, value in db.session.execute(select(key, column)).all():
                    if isinstance(value, dict):
                        new = {k: PAYLOAD + v if isinstance(v, str) else v for k, v in value.items()}
                        db.session.execute(update(table).where(key == row_id).values({column.name: new}))
                touched += 1
    db.session.commit()  # a request that rolls its session back must not take the payloads with it
    db.session.expire_all()
    return touched


@dataclass
class World:
    users: dict  # role -> (user, organisation | None)
    values: dict  # URL argument -> value
    extra_urls: list[str] = field(default_factory=list)


def build_world() -> World:
    """A ranked, decided stage with notices, a complaint, a published question, a clarification and
    remarks; a signed contract with milestones and an outcome; a draft with an attachment."""
    from compete.audit.services import Actor
    from compete.awards import services as award_services
    from compete.awards.models import Notice
    from compete.competitions import qa
    from compete.competitions.states import CompetitionState
    from compete.submissions import services as submission_services
    from tests.factories import make_competition, make_participant, make_user
    from tests.factories_awards import decide_and_notify, make_ranked_stage
    from tests.factories_contracts import add_outcome, make_contract, make_winner_setup
    from tests.factories_jury import clarification_through, declare_all_clear, make_jury_stage
    from tests.factories_submissions import GOOD_CONTENT
    from tests.factories_submissions import make_setup as make_open_setup

    world = make_ranked_stage(entries=3)
    decision = decide_and_notify(world)
    loser = world.entries[-1]
    award_services.register_complaint(decision, loser.created_by, loser.organisation, "Uenig i rangeringen.")
    jury_setup, _officer, jury_entries, jury_seats = make_jury_stage(entries=2, jurors=1)
    declare_all_clear(jury_seats[0], jury_entries)
    clarification = clarification_through(
        jury_seats[0], jury_entries[0], jury_setup.functionary, jury_entries[0].created_by, until="answered"
    )

    cs = make_winner_setup()
    contract, _ = make_contract(cs, sign=False)
    add_outcome(cs, contract)

    open_setup = make_open_setup()
    unpublished = make_competition(open_setup.buyer, state=CompetitionState.DRAFT)
    unpublished.stages[0].deadline_at = None  # the publish checklist names the stage
    question = qa.ask_question(open_setup.competition, open_setup.user, open_setup.organisation, "Kan vi søke?")
    open_officer = Actor(open_setup.officer, open_setup.buyer, "officer")
    qa.publish_answer(question, open_officer, answer="Ja.", public_body="Kan vi søke sammen?")
    draft = submission_services.start_submission(open_setup.stage, open_setup.user, open_setup.organisation, "")
    submission_services.save_draft(draft, open_setup.user, GOOD_CONTENT)
    attachment = submission_services.add_attachment(draft, open_setup.user, "sketch", "skisse.pdf", _pdf())

    from compete.innsyn import services as innsyn_services

    innsyn_request = innsyn_services.register_request(
        world.competition,
        world.officer,
        name="Journalist Jensen",
        email="jensen@avis.test",
        subject="Alle idéskisser og juryens protokoll",
    )

    from compete.notices import demo as notices_demo
    from compete.notices import services as notices_services

    db.session.add(notices_demo.settings_for(world.competition))
    eforms_notice = notices_services.generate(world.competition, world.officer, "cn-desg", documents_url="http://x/c")

    admin = make_user(is_admin=True)
    other_user, other_org = make_participant()
    entry = world.entries[0]
    notice = db.session.scalars(select(Notice).where(Notice.decision_id == decision.id)).first()
    db.session.commit()
    users = {
        "anonymous": (None, None),
        "admin": (admin, None),
        "officer": (world.setup.officer, world.setup.buyer),
        "functionary": (world.setup.functionary, None),
        "juror": (world.seats[0].user, None),
        "participant": (entry.created_by, entry.organisation),
        "drafter": (open_setup.user, open_setup.organisation),
        "contract_officer": (cs.officer, cs.buyer),
        "verifier": (cs.verifier, None),
        "other": (other_user, other_org),
        "scoring_juror": (jury_seats[0].user, None),
        "jury_functionary": (jury_setup.functionary, None),
        "answering_participant": (jury_entries[0].created_by, jury_entries[0].organisation),
        "open_officer": (open_setup.officer, open_setup.buyer),
    }
    values = {
        "slug": world.competition.slug,
        "position": 1,
        "number": 1,
        "stage_id": world.stage.id,
        "code": entry.code,
        "submission_id": entry.id,
        "attachment_id": attachment.id,
        "notice_id": notice.id,
        "org_id": entry.organisation_id,
        "contract_id": contract.id,
        "clarification_id": clarification.id,
        "claim_id": 1,
        "request_id": innsyn_request.id,
        "eforms_id": eforms_notice.id,
        "token": "not-a-token",
        "code_language": "en",
        "filename": "css/app.css",
    }
    extra = [
        f"/submissions/{draft.id}",
        f"/submissions/{draft.id}/files/{attachment.id}",
        f"/manage/competitions/{cs.competition.slug}/contract",
        f"/manage/competitions/{open_setup.competition.slug}/stages/1/receipts",
        f"/manage/competitions/{open_setup.competition.slug}/questions",
        f"/competitions/{open_setup.competition.slug}",
        f"/manage/competitions/{unpublished.slug}",
        f"/jury/stages/{jury_setup.stage.id}",
        f"/jury/stages/{jury_setup.stage.id}/entries/{jury_entries[0].code}",
        f"/manage/competitions/{jury_setup.competition.slug}/stages/1/clarifications",
        f"/manage/competitions/{jury_setup.competition.slug}/stages/1/jury",
        f"/manage/competitions/{world.competition.slug}/stages/1/clarifications",
    ]
    return World(users, values, extra)


def _pdf() -> bytes:
    from tests.factories_submissions import make_pdf

    return make_pdf()


def get_urls(app, values: dict) -> list[str]:
    """Every GET route of the URL map, its arguments filled from `values`."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        args = {}
        for name in rule.arguments:
            if name == "code" and rule.endpoint == "core.set_language":
                args[name] = values["code_language"]
            else:
                args[name] = values[name]
        path = rule.rule
        for name, value in args.items():
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
        urls.append(path)
    return urls

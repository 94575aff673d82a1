"""The awards' protocol sections (R42): decisions, notices with send times, complaints, awards."""

from datetime import timedelta

from sqlalchemy import select

from compete.audit import protocol
from compete.awards import services
from compete.awards.models import StageAward
from compete.awards.states import AwardState
from compete.core.time import frozen_at
from compete.extensions import db
from compete.notifications.services import send_pending
from tests.factories_awards import decide_and_notify, make_ranked_stage, submit_deliverable, treasurer


def test_sections_are_registered_in_order_with_iso_times_and_integer_amounts(app, smtp):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    complaint = services.register_complaint(decision, loser.created_by, loser.organisation, "Feil vekting.")
    db.session.commit()
    assert send_pending()[1] == 0  # receipts of the submissions and the four notices
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).first()
    with frozen_at(decision.standstill_ends_at + timedelta(days=1)):
        services.respond(complaint, world.officer, "Vektingen fulgte utlysningen.")
        submit_deliverable(world, award)
        for target in (AwardState.AGREEMENT_SIGNED, AwardState.DELIVERED, AwardState.ACCEPTED):
            services.transition_award(award, target, world.officer)
        services.transition_award(award, AwardState.PAYMENT_APPROVED, world.officer, invoice_reference="F-17")
        services.transition_award(award, AwardState.PAID, treasurer(world))

    built = protocol.build(world.competition)
    keys = [s["key"] for s in built["sections"]]
    assert [k for k in keys if k in ("decisions", "notices", "complaints", "awards")] == [
        "decisions",
        "notices",
        "complaints",
        "awards",
    ]
    sections = {s["key"]: s for s in built["sections"]}
    assert [s.order for s in protocol.sections() if s.key in sections and s.key in ("decisions", "awards")] == [70, 85]

    [row] = sections["decisions"]["rows"]
    assert row["stage"] == 1 and row["final"] is False and row["amount_each"] == 50_000
    assert [s["organisation"] for s in row["selected"]] == [e.organisation.name for e in world.entries[:3]]
    assert row["notices_sent_at"].endswith("Z") and row["standstill_ends_at"].endswith("Z")

    notices = sections["notices"]["rows"]
    assert len(notices) == 4
    assert all(n["sent_at"] and n["sent_at"].endswith("Z") and n["delivery"] == "sent" for n in notices)
    assert sorted(n["outcome"] for n in notices) == ["not_selected", "selected", "selected", "selected"]

    [c] = sections["complaints"]["rows"]
    assert (c["organisation"], c["text"], c["response"]) == (
        loser.organisation.name,
        "Feil vekting.",
        "Vektingen fulgte utlysningen.",
    )
    assert c["responded_at"].endswith("Z")

    awards = sections["awards"]["rows"]
    assert sorted((a["state"], a["amount"]) for a in awards) == [
        ("awarded", 50_000),
        ("awarded", 50_000),
        ("paid", 50_000),
    ]
    paid = next(a for a in awards if a["state"] == "paid")
    assert paid["invoice_reference"] == "F-17" and paid["recipient_orgnr"] == award.organisation.orgnr
    assert paid["approved_by"] == world.setup.officer.name and paid["paid_at"].endswith("Z")
    assert isinstance(paid["amount"], int)


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_every_key_and_code_of_the_awards_sections_has_a_bokmal_heading(app, smtp):
    """The rendered protocol is read by people: no raw keys ("decided at") or codes ("not_selected")."""
    from flask_babel import force_locale

    from compete.awards import protocol as awards_protocol

    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    services.register_complaint(decision, loser.created_by, loser.organisation, "Feil vekting.")
    db.session.commit()
    send_pending()
    rows = [
        *awards_protocol.decisions(world.competition),
        *awards_protocol.notices(world.competition),
        *awards_protocol.complaints(world.competition),
        *awards_protocol.awards(world.competition),
    ]
    protocol.load_providers()  # headings are shared: some keys are registered by other domains
    with app.test_request_context(), force_locale("nb"):
        raw = sorted({k for k in _keys(rows) if protocol.label(k) == k.replace("_", " ")})
        assert raw == []
        assert protocol.label("decided_at") == "Besluttet"
        notice = awards_protocol.notices(world.competition)[0]
        assert protocol.value_label("outcome", notice["outcome"]) in ("Valgt ut", "Ikke valgt ut")
        assert protocol.value_label("delivery", "sent") == "Sendt"
        assert protocol.value_label("kind", "winner") == "Vinnerens tildeling"

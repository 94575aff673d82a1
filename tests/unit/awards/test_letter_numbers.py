"""Numbers in decision letters follow the reader's language (R47, R48): "9,00" in bokmål and
nynorsk, "9.00" in English, in the e-mail and in the PDF."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from compete.awards.letters import letter_pdf
from compete.awards.models import Notice
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.factories_awards import decide_and_notify, make_ranked_stage


def test_letter_scores_use_the_recipients_decimal_sign(app):
    world = make_ranked_stage(entries=3)
    world.entries[1].created_by.language = "nn"
    world.entries[2].created_by.language = "en"
    decision = decide_and_notify(world)
    notices = {n.submission_id: n for n in db.session.scalars(select(Notice).where(Notice.decision_id == decision.id))}
    bodies = [db.session.get(OutboxMessage, notices[e.id].outbox_message_id).body_text for e in world.entries]
    totals = [notices[e.id].letter["total"] for e in world.entries]
    pdf = PdfReader(io.BytesIO(letter_pdf(notices[world.entries[0].id]))).pages[0].extract_text()

    assert totals == [9.0, 8.0, 7.0]
    assert ("9,00" in bodies[0], "9.00" in bodies[0]) == (True, False)
    assert ("8,00" in bodies[1], "8.00" in bodies[1]) == (True, False)
    assert ("7.00" in bodies[2], "7,00" in bodies[2]) == (True, False)
    assert ("9,00" in pdf, "9.00" in pdf) == (True, False)

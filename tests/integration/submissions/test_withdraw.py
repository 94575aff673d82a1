"""Withdrawing asks for confirmation and is confirmed by e-mail to every member (issue 12)."""

from sqlalchemy import select

from compete.accounts.models import Membership
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from compete.submissions.models import SubmissionStatus
from tests.factories import make_user
from tests.factories_competitions import login_as
from tests.factories_submissions import make_setup, make_submitted


def test_withdraw_asks_first_then_mails_every_member(client, app):
    s = make_setup()
    submission = make_submitted(s)
    colleague = make_user(name="Kollega")
    db.session.add(Membership(user=colleague, organisation=s.organisation))
    db.session.commit()
    login_as(client, s.user, s.organisation)

    edit = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert f'href="/submissions/{submission.id}/withdraw"' in edit
    confirm = client.get(f"/submissions/{submission.id}/withdraw")
    assert confirm.status_code == 200
    assert "Trekke innleveringen?" in confirm.get_data(as_text=True)
    db.session.refresh(submission)
    assert submission.status == SubmissionStatus.SUBMITTED  # asking changes nothing

    before = set(db.session.scalars(select(OutboxMessage.id)))
    response = client.post(f"/submissions/{submission.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(submission)
    assert submission.status == SubmissionStatus.WITHDRAWN
    sent = [m for m in db.session.scalars(select(OutboxMessage)) if m.id not in before]
    assert sorted((m.kind, m.recipient_email) for m in sent) == sorted(
        [("submissions/withdrawn", s.user.email), ("submissions/withdrawn", colleague.email)]
    )
    assert all(m.subject.startswith("Trukket: ") for m in sent)
    assert "trakk innleveringen" in sent[0].body_text

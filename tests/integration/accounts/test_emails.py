"""E-mails leave through the outbox and reach a real SMTP server intact, in the recipient's language."""

from datetime import UTC, datetime

import pytest

from compete.accounts import queries, services
from compete.notifications.services import send_pending
from tests.factories import make_org, make_user

T0 = datetime(2026, 6, 5, 10, 0, tzinfo=UTC)  # tokens carry a timestamp: freeze it to rebuild them


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "sentence"),
    [
        (
            "nb",
            "Noen prøvde å registrere seg med e-postadressen din",
            "Hei Åse Ærlig Øvrebø,",
            "Noen prøvde å opprette en ny konto på Compete med e-postadressen din.",
        ),
        (
            "nn",
            "Nokon prøvde å registrere seg med e-postadressa di",
            "Hei Åse Ærlig Øvrebø,",
            "Nokon prøvde å opprette ein ny konto på Compete med e-postadressa di.",
        ),
    ],
)
def test_registration_attempt_mail_in_recipients_language(app, smtp, language, subject, greeting, sentence):
    make_user("aase@example.test", name="Åse Ærlig Øvrebø", language=language)
    services.request_registration(
        "Someone", "aase@example.test", "twelve chars ok", language="en", ip="10.0.0.1", privacy_accepted=True
    )
    services.process_mail_requests()
    assert send_pending() == (1, 0)
    [message] = smtp.messages
    assert (message["To"], message["Subject"]) == ("aase@example.test", subject)
    text = body(message)
    assert text.startswith(greeting + "\n")
    assert sentence in text
    assert "http://127.0.0.1:5000/reset\n" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert greeting in html


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("nb", "Invitasjon til å bli med i Blåbærsyltetøy AS på Compete"),
        ("nn", "Invitasjon til å bli med i Blåbærsyltetøy AS på Compete"),
    ],
)
def test_invitation_mail_with_absolute_link(app, smtp, clock, language, subject):
    clock.set(T0)
    owner = make_user(name="Øystein Ås")
    org = make_org("Blåbærsyltetøy AS", owner=owner)
    make_user("guest@example.test", language=language)
    invitation = services.invite(owner, org, "guest@example.test")
    send_pending()
    [message] = smtp.messages
    assert message["Subject"] == subject
    text = body(message)
    assert f"http://127.0.0.1:5000/invitations/{services.invitation_token(invitation)}" in text
    assert "Øystein Ås" in text and "Blåbærsyltetøy AS" in text


def test_verification_and_reset_mails_in_nynorsk(app, smtp, clock):
    clock.set(T0)
    services.request_registration(
        "Ståle", "staale@example.test", "twelve chars ok", language="nn", ip="10.0.0.1", privacy_accepted=True
    )
    services.request_password_reset("staale@example.test", ip="10.0.0.1")
    assert services.process_mail_requests() == 2
    user = queries.user_by_email("staale@example.test")
    assert send_pending() == (2, 0)
    verify, reset = smtp.messages
    assert (verify["Subject"], reset["Subject"]) == (
        "Stadfest e-postadressa di for Compete",
        "Vel nytt passord for Compete",
    )
    assert f"http://127.0.0.1:5000/verify/{services.verification_token(user)}" in body(verify)
    assert f"http://127.0.0.1:5000/reset/{services.reset_token(user)}" in body(reset)
    assert "Hei Ståle," in body(reset)

"""Forms for innsyn: the public request, the officer's registration, preparing and releasing a package."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from compete.accounts.forms import EMAIL_PATTERN
from compete.core.i18n import lazy_gettext as _l
from compete.innsyn.services import MAX_EMAIL, MAX_NAME, MAX_SUBJECT


class PublicRequestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=MAX_NAME)])
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
            Length(max=MAX_EMAIL),
        ],
    )
    subject = TextAreaField(
        _l("What do you request access to?"),
        validators=[DataRequired(message=_l("Say which documents you ask for.")), Length(max=MAX_SUBJECT)],
    )


class RegisterForm(PublicRequestForm):
    name = StringField(
        _l("Requester's name"), validators=[DataRequired(message=_l("Enter the name.")), Length(max=MAX_NAME)]
    )
    subject = TextAreaField(
        _l("What is requested"),
        validators=[DataRequired(message=_l("Say which documents are asked for.")), Length(max=MAX_SUBJECT)],
    )
    received_on = DateField(_l("Received on (empty: today)"), validators=[Optional()])
    deadline_on = DateField(_l("Deadline (empty: the default)"), validators=[Optional()])


class PrepareForm(FlaskForm):
    """The entries and the redaction reasons are read from the posted checkboxes and text boxes."""

    call = BooleanField(_l("The call (latest version)"), default=True)
    qa = BooleanField(_l("Published questions and answers"), default=True)
    protocol = BooleanField(_l("The procurement protocol"), default=True)


class ReleaseForm(FlaskForm):
    pass

"""Forms for the first login through ID-porten and for a buyer's provider settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, URLField
from wtforms.validators import DataRequired, Length, Regexp

from compete.core.i18n import lazy_gettext as _l

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class FirstLoginForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    email = EmailField(
        _l("E-mail address"),
        description=_l("We send a link to this address. If it already has an account, the link connects the two."),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    privacy = BooleanField(
        _l("I have read the privacy notice"),
        validators=[DataRequired(message=_l("You must accept the privacy notice to register."))],
    )


class ProviderForm(FlaskForm):
    issuer = URLField(
        _l("Issuer"),
        description=_l(
            "The provider's issuer URL; its discovery document is at <issuer>/.well-known/openid-configuration."
        ),
        validators=[
            DataRequired(message=_l("Enter the issuer URL.")),
            Regexp(r"^https?://[^\s]+$", message=_l("Enter a URL that starts with https://.")),
            Length(max=500),
        ],
    )
    client_id = StringField(
        _l("Client id"), validators=[DataRequired(message=_l("Enter the client id.")), Length(max=255)]
    )
    client_secret = PasswordField(
        _l("Client secret"),
        description=_l("Stored encrypted. Leave it empty to keep the secret already stored."),
        validators=[Length(max=1000)],
    )
    scopes = StringField(
        _l("Scopes (separated by spaces)"), default="openid email profile", validators=[Length(max=255)]
    )
    enabled = BooleanField(_l("Staff can log in with this provider"), default=True)

"""The form for a new personal API token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from compete.core.i18n import lazy_gettext as _l

EXPIRY_CHOICES = [
    SelectChoice("30", _l("30 days")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("365", _l("1 year")),
    SelectChoice("never", _l("Never")),
]


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
        description=_l("What the token is for, e.g. the archive system."),
    )
    read_public = BooleanField(_l("read:public – open data (competitions, calls, Q&A, results)"), default=True)
    read_own = BooleanField(_l("read:own – your organisations' submissions and receipts"))
    read_officer = BooleanField(
        _l("read:officer – as an officer: submissions, receipt log, ranking, decisions, awards, protocol")
    )
    expires = SelectField(_l("Expires after"), choices=EXPIRY_CHOICES, default="90")

    def scopes(self) -> list[str]:
        chosen = [("read:public", self.read_public), ("read:own", self.read_own), ("read:officer", self.read_officer)]
        return [scope for scope, field in chosen if field.data]


class RevokeForm(FlaskForm):
    """Only the CSRF token."""

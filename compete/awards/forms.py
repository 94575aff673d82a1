"""Forms for decisions, complaints and awards."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from compete.core.i18n import lazy_gettext as _l


class EmptyForm(FlaskForm):
    pass


class DecisionForm(FlaskForm):
    """The selected entries come as the checkbox list `selected` (one per ranked entry)."""

    deviation_reasons = TextAreaField(
        _l("Reasons for deviating from the jury's ranking"),
        description=_l("Required when the selection does not follow the ranking of an advisory jury."),
        validators=[Optional(), Length(max=10_000)],
    )
    fewer_reason = TextAreaField(
        _l("Reason for selecting fewer than announced"),
        description=_l("Required when fewer are selected than the call announced."),
        validators=[Optional(), Length(max=10_000)],
    )


class ComplaintForm(FlaskForm):
    text = TextAreaField(
        _l("Your complaint"),
        description=_l("Say what in the decision you disagree with and why."),
        validators=[DataRequired(message=_l("Write what the complaint is about.")), Length(max=20_000)],
    )


class ResponseForm(FlaskForm):
    response = TextAreaField(
        _l("Response"),
        validators=[DataRequired(message=_l("Write the response to the complaint.")), Length(max=20_000)],
    )


class AwardActionForm(FlaskForm):
    invoice_reference = StringField(_l("Invoice reference"), validators=[Optional(), Length(max=100)])
    reason = TextAreaField(_l("Reason for rejecting the deliverable"), validators=[Optional(), Length(max=10_000)])


class PaymentControlForm(FlaskForm):
    four_eyes = HiddenField(validators=[DataRequired()])

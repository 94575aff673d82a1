"""Forms for the contract step (Flask-WTF, CSRF)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from compete.contracts.services.common import MAX_AMOUNT
from compete.core.forms import PlausibleDate
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_pgettext


class AmountField(StringField):
    """Whole kroner, accepting "50 000", "50 000 kr" and "50000" (R48), at most 2 000 000 000 kr."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            text = re.sub(r"[\s\u00a0]|kr\.?$|^NOK", "", valuelist[0].strip(), flags=re.IGNORECASE)
            if not text.isdigit():
                raise ValueError(_l("Write a whole number of kroner, for example 50 000."))
            if int(text) > MAX_AMOUNT:
                raise ValueError(_l("Write an amount of at most 2 000 000 000 kr."))
            self.data = int(text)

    def _value(self):
        return "" if self.data is None else str(self.data)


class EmptyForm(FlaskForm):
    pass


class ContractForm(FlaskForm):
    ceiling = AmountField(_l("Ceiling (kroner)"), validators=[InputRequired()])


class MilestoneForm(FlaskForm):
    description = TextAreaField(_l("Deliverable"), validators=[DataRequired()])
    amount = AmountField(_l("Amount (kroner)"), validators=[InputRequired()])
    due_on = DateField(_l("Due date"), validators=[InputRequired(), PlausibleDate()])


class OutcomeForm(FlaskForm):
    definition = TextAreaField(_l("Definition of the outcome"), validators=[DataRequired()])
    target_cohort = TextAreaField(_l("Target cohort"), validators=[DataRequired()])
    measure = StringField(_l("Measure"), validators=[DataRequired()])
    threshold = StringField(_l("Threshold"), validators=[DataRequired()])
    data_source = StringField(_l("Data source"), validators=[DataRequired()])
    verifier = SelectField(_l("Named verifier"), coerce=int, validators=[InputRequired()])
    window_from = DateField(_l("Observation window from"), validators=[InputRequired(), PlausibleDate()])
    window_to = DateField(_l("Observation window to"), validators=[InputRequired(), PlausibleDate()])
    price_per_outcome = AmountField(_l("Price per outcome (kroner)"), validators=[InputRequired()])
    cap = AmountField(_l("Cap (kroner)"), validators=[InputRequired()])


class SignForm(FlaskForm):
    signed_on = DateField(_l("Date of signing"), validators=[InputRequired(), PlausibleDate()])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional()])


class PaymentForm(FlaskForm):
    invoice_reference = StringField(_l("Invoice reference"), validators=[DataRequired()])
    recipient_orgnr = StringField(_l("Recipient's organisation number"), validators=[DataRequired()])
    paid_on = DateField(_l("Payment date"), validators=[InputRequired(), PlausibleDate()])


class ClaimForm(FlaskForm):
    claimed_count = IntegerField(
        _l("Number of outcomes counted over the observation window"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_AMOUNT)],
    )
    statement = TextAreaField(
        _l("Statement"),
        description=_l("Aggregated numbers only: no names, national identity numbers or e-mail addresses."),
        validators=[DataRequired()],
    )
    evidence = FileField(
        _l("Evidence file (optional)"),
        description=_l("PDF, Excel, Word, CSV or text with aggregated, pseudonymised numbers; at most 10 MB."),
    )


class VerifyForm(FlaskForm):
    decision = SelectField(
        lazy_pgettext("verification", "Decision"),
        choices=[SelectChoice("verify", _l("Verify")), SelectChoice("reject", _l("Reject"))],
    )
    verified_count = IntegerField(
        _l("Verified number of outcomes"), validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT)]
    )
    note = TextAreaField(_l("Note (required when rejecting)"), validators=[Optional()])


class ResultsForm(FlaskForm):
    summary = TextAreaField(
        _l("Measured results"),
        description=_l("What the solution achieved, e.g. the share of participants who moved on to work or education."),
        validators=[DataRequired()],
    )

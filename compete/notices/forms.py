"""Forms for the notices: the officer's settings (with one address block per organisation), generating
a notice and recording its Doffin reference."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from compete.accounts.forms import EMAIL_PATTERN
from compete.core.i18n import lazy_gettext as _l
from compete.notices.codes import BUYER_ACTIVITIES, BUYER_LEGAL_TYPES, NUTS_NAMES, normal_cpv, parse_cpv_list
from compete.notices.models import KIND_CONTEST, KIND_RESULT

PHONE_PATTERN = r"^\+?[0-9 ]{5,20}$"
NUTS_CHOICES = [(code, f"{code} {name}") for code, name in NUTS_NAMES.items()]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _required(message):
    return DataRequired(message=message)


class AddressForm(Form):
    """One organisation's address and contact (no CSRF of its own: it is posted with the settings form)."""

    street = StringField(_l("Street address"), validators=[Optional(), Length(max=200)])
    postal_code = StringField(
        _l("Postcode"),
        validators=[
            _required(_l("Enter the postcode.")),
            Regexp(r"^[0-9A-Za-z -]{3,10}$", message=_l("Enter a postcode.")),
        ],
    )
    city = StringField(_l("Town"), validators=[_required(_l("Enter the town.")), Length(max=100)])
    nuts = SelectField(_l("NUTS region"), choices=choices(NUTS_CHOICES[1:]), validate_choice=True)
    email = EmailField(
        _l("E-mail address"),
        validators=[Optional(), Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")), Length(max=254)],
    )
    phone = StringField(
        _l("Telephone"), validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a telephone number."))]
    )


class ReviewBodyForm(AddressForm):
    name = StringField(_l("Review body"), validators=[_required(_l("Enter the review body's name.")), Length(max=200)])
    orgnr = StringField(
        _l("Organisation number"),
        validators=[_required(_l("Enter the organisation number.")), Regexp(r"^\d{9}$", message=_l("Nine digits."))],
    )


class SettingsForm(FlaskForm):
    cpv_codes = StringField(
        _l("CPV codes"),
        description=_l("The main code first, e.g. 85000000-9 73000000-2 (the check digit may be left out)."),
        validators=[_required(_l("Enter at least one CPV code.")), Length(max=200)],
    )
    nuts_code = SelectField(_l("Place of performance"), choices=choices(NUTS_CHOICES), validate_choice=True)
    buyer_legal_type = SelectField(
        _l("The buyer's legal type"), choices=choices(BUYER_LEGAL_TYPES), validate_choice=True
    )
    buyer_activity = SelectField(
        _l("The buyer's main activity"), choices=choices(BUYER_ACTIVITIES), validate_choice=True
    )
    title_en = StringField(
        _l("Title in English"),
        description=_l("TED publishes notices in the EU's languages; empty: the call's title is sent."),
        validators=[Optional(), Length(max=200)],
    )
    description_en = TextAreaField(
        _l("Description in English"),
        description=_l("Empty: the call's summary is sent."),
        validators=[Optional(), Length(max=6000)],
    )

    def validate_cpv_codes(self, field):
        typed = parse_cpv_list(field.data)
        wrong = [code for code in typed if normal_cpv(code) is None]
        if wrong:
            raise ValidationError(_l("Not a CPV code with a correct check digit: %(codes)s", codes=", ".join(wrong)))
        codes = list(dict.fromkeys(normal_cpv(code) for code in typed))
        if not codes or len(codes) > 10:
            raise ValidationError(_l("Enter one to ten CPV codes."))
        field.codes = codes


class GenerateForm(FlaskForm):
    kind = SelectField(
        choices=choices([(KIND_CONTEST, KIND_CONTEST), (KIND_RESULT, KIND_RESULT)]), validate_choice=True
    )
    change_of = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])


class PublishedForm(FlaskForm):
    doffin_reference = StringField(
        _l("Doffin reference"),
        description=_l("As shown on Doffin, e.g. 2026-123456."),
        validators=[
            _required(_l("Enter the Doffin reference.")),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$", message=_l("Letters, digits and dashes only.")),
        ],
    )
    published_on = DateField(_l("Published on"), validators=[_required(_l("Enter the date of publication."))])

"""Forms for accounts and organisations (Flask-WTF: CSRF on every form)."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from compete.accounts.models import OrgCategory
from compete.accounts.orgnr import InvalidOrgnr, normalise_foreign_registration, normalise_orgnr
from compete.accounts.passwords import MIN_PASSWORD_LENGTH
from compete.core.i18n import lazy_gettext as _l

# Deliberately simple: the verification link proves the address (.test and .localhost included).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

LANGUAGE_CHOICES = [SelectChoice("nb", "Bokmål"), SelectChoice("nn", "Nynorsk"), SelectChoice("en", "English")]

CATEGORY_LABELS = {
    OrgCategory.SOCIAL_ENTREPRENEUR: _l("Social entrepreneur"),
    OrgCategory.START_UP: _l("Start-up"),
    OrgCategory.NON_PROFIT: _l("Non-profit organisation"),
    OrgCategory.COMPANY: _l("Company"),
    OrgCategory.PUBLIC_BODY: _l("Public body"),
}

CATEGORY_DEFINITIONS = {
    OrgCategory.SOCIAL_ENTREPRENEUR: _l(
        "Its main purpose is to solve a social problem, and it uses its surplus to reach that goal."
    ),
    OrgCategory.START_UP: _l("Registered less than five years ago."),
    OrgCategory.NON_PROFIT: _l("An organisation that does not aim to make a profit."),
    OrgCategory.COMPANY: _l("Any other business."),
    OrgCategory.PUBLIC_BODY: _l("A state agency, municipality or county. Public bodies can ask to become buyers."),
}


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


def _password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l("At least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    email = _email_field()
    password = _password_field()
    privacy = BooleanField(
        _l("I have read the privacy notice"),
        validators=[DataRequired(message=_l("You must accept the privacy notice to register."))],
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _password_field(_l("New password"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))]
    )
    password = _password_field(_l("New password"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    language = RadioField(_l("Preferred language"), choices=LANGUAGE_CHOICES, validators=[DataRequired()])


def country_choices() -> list[SelectChoice]:
    locale = Locale.parse(str(get_locale() or "nb"))
    names = {code: name for code, name in locale.territories.items() if len(code) == 2 and code.isalpha()}
    norway = ("NO", names.pop("NO", "Norway"))
    ordered = [norway, *sorted(names.items(), key=lambda item: item[1])]
    return [SelectChoice(code, name) for code, name in ordered]


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        description=_l("Norwegian organisations get their name from Enhetsregisteret; you may leave it empty."),
        validators=[Length(max=200)],
    )
    country = SelectField(_l("Country of registration"), default="NO")
    orgnr = StringField(
        _l("Organisation number"),
        description=_l("Norwegian organisations: 9 digits, for example 974 760 673."),
    )
    foreign_registration = StringField(
        _l("Foreign registration number"),
        description=_l("Organisations registered outside Norway: the number in the register of that country."),
    )
    category = RadioField(
        _l("Category"),
        choices=[SelectChoice(c.value, CATEGORY_LABELS[c]) for c in OrgCategory],
        validators=[DataRequired(message=_l("Choose a category."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    def validate_name(self, field):
        if self.country.data != "NO" and not (field.data or "").strip():
            raise ValidationError(_l("Enter the name."))

    def validate_orgnr(self, field):
        if self.country.data != "NO":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the organisation number."))
        try:
            field.data = normalise_orgnr(field.data)
        except InvalidOrgnr as exc:
            if exc.args and "check digit" in exc.args[0]:
                raise ValidationError(
                    _l("This is not a valid organisation number: the check digit is wrong.")
                ) from None
            raise ValidationError(_l("An organisation number has 9 digits.")) from None

    def validate_foreign_registration(self, field):
        if self.country.data == "NO":
            return
        try:
            field.data = normalise_foreign_registration(field.data)
        except InvalidOrgnr:
            raise ValidationError(_l("Enter 3–40 letters, digits, spaces, dots, slashes or dashes.")) from None


class InviteForm(FlaskForm):
    email = _email_field(_l("E-mail address of the person to invite"))


class EmptyForm(FlaskForm):
    """Buttons that post without fields still carry a CSRF token."""


class SwitchForm(FlaskForm):
    org_id = SelectField(_l("Acting for"), coerce=int)
    next = HiddenField()


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])


class OfficerForm(FlaskForm):
    officer = HiddenField(validators=[DataRequired()])

"""Forms for jurors and officers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from compete.core.i18n import lazy_gettext as _l


class BriefingForm(FlaskForm):
    accept = BooleanField(
        _l("I have read the briefing, will keep everything I see confidential, and will declare any conflict."),
        validators=[DataRequired(message=_l("Accept to continue."))],
    )


class EmptyForm(FlaskForm):
    pass


class AppointForm(FlaskForm):
    email = StringField(_l("E-mail (the person must have an account)"), validators=[DataRequired()])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("member", _l("Member")),
            SelectChoice("chair", _l("Chair")),
            SelectChoice("user_representative", _l("User representative")),
            SelectChoice("functionary", _l("Functionary (anonymises and does the formal check; not a juror)")),
            SelectChoice("verifier", _l("Verifier of outcome milestones")),
        ],
    )


class ReplaceForm(FlaskForm):
    """Replace a juror (R29); the seat choices are the stage's active seats, set by the view."""

    seat = SelectField(_l("Juror to replace"), coerce=int, validators=[DataRequired()])
    new_email = StringField(
        _l("E-mail of the new juror (the person must have an account)"), validators=[DataRequired()]
    )
    replacement_reason = TextAreaField(
        _l("Reason for the replacement"), validators=[DataRequired(message=_l("Give a reason."))]
    )


class RuleForm(FlaskForm):
    decision = SelectField(
        _l("Ruling"),
        choices=[SelectChoice("no_conflict", _l("May take part")), SelectChoice("conflict", _l("Conflicted"))],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])


class RemarkForm(FlaskForm):
    text = TextAreaField(_l("Agreed remark"), validators=[DataRequired()])


class AssignmentForm(FlaskForm):
    mode = RadioField(
        _l("Who scores what"),
        choices=[
            SelectChoice("all", _l("Every juror scores every entry")),
            SelectChoice("per_entry", _l("A fixed number of jurors per entry, with balanced load")),
        ],
        default="all",
        validators=[DataRequired()],
    )
    per_entry = IntegerField(
        _l("Jurors per entry"), validators=[Optional(), NumberRange(min=1, message=_l("At least one juror."))]
    )


class AskForm(FlaskForm):
    question = TextAreaField(
        _l("Question to the participant (sent through the functionary; your name is not passed on)"),
        validators=[DataRequired(message=_l("Write the question."))],
    )


class ForwardForm(FlaskForm):
    question = TextAreaField(
        _l("Question as the participant will see it"), validators=[DataRequired(message=_l("Write the question."))]
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[DataRequired(message=_l("Give a reason."))])


class RelayForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer as the jury will see it"), validators=[DataRequired(message=_l("Write the answer."))]
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(message=_l("Write the answer."))])

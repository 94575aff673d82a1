"""Forms for submissions; the sketch form is built from the stage's template (R18)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length

from compete.core.forms import PlausibleDate
from compete.core.i18n import lazy_gettext as _l


class SelfCheckForm(FlaskForm):
    category = RadioField(_l("Which category applies to your organisation?"), validators=[InputRequired()])
    confirm = BooleanField(
        _l("I have read the definitions and confirm that my organisation can take part."),
        validators=[DataRequired(message=_l("Confirm to continue."))],
    )


def sketch_form_class(stage):
    """A form class with one input per template field and one file input per slot."""

    class SketchForm(FlaskForm):
        pass

    for field in stage.fields:
        description = field.help_text
        if field.word_limit:
            description = f"{description} " + str(_l("At most %(limit)s words.", limit=field.word_limit))
        if field.kind == "short_text":
            input_field = StringField(field.label, description=description.strip(), validators=[Length(max=500)])
        elif field.kind == "checklist":
            input_field = TextAreaField(
                field.label,
                description=str(_l("Write “yes” if this is covered, or explain why it is not."))
                + (f" {field.help_text}" if field.help_text else ""),
            )
        else:
            input_field = TextAreaField(field.label, description=description.strip())
        setattr(SketchForm, f"field_{field.key}", input_field)
        setattr(SketchForm, f"secret_{field.key}", BooleanField(_l("Business secret")))
    for slot in stage.file_slots:
        types = ", ".join(t.strip().upper() for t in slot.allowed_types.split(","))
        setattr(
            SketchForm,
            f"file_{slot.key}",
            FileField(slot.label, description=str(_l("%(types)s, at most %(max)s MB.", types=types, max=slot.max_mb))),
        )
        setattr(SketchForm, f"filesecret_{slot.key}", BooleanField(_l("Business secret")))
    return SketchForm


class SubmitForm(FlaskForm):
    idempotency_key = HiddenField(validators=[DataRequired()])
    accept_warnings = BooleanField(_l("I have checked the warnings and want to submit anyway."))


class EmptyForm(FlaskForm):
    pass


class ExtendForm(FlaskForm):
    day = DateField(_l("New deadline (date)"), validators=[InputRequired(), PlausibleDate()])
    clock = TimeField(_l("Time (Norwegian time)"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason (shown in the log)"), validators=[DataRequired(), Length(max=2000)])


class RejectForm(FlaskForm):
    ground = TextAreaField(_l("Ground for rejection (sent to the participant)"), validators=[DataRequired()])

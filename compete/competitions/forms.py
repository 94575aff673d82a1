"""Forms for authoring calls, questions and answers. Officers enter Europe/Oslo times (R6)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from compete.competitions.snapshot import TIE_BREAK_RULES
from compete.competitions.states import StageKind
from compete.core.forms import PlausibleDate
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import InvalidLocalTime, oslo_to_utc


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


KIND_CHOICES = [
    (StageKind.IDEA_SKETCH.value, _l("Idea sketch")),
    (StageKind.FURTHER_DEVELOPMENT.value, _l("Further development")),
    (StageKind.SOLUTION_DEVELOPMENT.value, _l("Solution development")),
]
FIELD_KINDS = [
    ("short_text", _l("Short text")),
    ("long_text", _l("Long text with word limit")),
    ("checklist", _l("Checklist item (tick or explain)")),
]
LANGUAGE_CHOICES = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]
CHANGE_NOTE_HINT = _l(
    "Required once the call is published: every change is a new version that followers are told about."
)


class ChangeNoteMixin:
    change_note = TextAreaField(
        _l("Change note"), validators=[Optional(), Length(max=2000)], description=CHANGE_NOTE_HINT
    )


class NewCompetitionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            DataRequired(),
            Length(max=120),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use a–z, 0–9 and hyphens.")),
        ],
        description=_l("Used in the call's web address, e.g. unge-pa-vei-til-jobb."),
    )
    buyer = SelectField(_l("Buyer organisation"), coerce=int)
    source = SelectField(_l("Start from"), choices=[], default="")


class SettingsForm(ChangeNoteMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    background = TextAreaField(
        _l("Background and need"), validators=[Optional()], description=_l("Markdown: headings, lists, links.")
    )
    budget = IntegerField(_l("Budget (kr)"), validators=[InputRequired(), NumberRange(min=0)])
    jury_binding = RadioField(
        _l("The jury's ranking is"),
        choices=choices([("binding", _l("Binding")), ("advisory", _l("Advisory"))]),
        validators=[Optional()],
    )
    follow_on_contract = RadioField(
        _l("May a follow-on contract be awarded?"),
        choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[Optional()],
    )
    ipr_terms = TextAreaField(_l("IPR terms"), validators=[Optional()])
    standstill_days = IntegerField(
        _l("Standstill period (calendar days)"), default=10, validators=[InputRequired(), NumberRange(min=0, max=60)]
    )
    default_language = SelectField(_l("Default language"), choices=choices(LANGUAGE_CHOICES))

    def values(self) -> dict:
        tristate = {"binding": True, "advisory": False, "yes": True, "no": False}
        return {
            "title": self.title.data.strip(),
            "summary": (self.summary.data or "").strip(),
            "background": self.background.data or "",
            "budget": self.budget.data,
            "jury_binding": tristate.get(self.jury_binding.data),
            "follow_on_contract": tristate.get(self.follow_on_contract.data),
            "ipr_terms": (self.ipr_terms.data or "").strip(),
            "standstill_days": self.standstill_days.data,
            "default_language": self.default_language.data,
        }


class CategoryRow(Form):
    name = StringField(_l("Category"), validators=[Optional(), Length(max=120)])
    definition = TextAreaField(_l("Definition"), validators=[Optional()])
    self_check_question = StringField(_l("Self-check question"), validators=[Optional()])
    max_registration_years = IntegerField(
        _l("Registered for less than (years)"),
        description=_l("Optional. The self-check shows the registration date from Enhetsregisteret."),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )


class EligibilityForm(ChangeNoteMixin, FlaskForm):
    rows = FieldList(FormField(CategoryRow), min_entries=4)

    def values(self) -> list[dict]:
        return [
            {k: (row.data[k] or "").strip() for k in ("name", "definition", "self_check_question")}
            | {"max_registration_years": row.data["max_registration_years"]}
            for row in self.rows
            if (row.data["name"] or "").strip()
        ]


def _oslo_field(label, description=None):
    return DateTimeLocalField(
        label,
        format="%Y-%m-%dT%H:%M",
        validators=[Optional(), PlausibleDate()],
        description=description or _l("Norwegian time."),
    )


class StageForm(ChangeNoteMixin, FlaskForm):
    name = StringField(_l("Stage name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_CHOICES))
    description = TextAreaField(_l("Description"), validators=[Optional()])
    opens_at = _oslo_field(_l("Opens (Norwegian time)"))
    deadline_at = _oslo_field(_l("Deadline (Norwegian time)"))
    question_deadline_at = _oslo_field(_l("Question deadline (Norwegian time)"))
    advancing_count = IntegerField(_l("Number advancing"), default=0, validators=[InputRequired(), NumberRange(min=0)])
    award_amount = IntegerField(
        _l("Payment per advancing participant (kr)"), default=0, validators=[InputRequired(), NumberRange(min=0)]
    )
    anonymous = BooleanField(_l("Anonymous stage (entries are judged without names)"), default=True)

    def _utc(self, field):
        if field.data is None:
            return None
        try:
            return oslo_to_utc(field.data)
        except InvalidLocalTime as exc:
            when = field.data.strftime("%d.%m.%Y %H.%M")
            if exc.kind == "nonexistent":
                message = _l(
                    "%(time)s does not exist in Norwegian time: the clocks go forward that night. Choose another time.",
                    time=when,
                )
            else:
                message = _l(
                    "%(time)s happens twice in Norwegian time: the clocks go back that night. Choose another time.",
                    time=when,
                )
            raise ValidationError(message) from exc

    def validate_opens_at(self, field):
        self._utc(field)

    def validate_deadline_at(self, field):
        self._utc(field)

    def validate_question_deadline_at(self, field):
        self._utc(field)

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "kind": StageKind(self.kind.data),
            "description": (self.description.data or "").strip(),
            "opens_at": self._utc(self.opens_at),
            "deadline_at": self._utc(self.deadline_at),
            "question_deadline_at": self._utc(self.question_deadline_at),
            "advancing_count": self.advancing_count.data,
            "award_amount": self.award_amount.data,
            "anonymous": bool(self.anonymous.data),
        }


def parse_descriptors(text: str) -> dict[str, str]:
    """ "0: Not addressed" lines -> {"0": "Not addressed"}."""
    out: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        point, sep, label = line.partition(":")
        if not sep or not point.strip().lstrip("-").isdigit():
            raise ValueError(line)
        out[str(int(point))] = label.strip()
    return out


class CriterionRow(Form):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    weight = IntegerField(_l("Weight (%)"), validators=[Optional(), NumberRange(min=1, max=100)])
    scale_min = IntegerField(_l("Scale from"), default=0, validators=[Optional()])
    scale_max = IntegerField(_l("Scale to"), default=10, validators=[Optional()])
    descriptors = TextAreaField(
        _l("Scale descriptors"), validators=[Optional()], description=_l('One per line, e.g. "0: Not addressed".')
    )

    def validate_descriptors(self, field):
        try:
            parse_descriptors(field.data)
        except ValueError as exc:
            raise ValidationError(_l('Write each descriptor as "point: text".')) from exc


class CriteriaForm(ChangeNoteMixin, FlaskForm):
    rows = FieldList(FormField(CriterionRow), min_entries=6)
    tie_break_rule = SelectField(
        _l("Tie-break rule for equal totals"),
        choices=choices([("", _l("Choose…")), *TIE_BREAK_RULES.items()]),
        validators=[Optional()],
    )

    def values(self) -> list[dict]:
        rows = []
        for row in self.rows:
            data = row.data
            if not (data["name"] or "").strip():
                continue
            rows.append(
                {
                    "name": data["name"].strip(),
                    "description": (data["description"] or "").strip(),
                    "weight": data["weight"] or 0,
                    "scale_min": data["scale_min"] if data["scale_min"] is not None else 0,
                    "scale_max": data["scale_max"] if data["scale_max"] is not None else 10,
                    "descriptors": parse_descriptors(data["descriptors"]),
                }
            )
        return rows


class FieldRow(Form):
    key = StringField(_l("Key"), validators=[Optional(), Regexp(r"^[a-z0-9_]*$", message=_l("Use a–z, 0–9 and _."))])
    kind = SelectField(_l("Kind"), choices=choices(FIELD_KINDS))
    label = StringField(_l("Label"), validators=[Optional(), Length(max=200)])
    help_text = TextAreaField(_l("Help text"), validators=[Optional()])
    word_limit = IntegerField(_l("Word limit"), validators=[Optional(), NumberRange(min=1)])
    required = BooleanField(_l("Required"), default=True)
    personal_data = BooleanField(
        _l("Personal data"),
        default=False,
        description=_l(
            "Names, phone numbers or other personal details: emptied for participants who were not selected "
            "once the complaint period is over."
        ),
    )


class SlotRow(Form):
    key = StringField(_l("Key"), validators=[Optional(), Regexp(r"^[a-z0-9_]*$", message=_l("Use a–z, 0–9 and _."))])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=200)])
    allowed_types = StringField(
        _l("Allowed file types"), default="pdf", description=_l("Comma-separated, e.g. pdf,docx.")
    )
    max_mb = IntegerField(_l("Maximum size (MB)"), default=10, validators=[Optional(), NumberRange(min=1, max=100)])
    required = BooleanField(_l("Required"), default=False)


class SubmissionTemplateForm(ChangeNoteMixin, FlaskForm):
    form_fields = FieldList(FormField(FieldRow), min_entries=8)
    slots = FieldList(FormField(SlotRow), min_entries=3)

    def values(self) -> tuple[list[dict], list[dict]]:
        fields = [
            {
                "key": row.data["key"],
                "kind": row.data["kind"],
                "label": row.data["label"].strip(),
                "help_text": (row.data["help_text"] or "").strip(),
                "word_limit": row.data["word_limit"],
                "required": bool(row.data["required"]),
                "personal_data": bool(row.data["personal_data"]),
            }
            for row in self.form_fields
            if row.data["key"] and (row.data["label"] or "").strip()
        ]
        slots = [
            {
                "key": row.data["key"],
                "label": row.data["label"].strip(),
                "allowed_types": ",".join(
                    t.strip().lower().lstrip(".") for t in (row.data["allowed_types"] or "pdf").split(",") if t.strip()
                ),
                "max_mb": row.data["max_mb"] or 10,
                "required": bool(row.data["required"]),
            }
            for row in self.slots
            if row.data["key"] and (row.data["label"] or "").strip()
        ]
        return fields, slots


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (publish, follow, delete)."""


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Objective reason for cancelling"), validators=[DataRequired(), Length(max=4000)])


class CoOwnerForm(FlaskForm):
    orgnr = StringField(_l("Organisation number of the co-owner"), validators=[DataRequired()])


class SaveTemplateForm(FlaskForm):
    name = StringField(_l("Template name"), validators=[DataRequired(), Length(max=200)])


class QuestionForm(FlaskForm):
    body = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=4000)])


class AnswerForm(FlaskForm):
    public_body = TextAreaField(
        _l("Question as published"),
        validators=[DataRequired()],
        description=_l("Remove anything that would identify who asked."),
    )
    answer = TextAreaField(_l("Answer"), validators=[DataRequired()])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], default="", validators=[Optional()])
    date_from = DateField(_l("From date"), validators=[Optional(), PlausibleDate()])
    date_to = DateField(_l("To date"), validators=[Optional(), PlausibleDate()])

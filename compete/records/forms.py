"""The officer's form for a competition's retention period (R43)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from compete.core.i18n import lazy_gettext as _l


class RetentionForm(FlaskForm):
    years = IntegerField(_l("Retention period (years)"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason for the change"), validators=[DataRequired(), Length(max=2000)])

    def bound(self, lowest: int, highest: int) -> RetentionForm:
        """Check the years against the configured bounds and say them in the field's hint."""
        self.years.validators = [InputRequired(), NumberRange(min=lowest, max=highest)]
        self.years.description = _l("Between %(min)s and %(max)s years.", min=lowest, max=highest)
        return self

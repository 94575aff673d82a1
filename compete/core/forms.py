"""Validators every domain's forms share."""

from __future__ import annotations

from wtforms.validators import StopValidation

from compete.core.i18n import lazy_gettext as _l

MIN_YEAR, MAX_YEAR = 1900, 2999


class PlausibleDate:
    """Refuse dates and times outside the years 1900–2999 with a form error.

    Years such as 0001 or 9999 are valid for Python's `date`, but overflow as soon as they are
    moved to UTC or a day is added (OverflowError, a 500), and no competition has them."""

    def __call__(self, form, field):
        if field.data is not None and not MIN_YEAR <= field.data.year <= MAX_YEAR:
            raise StopValidation(_l("Enter a year between %(min)s and %(max)s.", min=MIN_YEAR, max=MAX_YEAR))

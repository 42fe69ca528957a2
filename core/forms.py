"""Form pieces every app uses: the one date widget (ISO values, which <input type="date"> requires), bounded
dates, months and years, and text limits the form states."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.text import is_ascii_digits


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO (2026-11-06), whatever the language's format:
    a localised value (2026/11/06) would render empty and clear the date on save."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


# -- dates, months and years ------------------------------------------------------------------------------
# Every date, month and year a person types or a URL carries stays within these years: the pages do
# arithmetic on them (a month's end, a period's last day) that would overflow at year 9999.
YEAR_MIN, YEAR_MAX = 2000, 2100
DATE_OUT_OF_RANGE = f"日期应在{YEAR_MIN}年至{YEAR_MAX}年之间。"
YEAR_INVALID = f"年度应为{YEAR_MIN}至{YEAR_MAX}之间的年份。"
MONTH_INVALID = f"月份应写作“年-月”（如2026-03），年份在{YEAR_MIN}至{YEAR_MAX}之间。"


class DateField(forms.DateField):
    """A date between YEAR_MIN and YEAR_MAX, with the ISO date picker."""

    widget = DateInput
    default_validators = [
        MinValueValidator(datetime.date(YEAR_MIN, 1, 1), DATE_OUT_OF_RANGE),
        MaxValueValidator(datetime.date(YEAR_MAX, 12, 31), DATE_OUT_OF_RANGE),
    ]


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        for key in ("invalid", "min_value", "max_value"):
            kwargs["error_messages"].setdefault(key, YEAR_INVALID)
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)

    def to_python(self, value):
        # int() would take full-width digits (２０２６): a year is written in ASCII digits.
        if value not in self.empty_values and not is_ascii_digits(str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


class MonthField(forms.Field):
    """A month written 2026-03 (ASCII digits), cleaned to its first day."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        match = _MONTH.fullmatch(str(value).strip())
        if match is None or not (YEAR_MIN <= int(match[1]) <= YEAR_MAX and 1 <= int(match[2]) <= 12):
            raise forms.ValidationError(MONTH_INVALID, code="invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)


class MonthForm(forms.Form):
    """``?month=2026-03`` of a month's page; a missing or bad month gives the current one."""

    month = MonthField(label="月份", required=False)

    def month_or(self, default: datetime.date) -> datetime.date:
        return (self.cleaned_data.get("month") if self.is_valid() else None) or default


class YearForm(forms.Form):
    """``?year=2026`` of a year's page."""

    year = YearField(label="年度", required=False)


# -- text limits ------------------------------------------------------------------------------------------
# Every field that takes text has a max_length (tests/core/test_form_limits.py walks every form). Free text
# in a textarea says its limit under the field, and text past it gets a message that names the field.


def state_limit(field: forms.CharField) -> forms.CharField:
    """Adds 不超过N字 to a text field's help and names the field in the message for text past the limit
    (a message the form already sets for that is kept). Returns the field."""
    limit = field.max_length
    stated = f"不超过{limit}字。"
    if stated not in str(field.help_text):
        field.help_text = f"{field.help_text}（{stated[:-1]}）" if field.help_text else stated
    field.error_messages.setdefault("max_length", f"{field.label}不能超过{limit}字（现有%(show_value)d字）。")
    return field


class LongTextField(forms.CharField):
    """Free text in a textarea (minutes, contents, reasons) with its limit stated."""

    def __init__(self, *, max_length: int, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        state_limit(self)


def text_limit_stated(db_field, **kwargs):
    """A ModelForm's ``formfield_callback``: a TextField's form field (a textarea) states its limit."""
    field = db_field.formfield(**kwargs)
    if isinstance(db_field, models.TextField) and field is not None and field.max_length:
        state_limit(field)
    return field


# -- query strings ----------------------------------------------------------------------------------------


def query_values(form: forms.BaseForm) -> dict:
    """The valid values of a query-string form: a bad value is left out, as if it had not been given (a link
    someone edited by hand shows the page's default, never an error)."""
    form.is_valid()
    return form.cleaned_data


class PageForm(forms.Form):
    """``?page=`` where the number is part of a cache key: a number in a sane range, else the first page."""

    page = forms.IntegerField(min_value=1, max_value=1000, required=False)


# -- numbers that name rows -------------------------------------------------------------------------------
# A number past the column's range would reach the database as a query parameter and fail there.
ID_MAX = 2**63 - 1  # BigAutoField
VERSION_MAX = 2**31 - 1  # PositiveIntegerField


class IdField(forms.IntegerField):
    """The id of a row (a filter's 操作人ID, 记录ID, 承办人): a number a bigint column can hold."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class VersionField(forms.IntegerField):
    """The version a form was filled against (a record edited meanwhile is refused, never overwritten)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=0, max_value=VERSION_MAX, **kwargs)


class ExportFormatForm(forms.Form):
    """``?format=xlsx`` of a figures page: the same table as a spreadsheet (anything else: the page)."""

    format = forms.ChoiceField(choices=[("", "网页"), ("xlsx", "Excel")], required=False)

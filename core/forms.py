"""Form pieces every app uses: the one date widget (ISO values, which <input type="date"> requires)."""

from __future__ import annotations

from django import forms


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

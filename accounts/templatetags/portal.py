from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def control(field):
    """Renders a form field's widget with Bootstrap's classes and its invalid state."""
    css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def zh_date(value) -> str:
    """Dates as users write them: 2026年11月21日."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # the date in Beijing, not in UTC
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def percent(part, whole) -> str:
    try:
        return f"{part * 100 / whole:.0f}%" if whole else "—"
    except (TypeError, ZeroDivisionError):
        return "—"

"""One way to write dates and rates across the portal, for templates (core.templatetags.portal) and
for the few messages services compose."""

from __future__ import annotations

import datetime

from django.utils import timezone


def zh_date(value) -> str:
    """Dates as users write them: 2026年11月21日 (a datetime in Beijing time; ISO text from a payload too)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # the date in Beijing, not in UTC
    return f"{value.year}年{value.month}月{value.day}日"


def zh_month_day(value) -> str:
    """11月21日: for short notices within the current year."""
    if not value:
        return ""
    return f"{value.month}月{value.day}日"


def rate(part, whole) -> float | None:
    """part / whole in percent, or None when there is nothing to divide by."""
    try:
        return part * 100 / whole if whole else None
    except TypeError:
        return None


def percent(part, whole, digits: int = 0) -> str:
    value = rate(part, whole)
    return "—" if value is None else f"{value:.{digits}f}%"

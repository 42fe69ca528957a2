"""Periods counted as the law counts them (民法典 第201–203条), one helper for every app.

- A period in days, months or years does not count its starting day (第201条): a 7-day period that starts
  on Monday 1 runs to the end of Monday 8.
- A period in months ends on the matching day of the final month, or on that month's last day when it has
  no matching day (第202条): 31 January + 1 month ends on 28 (or 29) February.
- When the last day is a rest day, the period ends on the first working day after it (第203条).

Pure functions: which days are working days is a predicate the caller passes (regions.workdays builds it
from a county's calendar), so this module knows nothing of counties and calendars.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

WorkingDay = Callable[[date], bool]


def weekdays_only(day: date) -> bool:
    """The default calendar: Monday to Friday are working days."""
    return day.weekday() < 5


def next_working_day(day: date, is_working_day: WorkingDay) -> date:
    """``day`` itself when it is a working day, else the first working day after it (第203条)."""
    # A run of rest days is never longer than a few weeks; the bound only guards against a broken predicate.
    for _ in range(366):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    raise ValueError("no working day within a year")


def add_months(start: date, months: int) -> date:
    """The matching day ``months`` months after ``start``, or that month's last day (第202条)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_end_days(start: date, days: int, is_working_day: WorkingDay | None = None) -> date:
    """The last day of a period of ``days`` days starting on ``start`` (the start day not counted); with a
    calendar, moved to the next working day when it falls on a rest day."""
    end = start + timedelta(days=days)
    return next_working_day(end, is_working_day) if is_working_day else end


def period_end_months(start: date, months: int, is_working_day: WorkingDay | None = None) -> date:
    """The last day of a period of ``months`` months starting on ``start``; with a calendar, moved to the
    next working day when it falls on a rest day."""
    end = add_months(start, months)
    return next_working_day(end, is_working_day) if is_working_day else end


def working_days_after(start: date, days: int, is_working_day: WorkingDay = weekdays_only) -> date:
    """The ``days``-th working day after ``start`` (the start day itself does not count)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date, is_working_day: WorkingDay = weekdays_only) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))

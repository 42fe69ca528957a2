"""Working days on a county's calendar: weekends off, weekdays on, unless a CalendarDay says otherwise.

This module reads the county's calendar (one query per call); the counting itself is core.periods, the
one period helper of the portal (民法典 第201–203条).
"""

from __future__ import annotations

from datetime import date, timedelta

from core import periods
from regions.models import CalendarDay, Region


def is_working_day(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind is not None:
        return kind == CalendarDay.Kind.WORKDAY
    return day.weekday() < 5


def county_calendar(*, county: Region | None, start: date, end: date) -> periods.WorkingDay:
    """The county's working-day predicate for days after ``start`` up to ``end`` (one query); without a
    county, weekdays only."""
    exceptions = (
        dict(
            CalendarDay.objects.filter(county=county, date__gt=start, date__lte=end).values_list(
                "date", "kind"
            )
        )
        if county is not None
        else {}
    )
    return lambda day: is_working_day(day, exceptions)


def working_days_after(*, county: Region | None, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (the start day itself does not count). One query."""
    # A window wide enough for any run of holidays (the longest is about 8 days).
    horizon = start + timedelta(days=days * 2 + 30)
    return periods.working_days_after(start, days, county_calendar(county=county, start=start, end=horizon))


def working_days_between(*, county: Region | None, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start). One query."""
    if end <= start:
        return 0
    return periods.working_days_between(start, end, county_calendar(county=county, start=start, end=end))


def period_end(*, county: Region | None, start: date, days: int) -> date:
    """The last day of a period of ``days`` days from ``start`` (民法典 第201条: the start day is not
    counted), moved to the next working day on the county's calendar when it is a rest day (第203条)."""
    # The end plus a window wide enough for any run of rest days after it.
    horizon = start + timedelta(days=days + 30)
    return periods.period_end_days(start, days, county_calendar(county=county, start=start, end=horizon))


def period_end_in_months(*, county: Region | None, start: date, months: int) -> date:
    """The last day of a period of ``months`` months from ``start`` (民法典 第202条: the matching day, or
    the month's last day), moved to the next working day on the county's calendar (第203条)."""
    end = periods.add_months(start, months)
    horizon = end + timedelta(days=30)
    return periods.period_end_months(start, months, county_calendar(county=county, start=start, end=horizon))

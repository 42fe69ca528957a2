"""Working days on a county's calendar: weekends off, weekdays on, unless a CalendarDay says otherwise."""

from __future__ import annotations

from datetime import date, timedelta

from regions.models import CalendarDay, Region


def is_working_day(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind is not None:
        return kind == CalendarDay.Kind.WORKDAY
    return day.weekday() < 5


def working_days_after(*, county: Region | None, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (the start day itself does not count). One query."""
    # A window wide enough for any run of holidays (the longest is about 8 days).
    horizon = start + timedelta(days=days * 2 + 30)
    exceptions = (
        dict(
            CalendarDay.objects.filter(county=county, date__gt=start, date__lte=horizon).values_list(
                "date", "kind"
            )
        )
        if county is not None
        else {}
    )
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return day


def working_days_between(*, county: Region | None, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start). One query."""
    if end <= start:
        return 0
    exceptions = (
        dict(
            CalendarDay.objects.filter(county=county, date__gt=start, date__lte=end).values_list(
                "date", "kind"
            )
        )
        if county is not None
        else {}
    )
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), exceptions)
    )

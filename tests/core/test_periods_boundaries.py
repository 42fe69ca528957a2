"""core.periods on its boundaries (mutation run, docs/mutation.md): each function against the rule
written out again day by day, over every start in a year with weekends and a holiday week, and the
edges a counting slip would move (a period of 0 days, the year's turn, the guard against a calendar
without working days)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import periods

HOLIDAYS = {date(2026, 10, d) for d in range(1, 9)}
STARTS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 3)]


def calendar(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def test_weekdays_only():
    monday = date(2026, 9, 7)
    assert [periods.weekdays_only(monday + timedelta(days=n)) for n in range(7)] == [True] * 5 + [False] * 2


def test_the_next_working_day_is_the_day_itself_or_the_first_after():
    assert periods.next_working_day(date(2026, 9, 25), calendar) == date(2026, 9, 25)  # a Friday
    assert periods.next_working_day(date(2026, 9, 26), calendar) == date(2026, 9, 28)
    assert periods.next_working_day(date(2026, 9, 30), calendar) == date(2026, 9, 30)
    assert periods.next_working_day(date(2026, 10, 1), calendar) == date(2026, 10, 9)
    # A calendar with one working day a year ahead: found (365 days on), one more day is beyond the guard.
    target = date(2027, 1, 1)
    assert periods.next_working_day(target - timedelta(days=365), lambda d: d == target) == target
    with pytest.raises(ValueError) as caught:
        periods.next_working_day(target - timedelta(days=366), lambda d: d == target)
    assert str(caught.value) == "no working day within a year"


def months_oracle(start: date, months: int) -> date:
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    day = start.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


@pytest.mark.parametrize("months", [-13, -12, -1, 0, 1, 2, 11, 12, 13, 25])
def test_add_months_against_the_matching_day(months):
    for start in STARTS + [date(2026, 1, 31), date(2027, 12, 31), date(2028, 2, 29)]:
        assert periods.add_months(start, months) == months_oracle(start, months), (start, months)


def test_period_ends_against_the_rule():
    for start in STARTS:
        for days in (0, 1, 6, 7, 10, 30):
            end = start + timedelta(days=days)
            assert periods.period_end_days(start, days) == end
            rolled = periods.period_end_days(start, days, calendar)
            assert rolled >= end and calendar(rolled)
            assert all(not calendar(end + timedelta(days=n)) for n in range((rolled - end).days))
        for months in (1, 3, 12):
            end = months_oracle(start, months)
            assert periods.period_end_months(start, months) == end
            rolled = periods.period_end_months(start, months, calendar)
            assert rolled >= end and calendar(rolled)
            assert all(not calendar(end + timedelta(days=n)) for n in range((rolled - end).days))


def test_working_days_against_counting_them_one_by_one():
    for start in STARTS:
        day, counted, seen = start, 0, {}
        while counted < 25:
            day += timedelta(days=1)
            if calendar(day):
                counted += 1
                seen[counted] = day
        for days in (1, 2, 5, 10, 25):
            assert periods.working_days_after(start, days, calendar) == seen[days], (start, days)
            assert periods.working_days_between(start, seen[days], calendar) == days
            assert periods.working_days_between(start, seen[days] - timedelta(days=1), calendar) == days - 1
        assert periods.working_days_after(start, 0, calendar) == start
        assert periods.working_days_between(start, start - timedelta(days=5), calendar) == 0


def test_working_days_default_to_weekdays():
    friday = date(2026, 9, 25)
    assert periods.working_days_after(friday, 1) == date(2026, 9, 28)
    assert periods.working_days_after(friday, 6) == date(2026, 10, 5)  # holidays not known without a calendar
    assert periods.working_days_between(friday, date(2026, 10, 5)) == 6
    assert periods.working_days_between(friday, date(2026, 9, 27)) == 0

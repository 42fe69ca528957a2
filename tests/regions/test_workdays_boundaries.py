"""Working days on their boundaries (mutation run, docs/mutation.md): the first day after the start, a long
run of days whose last holiday lies far out, the county's own calendar in both functions, no query without
a county."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from regions.models import CalendarDay
from regions.workdays import is_working_day, working_days_after, working_days_between
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 9, 27)
MONDAY = date(2026, 9, 28)


def test_the_day_after_the_start_is_the_first_counted():
    assert working_days_between(county=None, start=SUNDAY, end=MONDAY) == 1
    assert working_days_between(county=None, start=SUNDAY, end=SUNDAY) == 0
    assert working_days_between(county=None, start=MONDAY, end=SUNDAY) == 0
    assert working_days_after(county=None, start=SUNDAY, days=1) == MONDAY
    assert working_days_after(county=None, start=SUNDAY, days=0) == SUNDAY


def test_saturday_and_sunday_are_off_friday_is_on():
    assert [is_working_day(MONDAY + timedelta(days=n), {}) for n in range(7)] == [True] * 5 + [False] * 2


def test_the_60th_working_day_sees_a_holiday_two_and_a_half_months_out(world):
    # 60 working days from Monday 28 Sept end on Monday 21 Dec without holidays; a holiday on Thursday 17 Dec
    # (80 days out, past a window of days / 2 + 30) moves it to Tuesday 22 Dec.
    assert working_days_after(county=world.county, start=MONDAY, days=60) == date(2026, 12, 21)
    CalendarDay.objects.create(county=world.county, date=date(2026, 12, 17), kind="holiday", name="测试")
    assert working_days_after(county=world.county, start=MONDAY, days=60) == date(2026, 12, 22)
    assert working_days_between(county=world.county, start=MONDAY, end=date(2026, 12, 22)) == 60


def test_between_counts_the_countys_own_calendar_only(world):
    other = other_county()
    CalendarDay.objects.create(county=other, date=date(2026, 9, 29), kind="holiday")
    CalendarDay.objects.create(county=world.county, date=date(2026, 9, 30), kind="holiday")
    # Mon 28 Sept to Fri 2 Oct: five weekdays, the county's one holiday off, the other county's ignored.
    assert working_days_between(county=world.county, start=SUNDAY, end=date(2026, 10, 2)) == 4
    assert working_days_between(county=other, start=SUNDAY, end=date(2026, 10, 2)) == 4
    assert working_days_between(county=None, start=SUNDAY, end=date(2026, 10, 2)) == 5


def test_a_holiday_on_the_start_day_or_after_the_end_changes_nothing(world):
    CalendarDay.objects.create(county=world.county, date=MONDAY, kind="holiday")
    CalendarDay.objects.create(county=world.county, date=date(2026, 10, 3), kind="workday")
    assert working_days_between(county=world.county, start=MONDAY, end=date(2026, 10, 2)) == 4
    assert working_days_after(county=world.county, start=MONDAY, days=4) == date(2026, 10, 2)


def test_an_empty_span_reads_no_calendar(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert working_days_between(county=world.county, start=MONDAY, end=MONDAY) == 0
        assert working_days_between(county=world.county, start=MONDAY, end=SUNDAY) == 0


def test_no_county_reads_no_calendar(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert working_days_after(county=None, start=SUNDAY, days=5) == date(2026, 10, 2)
        assert working_days_between(county=None, start=SUNDAY, end=date(2026, 10, 2)) == 5

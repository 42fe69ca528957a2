"""regions.workdays' periods in months on a county's calendar (mutation run, docs/mutation.md): the
last day of the final month is read from the county's own calendar, a run of holidays after it included,
and another county's holidays do not move it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from regions.models import CalendarDay
from regions.workdays import period_end, period_end_in_months
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db

START = date(2026, 8, 31)  # + 1 month = Wednesday 30 September


def holidays(county, first: date, last: date) -> None:
    day = first
    while day <= last:
        if day.weekday() < 5:
            CalendarDay.objects.create(county=county, date=day, kind="holiday", name="国庆节")
        day += timedelta(days=1)


def test_a_month_ending_on_the_countys_holiday_moves_past_the_holidays(world):
    assert period_end_in_months(county=world.county, start=START, months=1) == date(2026, 9, 30)
    holidays(world.county, date(2026, 9, 30), date(2026, 10, 8))
    assert period_end_in_months(county=world.county, start=START, months=1) == date(2026, 10, 9)
    assert period_end_in_months(county=other_county(), start=START, months=1) == date(2026, 9, 30)
    assert period_end_in_months(county=None, start=START, months=1) == date(2026, 9, 30)


def test_a_long_period_in_days_reads_the_holidays_at_its_end(world):
    # 60 days from 1 August 2026 is Wednesday 30 September: the holidays then are 60 days out.
    holidays(world.county, date(2026, 9, 30), date(2026, 10, 8))
    assert period_end(county=world.county, start=date(2026, 8, 1), days=60) == date(2026, 10, 9)
    assert period_end(county=None, start=date(2026, 8, 1), days=60) == date(2026, 9, 30)

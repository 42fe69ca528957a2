"""Promised dates count working days on the county calendar: weekends, public holidays, make-up days."""

from __future__ import annotations

from datetime import date

import pytest

from regions.models import CalendarDay
from regions.workdays import period_end, period_end_in_months, working_days_after, working_days_between
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 9, 25)


def test_weekend_is_skipped(world):
    # Friday + 1 working day = Monday; + 3 = Wednesday
    assert working_days_after(county=world.county, start=FRIDAY, days=1) == date(2026, 9, 28)
    assert working_days_after(county=world.county, start=FRIDAY, days=3) == date(2026, 9, 30)


def test_public_holiday_and_make_up_day(world):
    """National Day week 2026 (made up for this test): Oct 1-7 off, Sunday Sept 27 and Saturday Oct 10 worked."""
    for day in range(1, 8):
        if date(2026, 10, day).weekday() < 5:
            CalendarDay.objects.create(
                county=world.county, date=date(2026, 10, day), kind="holiday", name="国庆节"
            )
    CalendarDay.objects.create(county=world.county, date=date(2026, 9, 27), kind="workday", name="调休上班")
    CalendarDay.objects.create(county=world.county, date=date(2026, 10, 10), kind="workday", name="调休上班")
    # From Friday 25 Sept: Sun 27 (make-up) is 1, Mon 28 is 2, Tue 29 is 3, Wed 30 is 4, then the holiday,
    # Thu 8 Oct is 5, Fri 9 is 6, Sat 10 (make-up) is 7, Mon 12 is 8.
    assert working_days_after(county=world.county, start=FRIDAY, days=1) == date(2026, 9, 27)
    assert working_days_after(county=world.county, start=FRIDAY, days=5) == date(2026, 10, 8)
    assert working_days_after(county=world.county, start=FRIDAY, days=7) == date(2026, 10, 10)
    assert working_days_after(county=world.county, start=FRIDAY, days=8) == date(2026, 10, 12)
    assert working_days_between(county=world.county, start=FRIDAY, end=date(2026, 10, 12)) == 8


def test_another_countys_holidays_do_not_apply(world):
    other = other_county()
    CalendarDay.objects.create(county=other, date=date(2026, 9, 28), kind="holiday")
    assert working_days_after(county=world.county, start=FRIDAY, days=1) == date(2026, 9, 28)
    assert working_days_after(county=other, start=FRIDAY, days=1) == date(2026, 9, 29)


def test_county_admin_maintains_the_calendar_with_clear_refusals(world):
    client = world.client_for(world.county_admin)
    assert client.get("/calendar/").status_code == 200
    ok = client.post(
        "/calendar/", {"county": world.county.code, "date": "2026-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert ok.status_code == 302
    assert CalendarDay.objects.get(county=world.county, date=date(2026, 10, 1)).kind == "holiday"
    weekend = client.post(
        "/calendar/", {"county": world.county.code, "date": "2026-10-03", "kind": "holiday"}
    )
    assert "周末本来就休息" in weekend.content.decode()
    weekday = client.post(
        "/calendar/", {"county": world.county.code, "date": "2026-10-09", "kind": "workday"}
    )
    assert "工作日本来就上班" in weekday.content.decode()
    assert CalendarDay.objects.count() == 1
    entry = CalendarDay.objects.get()
    assert client.post(f"/calendar/{entry.pk}/delete/").status_code == 302
    assert not CalendarDay.objects.exists()


def test_calendar_is_the_countys_only(world):
    assert world.client_for(world.township_a_officer).get("/calendar/").status_code == 403
    other = other_county()
    foreign = CalendarDay.objects.create(county=other, date=date(2026, 10, 1), kind="holiday")
    assert world.client_for(world.county_admin).post(f"/calendar/{foreign.pk}/delete/").status_code == 404
    assert CalendarDay.objects.filter(pk=foreign.pk).exists()


def test_a_period_ends_on_the_next_working_day_of_the_countys_calendar(world):
    """民法典 第201、203条: Monday + 7 days is the next Monday; a last day that the county's calendar makes a
    holiday moves to the first working day after it, and another county's holiday does not count."""
    monday = date(2026, 9, 21)
    assert period_end(county=world.county, start=monday, days=7) == date(2026, 9, 28)
    CalendarDay.objects.create(county=world.county, date=date(2026, 9, 28), kind="holiday", name="节日")
    assert period_end(county=world.county, start=monday, days=7) == date(2026, 9, 29)
    assert period_end(county=other_county(), start=monday, days=7) == date(2026, 9, 28)
    # Saturday + 7 = Saturday, a rest day: Monday; unless the county works that Saturday (调休上班).
    saturday = date(2026, 10, 3)
    assert period_end(county=world.county, start=saturday, days=7) == date(2026, 10, 12)
    CalendarDay.objects.create(county=world.county, date=date(2026, 10, 10), kind="workday", name="调休上班")
    assert period_end(county=world.county, start=saturday, days=7) == date(2026, 10, 10)
    # A month from 31 Jan 2027 ends on 28 Feb 2027, a Sunday: Monday 1 March.
    assert period_end_in_months(county=world.county, start=date(2027, 1, 31), months=1) == date(2027, 3, 1)

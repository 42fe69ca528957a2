"""The time limits of mediation on their boundaries (DOMAIN_RULES B.1.4, B.1.7 items 2 and 6; C.5).

Periods count as 民法典 第201–203条 count them: the start day is not counted, a month ends on the matching
day or the month's last day, and a last day on a rest day moves to the next working day of the county's
calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from mediation import rules
from regions.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    "accepted,due",
    [
        (D(2027, 3, 10), D(2027, 4, 12)),  # 10 Apr 2027 is a Saturday: the next working day, Monday 12th
        (D(2026, 3, 10), D(2026, 4, 10)),  # a Friday: the matching day itself
        (D(2027, 1, 31), D(2027, 3, 1)),  # 28 Feb 2027 is a Sunday: Monday 1 March
        (D(2026, 1, 31), D(2026, 3, 2)),  # no 31 Feb: 28 Feb 2026, a Saturday -> Monday 2 March
        (D(2028, 2, 29), D(2028, 3, 29)),  # leap day -> matching day (a Wednesday)
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year: the last day of February (a Tuesday)
    ],
)
def test_one_calendar_month_from_acceptance(world, accepted, due):
    assert rules.mediation_due_on(world.village_a1, accepted, 1) == due


def test_the_month_s_last_day_when_it_is_a_working_day(world):
    # 31 Jan 2030 -> 28 Feb 2030, a Thursday.
    assert rules.mediation_due_on(world.village_a1, D(2030, 1, 31), 1) == D(2030, 2, 28)


def test_a_due_date_on_a_county_holiday_moves_to_the_next_working_day(world):
    # 10 Mar 2026 -> 10 Apr 2026 (Friday); made a holiday, the period ends on Monday 13 April.
    CalendarDay.objects.create(county=world.county, date=D(2026, 4, 10), kind=CalendarDay.Kind.HOLIDAY)
    assert rules.mediation_due_on(world.village_a1, D(2026, 3, 10), 1) == D(2026, 4, 13)
    # Another county's holiday changes nothing here.
    assert rules.mediation_due_on(world.township_a, D(2026, 3, 10), 1) == D(2026, 4, 13)


def test_two_months_and_an_extension_from_the_due_date(world):
    assert rules.mediation_due_on(world.village_a1, D(2026, 3, 10), 2) == D(2026, 5, 11)  # 10 May: Sunday
    assert rules.extended_due_on(world.village_a1, D(2026, 4, 10), 1) == D(2026, 5, 11)


def test_acceptance_within_working_days_skips_weekends_and_holidays(world):
    # Registered Friday 6 Mar 2026: 3 working days -> Wednesday 11 March.
    assert rules.accept_due_on(world.village_a1, D(2026, 3, 6), 3) == D(2026, 3, 11)
    CalendarDay.objects.create(county=world.county, date=D(2026, 3, 9), kind=CalendarDay.Kind.HOLIDAY)
    assert rules.accept_due_on(world.village_a1, D(2026, 3, 6), 3) == D(2026, 3, 12)
    # A make-up working Saturday counts.
    CalendarDay.objects.create(county=world.county, date=D(2026, 3, 7), kind=CalendarDay.Kind.WORKDAY)
    assert rules.accept_due_on(world.village_a1, D(2026, 3, 6), 3) == D(2026, 3, 11)


def test_judicial_confirmation_window_is_thirty_days_after_effect(world):
    # Effective Monday 2 Mar 2026: day 30 is Wednesday 1 April (a working day).
    assert rules.confirmation_last_day(world.village_a1, D(2026, 3, 2)) == D(2026, 4, 1)
    # Effective 7 Mar 2026: day 30 is Monday 6 April.
    assert rules.confirmation_last_day(world.village_a1, D(2026, 3, 7)) == D(2026, 4, 6)
    # Effective 5 Mar 2026: day 30 is Saturday 4 April: the window runs to Monday 6 April.
    assert rules.confirmation_last_day(world.village_a1, D(2026, 3, 5)) == D(2026, 4, 6)


def test_first_follow_up_after_performance_or_after_effect(world):
    # Performance due Monday 2 Mar 2026 + 3 days -> Thursday 5 March.
    assert rules.follow_up_due_on(
        world.village_a1,
        effective_on=D(2026, 2, 20),
        performance_due_on=D(2026, 3, 2),
        after_performance_days=3,
        after_effective_days=30,
    ) == D(2026, 3, 5)
    # No performance date: 30 days after effect (2 Mar 2026 -> Wednesday 1 April).
    assert rules.follow_up_due_on(
        world.village_a1,
        effective_on=D(2026, 3, 2),
        performance_due_on=None,
        after_performance_days=3,
        after_effective_days=30,
    ) == D(2026, 4, 1)


@pytest.mark.parametrize(
    "today,colour,label",
    [
        (D(2026, 4, 4), "", ""),  # six days before: in time
        (D(2026, 4, 5), "yellow", "5天后到期"),  # the first day of the warning
        (D(2026, 4, 9), "yellow", "1天后到期"),
        (D(2026, 4, 10), "yellow", "今天到期"),  # the due day itself is still in time
        (D(2026, 4, 11), "red", "已超期1天"),
        (D(2026, 5, 10), "red", "已超期30天"),
    ],
)
def test_due_flags(today, colour, label):
    flag = rules.due_flag(D(2026, 4, 10), today, 5)
    assert (flag.colour, flag.label) == (colour, label)


def test_no_due_date_no_flag():
    assert rules.due_flag(None, D(2026, 4, 10), 5) == rules.IN_TIME


def test_the_county_calendar_moves_the_confirmation_window_and_the_follow_up(world):
    # Effective Monday 2 Mar 2026: day 30 is Wednesday 1 April; made a holiday, both move to Thursday 2nd.
    CalendarDay.objects.create(county=world.county, date=D(2026, 4, 1), kind=CalendarDay.Kind.HOLIDAY)
    assert rules.confirmation_last_day(world.village_a1, D(2026, 3, 2)) == D(2026, 4, 2)
    assert rules.follow_up_due_on(
        world.village_a1,
        effective_on=D(2026, 3, 2),
        performance_due_on=None,
        after_performance_days=3,
        after_effective_days=30,
    ) == D(2026, 4, 2)

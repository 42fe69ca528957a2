"""Periods as 民法典 第201–203条 count them: the start day not counted, months to the matching day or the
month's last day, and a last day on a rest day moved to the next working day."""

from __future__ import annotations

from datetime import date

from core import periods

HOLIDAYS = {date(2026, 10, d) for d in range(1, 9)}  # a made-up National Day week, 1-8 Oct


def calendar(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def test_a_period_in_days_does_not_count_its_start_day():
    monday = date(2026, 9, 7)
    assert periods.period_end_days(monday, 7) == date(2026, 9, 14)  # the next Monday
    assert periods.period_end_days(monday, 7, calendar) == date(2026, 9, 14)
    assert periods.period_end_days(monday, 1) == date(2026, 9, 8)


def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day():
    # Saturday 12 Sept + 7 = Saturday 19: moved to Monday 21; without a calendar it stays.
    assert periods.period_end_days(date(2026, 9, 12), 7, calendar) == date(2026, 9, 21)
    assert periods.period_end_days(date(2026, 9, 12), 7) == date(2026, 9, 19)
    # 24 Sept + 7 = 1 Oct, a holiday: the holiday week and its weekend pass, Friday 9 Oct is the end.
    assert periods.period_end_days(date(2026, 9, 24), 7, calendar) == date(2026, 10, 9)
    # Friday 18 Sept + 7 = Friday 25 Sept, a working day: unchanged.
    assert periods.period_end_days(date(2026, 9, 18), 7, calendar) == date(2026, 9, 25)


def test_a_period_in_months_ends_on_the_matching_day_or_the_months_last_day():
    assert periods.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert periods.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert periods.add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)
    assert periods.add_months(date(2026, 1, 15), 1) == date(2026, 2, 15)
    assert periods.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert periods.add_months(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert periods.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    # 31 Aug + 1 month = 30 Sept (Wednesday); 1 Sept + 1 month = 1 Oct, a holiday: rolled to 9 Oct.
    assert periods.period_end_months(date(2026, 8, 31), 1, calendar) == date(2026, 9, 30)
    assert periods.period_end_months(date(2026, 9, 1), 1, calendar) == date(2026, 10, 9)
    assert periods.period_end_months(date(2026, 9, 1), 1) == date(2026, 10, 1)


def test_working_days_skip_rest_days_and_do_not_count_the_start():
    friday = date(2026, 9, 25)
    assert periods.working_days_after(friday, 1) == date(2026, 9, 28)
    assert periods.working_days_after(friday, 0) == friday
    assert periods.working_days_after(date(2026, 9, 30), 1, calendar) == date(2026, 10, 9)
    assert periods.working_days_between(friday, date(2026, 9, 28)) == 1
    assert periods.working_days_between(friday, friday) == 0
    assert periods.working_days_between(date(2026, 9, 30), date(2026, 10, 9), calendar) == 1

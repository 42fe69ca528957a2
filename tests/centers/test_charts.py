"""The service center system's home-page charts: requests and the on-time rate by month (an open request
past its promise counts as late), this month's duty attendance by village or township."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from centers import charts
from centers.services import duty
from core.charts import rows_of
from core.registry import charts_for
from regions.roles import Level, Role
from tests.centers.builders import accept, shift_on, transition
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)  # a Wednesday


@contextmanager
def on(day: dt.date):
    """The services' clock on ``day`` (acceptance and completion dates come from it)."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def chart(key: str):
    return next(c for c in charts_for(Level.TOWNSHIP) if c.key == key)


def figures(key: str, region, today: dt.date = TODAY) -> dict:
    """The chart's table: {first cell: the other cells}, as a person reads it under the chart."""
    found = chart(key)
    built = found.build(rows=rows_of([found], region, today)[key], region=region, today=today)
    return {row[0]: tuple(row[1:]) for row in built["table"].rows}


def finish(world, request, day: dt.date):
    with on(day):
        return transition(world, transition(world, request, "start"), "complete", result="已办好")


def test_months_back_runs_twelve_months_to_the_current_one():
    firsts = charts.months_back(TODAY)
    assert firsts[0] == dt.date(2025, 12, 1) and firsts[-1] == dt.date(2026, 11, 1) and len(firsts) == 12


def test_requests_by_month_count_open_requests_past_their_promise_as_late(world):
    with on(dt.date(2026, 9, 10)):
        on_time, late, open_late, returned = (accept(world, applicant_name=f"申请人{n}") for n in range(4))
    finish(world, on_time, dt.date(2026, 9, 15))
    finish(world, late, late.promised_date + dt.timedelta(days=1))
    transition(
        world,
        returned,
        "return",
        note="材料不属实",
        reply_channel="当面告知",
        reply_text="材料与实际不符，不予办理",
    )
    with on(dt.date(2026, 11, 24)):
        accept(world, applicant_name="新申请")  # open, promise not yet reached: not counted either way
    with on(dt.date(2025, 11, 28)):
        accept(world, applicant_name="一年多以前")  # before the twelve months
    b1_clerk = make_user("village_b1_clerk", Role.VILLAGE_SECRETARY, world.village_b1)
    with on(dt.date(2026, 9, 11)):
        accept(world, actor=b1_clerk, village=world.village_b1, applicant_name="柳河乡申请人")

    table = figures("requests_by_month", world.township_a)
    # accepted, done, open past the promise, done on time, done by an approved extension, rate
    # (on time / (done + open past the promise))
    assert table["2026年9月"] == (4, 2, 1, 1, 0, "33.3%（1/3）")
    assert table["2026年11月"] == (1, 0, 0, 0, 0, "—")
    assert table["2026年10月"] == (0, 0, 0, 0, 0, "—")
    assert list(table)[0] == "2025年12月" and len(table) == 12
    assert open_late.status == "accepted"
    # The county counts both townships; the other township counts only its own.
    assert figures("requests_by_month", world.county)["2026年9月"] == (5, 2, 2, 1, 0, "25.0%（1/4）")
    assert figures("requests_by_month", world.township_b)["2026年9月"] == (1, 0, 1, 0, 0, "0.0%（0/1）")


def test_on_time_boundary_is_the_promised_date(world):
    with on(dt.date(2026, 9, 10)):
        done_on_the_day, still_open = accept(world), accept(world, applicant_name="钱")
    finish(world, done_on_the_day, done_on_the_day.promised_date)
    promised = still_open.promised_date
    # On the promised day the open request is not late yet; the day after it is.
    assert figures("requests_by_month", world.township_a, promised)["2026年9月"] == (
        2,
        1,
        0,
        1,
        0,
        "100.0%（1/1）",
    )
    day_after = promised + dt.timedelta(days=1)
    assert figures("requests_by_month", world.township_a, day_after)["2026年9月"] == (
        2,
        1,
        1,
        1,
        0,
        "50.0%（1/2）",
    )


def test_rate_rounds_half_up_from_the_integers(world):
    # one of eight on time (seven still open past the promise): 12.5%
    with on(dt.date(2026, 9, 10)):
        requests = [accept(world, applicant_name=f"申请人{n}") for n in range(8)]
    finish(world, requests[0], dt.date(2026, 9, 14))
    assert figures("requests_by_month", world.township_a)["2026年9月"] == (8, 1, 7, 1, 0, "12.5%（1/8）")


def test_attendance_by_village_below_a_township_and_by_township_below_the_county(world):
    a2_cadre = make_user("village_a2_clerk", Role.VILLAGE_SECRETARY, world.village_a2)
    clerk = world.village_a1_clerk
    absent = shift_on(world, dt.date(2026, 11, 2))
    duty.duty_absences_mark(now=at(dt.date(2026, 11, 2), 12))
    duty.shift_check_in(
        actor=clerk, shift=shift_on(world, dt.date(2026, 11, 23)), now=at(dt.date(2026, 11, 23), 8, 30)
    )
    duty.shift_check_in(
        actor=clerk, shift=shift_on(world, dt.date(2026, 11, 24)), now=at(dt.date(2026, 11, 24), 9, 40)
    )
    shift_on(world, TODAY)  # today, not checked in yet: due, neither attended nor absent
    shift_on(world, dt.date(2026, 11, 27))  # after today: not due
    last_month = shift_on(world, dt.date(2026, 10, 30))
    duty.duty_absences_mark(now=at(dt.date(2026, 10, 30), 12))
    a2_shift = duty.roster_set_day(
        actor=a2_cadre, village=world.village_a2, day=dt.date(2026, 11, 23), cadre=a2_cadre
    )
    duty.shift_check_in(actor=a2_cadre, shift=a2_shift, now=at(dt.date(2026, 11, 23), 8, 0))
    absent.refresh_from_db()
    last_month.refresh_from_db()
    assert absent.attendance == last_month.attendance == "absent"

    # due, attended, late, absent, rate
    assert figures("attendance_by_child", world.township_a) == {
        "白马村": (4, 2, 1, 1, "50.0%"),
        "张庄村": (1, 1, 0, 0, "100.0%"),
    }
    assert figures("attendance_by_child", world.county) == {"安乐镇": (5, 3, 1, 1, "60.0%")}
    assert figures("attendance_by_child", world.township_b) == {}


def test_the_shell_reads_every_chart_of_a_page_in_one_query(world, django_assert_num_queries):
    with on(dt.date(2026, 9, 10)):
        accept(world)
    found = charts_for(Level.TOWNSHIP)
    assert {"requests_by_month", "attendance_by_child", "matters_by_step"} <= {c.key for c in found}
    with django_assert_num_queries(1):
        rows = rows_of(found, world.township_a, TODAY)
    assert rows["requests_by_month"][0].values == (1, 0, 0, 1, 0)  # open past its promise: late
    assert rows["attendance_by_child"] == [] and rows["matters_by_step"] == []

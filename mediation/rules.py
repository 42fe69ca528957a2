"""The time limits of mediation (DOMAIN_RULES B.1.4, C.4, C.5): due dates computed once, from the
county's rules and working-day calendar, and the yellow/red flags read from them.

Periods count as 民法典 第201–203条 count them (core.periods through regions.workdays): the starting
day is not counted, a month ends on the matching day (or the month's last day), and a last day that is
a rest day moves to the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from regions.models import Region
from regions.selectors import county_of
from regions.workdays import period_end, period_end_in_months, working_days_after

# 人民调解法 第33条: "自调解协议生效之日起三十日内" the parties may apply for 司法确认.
CONFIRMATION_DAYS = 30


def accept_due_on(village_or_region: Region, start: dt.date, working_days: int) -> dt.date:
    """The last day to accept (or refuse) a dispute registered, or escalated, on ``start``."""
    return working_days_after(county=county_of(village_or_region), start=start, days=working_days)


def mediation_due_on(region: Region, accepted_on: dt.date, months: int) -> dt.date:
    """The last day of mediation: ``months`` calendar months after acceptance (31 Jan -> 28/29 Feb)."""
    return period_end_in_months(county=county_of(region), start=accepted_on, months=months)


def extended_due_on(region: Region, due_on: dt.date, months: int) -> dt.date:
    """The due date after an extension of ``months`` months, counted from the due date in force."""
    return period_end_in_months(county=county_of(region), start=due_on, months=months)


def confirmation_last_day(region: Region, effective_on: dt.date) -> dt.date:
    """The last day to apply for 司法确认: 30 days after the agreement took effect."""
    return period_end(county=county_of(region), start=effective_on, days=CONFIRMATION_DAYS)


def follow_up_due_on(
    region: Region,
    *,
    effective_on: dt.date,
    performance_due_on: dt.date | None,
    after_performance_days: int,
    after_effective_days: int,
) -> dt.date:
    """The first follow-up visit (回访): some days after the performance deadline, else some days after
    the agreement took effect (人民调解法 第31条 "监督履行"; 规定 "适时进行回访")."""
    county = county_of(region)
    if performance_due_on is not None:
        return period_end(county=county, start=performance_due_on, days=after_performance_days)
    return period_end(county=county, start=effective_on, days=after_effective_days)


@dataclass(frozen=True)
class Flag:
    """How a due date stands today: "" (in time), "yellow" (due within the warning days) or "red"."""

    colour: str
    label: str


IN_TIME = Flag("", "")


def due_flag(due_on: dt.date | None, today: dt.date, warn_days: int) -> Flag:
    """Red from the day after the due date; yellow from ``warn_days`` before it through the due date."""
    if due_on is None:
        return IN_TIME
    if today > due_on:
        return Flag("red", f"已超期{(today - due_on).days}天")
    if (due_on - today).days <= warn_days:
        left = (due_on - today).days
        return Flag("yellow", "今天到期" if left == 0 else f"{left}天后到期")
    return IN_TIME

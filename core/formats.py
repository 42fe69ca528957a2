"""One way to write dates and rates across the portal, for templates (core.templatetags.portal) and
for the few messages services compose."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone


def zh_date(value) -> str:
    """Dates as users write them: 2026年11月21日 (a datetime in Beijing time; ISO text from a payload too)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # the date in Beijing, not in UTC
    return f"{value.year}年{value.month}月{value.day}日"


def zh_month_day(value) -> str:
    """11月21日: for short notices within the current year."""
    if not value:
        return ""
    return f"{value.month}月{value.day}日"


class Rate:
    """A share kept as its numerator and denominator: every rate on a page, a panel or a spreadsheet is
    one of these, so it reads the same everywhere (one decimal, "—" when there is nothing to divide by)
    and sums stay exact (a subtotal's rate is its summed parts over its summed wholes, not a mean)."""

    __slots__ = ("part", "whole")

    def __init__(self, part, whole):
        self.part = part or 0
        self.whole = whole or 0

    @property
    def fraction(self) -> float | None:
        """part / whole (0.967), what a spreadsheet cell with a percent format holds; None for 0/0."""
        return self.part / self.whole if self.whole else None

    @property
    def percent(self) -> float | None:
        return self.part * 100 / self.whole if self.whole else None

    @property
    def rounded(self) -> Decimal | None:
        """The percent to one decimal, rounded half up from the integers (DOMAIN_RULES 0.3.4: 1/16 is
        6.3 %, not the 6.2 % binary floats and banker's rounding would give)."""
        if not self.whole:
            return None
        return (Decimal(self.part) * 100 / Decimal(self.whole)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def __str__(self) -> str:
        value = self.rounded
        return "—" if value is None else f"{value}%"

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.part + other.part, self.whole + other.whole)

    def __eq__(self, other) -> bool:
        if isinstance(other, Rate):
            return (self.part, self.whole) == (other.part, other.whole)
        if isinstance(other, int | float) and not isinstance(other, bool):
            return self.percent == other  # a rate reads as its percent: Rate(1, 1) == 100
        return NotImplemented

    def __round__(self, digits: int | None = None):
        return None if self.percent is None else round(self.percent, digits)

    def __hash__(self) -> int:
        # Equal objects hash equal: a rate equals its percent as a number (Rate(1, 2) == 50).
        return hash(self.percent) if self.whole else hash((self.part, self.whole))

    def __repr__(self) -> str:
        return f"Rate({self.part}/{self.whole})"

    def sort_key(self) -> float:
        """For sorting tables: no denominator sorts below 0 %."""
        value = self.percent
        return -1.0 if value is None else value


def percent(part, whole) -> str:
    """part / whole as the portal writes a rate: 96.7%, or — when whole is 0."""
    return str(Rate(part, whole))


def figure(value) -> str:
    """A count as is (12), a mean to one decimal (3.5), — for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}"


def money(value) -> str:
    """Amounts in yuan as the portal writes them: 253,200.00元 (— when there is none)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}元"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)

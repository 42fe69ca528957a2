"""Reads of the 积案 list and the home-page panels (DOMAIN_RULES B.1.5, B.1.6): petitions still open
longer than the county's ``backlog_days``, and the open, due and red cases below a region.

A 积案 is a case that is (or became) a petition (``petition_started_on`` recorded) and is still being
handled (registered, accepted, mediating or escalated: ``OPEN_STATES``) more than the county's
``backlog_days`` or more after the petition started (DOMAIN_RULES B.1.6 "one year or more": the day itself
counts, 民法典 第1259条 "以上"), as the figures count it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mediation.models import OPEN_STATES, Dispute, MediationRules
from mediation.permissions import VIEW_DISPUTES


def backlog_q(today: dt.date) -> Q:
    """The 积案 condition, each county with its own ``backlog_days`` (one query reads the counties that
    changed the default; every other county has the default)."""
    default = MediationRules().backlog_days
    custom = {
        prefix: days
        for prefix, days in MediationRules.objects.values_list("county__prefix", "backlog_days")
        if days != default
    }
    condition = Q(petition_started_on__lte=today - dt.timedelta(days=default))
    for prefix in custom:
        condition &= ~Q(village__prefix__startswith=prefix)
    for prefix, days in custom.items():
        condition |= Q(
            village__prefix__startswith=prefix, petition_started_on__lte=today - dt.timedelta(days=days)
        )
    return Q(state__in=OPEN_STATES, petition_started_on__isnull=False) & condition


def backlog_for_user(*, user, today: dt.date) -> QuerySet[Dispute]:
    """The 积案 the user may see (VIEW_DISPUTES), the oldest petition first. Two queries with a page:
    the rules (in ``backlog_q``) and the rows; a paginator adds its count."""
    return (
        Dispute.objects.for_user(user, VIEW_DISPUTES)
        .filter(backlog_q(today))
        .select_related("village", "village__parent", "handling_region")
        .order_by("petition_started_on", "id")
    )


@dataclass(frozen=True)
class Age:
    """How long a petition has been open: whole years and the days after them."""

    years: int
    days: int

    def __str__(self) -> str:
        return f"{self.years}年{self.days}天" if self.years else f"{self.days}天"


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 Feb in a year without it: the anniversary is 28 Feb
        return start.replace(year=start.year + years, day=28)


def petition_age(started_on: dt.date, today: dt.date) -> Age:
    """Whole years since ``started_on`` (an anniversary completes a year) and the days after the last."""
    years = today.year - started_on.year
    if _anniversary(started_on, years) > today:
        years -= 1
    return Age(years, (today - _anniversary(started_on, years)).days)

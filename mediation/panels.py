"""Home-page panels of the mediation system (registered in apps.py), cached under the "mediation" topic
(every service calls ``core.region_cache.touch("mediation", village)``; entries also expire with the
panel TTL, so a flag that turns red overnight shows within minutes).

The cases themselves are shown only to whoever may view the region's disputes (``personal``); the
counts name nobody and are shown to everyone who sees the region.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.urls import reverse
from django.utils import timezone

from mediation.models import OPEN_STATES, Dispute, MediationRules, State
from mediation.permissions import REPORT_DISPUTES, VIEW_DISPUTES
from mediation.rules import due_flag
from mediation.services.reminders import ACCEPT_STATES, MEDIATION_STATES, clock_of
from regions.scoping import region_in_scope

VILLAGE_LIST = 8
OLDEST_RED = 5


def register_url() -> str:
    return reverse("mediation:dispute-create")


def red_q(today: dt.date) -> Q:
    """A case whose running clock is past its due date (acceptance, mediation or the first follow-up)."""
    return (
        Q(state__in=ACCEPT_STATES, accept_due_on__lt=today)
        | Q(state__in=MEDIATION_STATES, due_on__lt=today)
        | Q(
            state=State.AGREED,
            agreement__effective_on__isnull=False,
            agreement__follow_up_due_on__lt=today,
        )
    )


def running_due():
    """The due date of the running clock, as an expression (for ordering the red cases)."""
    return Case(
        When(state__in=ACCEPT_STATES, then=F("accept_due_on")),
        When(state__in=MEDIATION_STATES, then=F("due_on")),
        default=F("agreement__follow_up_due_on"),
    )


def village_data(*, region) -> dict:
    """The village's own open cases (handled there: grid and village level) with their due flags, the
    most urgent first. One query (the county's rules come from the cache)."""
    today = timezone.localdate()
    warn_days = MediationRules.for_region(region).warn_days
    cases = []
    for dispute in (
        Dispute.objects.filter(handling_region=region)
        .exclude(
            state__in=(State.NOT_ACCEPTED, State.CLOSED, State.FAILED, State.TERMINATED, State.TRANSFERRED)
        )
        .select_related("agreement")
        .only(
            "id",
            "number",
            "state",
            "dispute_type",
            "level",
            "accept_due_on",
            "due_on",
            "found_on",
            "agreement__effective_on",
            "agreement__follow_up_due_on",
        )
    ):
        clock, due = clock_of(dispute)
        cases.append((dispute, clock.what if due else "", due, due_flag(due, today, warn_days)))
    rank = {"red": 0, "yellow": 1, "": 2}
    cases.sort(key=lambda c: (rank[c[3].colour], c[2] or dt.date.max, c[0].pk))
    return {
        "cases": cases[:VILLAGE_LIST],
        "open": len(cases),
        "red": sum(1 for c in cases if c[3].colour == "red"),
        "yellow": sum(1 for c in cases if c[3].colour == "yellow"),
        "region": region,
        "register_url": register_url(),
    }


def village_personal(*, user, region) -> dict:
    return {
        "can_view": region_in_scope(user, VIEW_DISPUTES, region),
        "can_report": region_in_scope(user, REPORT_DISPUTES, region),
    }


def oversight_data(*, region) -> dict:
    """Below a township or the county: open cases, red ones (and the few longest overdue), escalated ones
    waiting for the receiving level, 积案. One query: the counts are window aggregates over the subtree,
    read off the rows of the longest-overdue cases (red first), so they come back as long as any case
    exists (the county's rules come from the cache)."""
    today = timezone.localdate()
    rules = MediationRules.for_region(region)
    red = red_q(today)
    everything = Window(Count("pk"))
    rows = list(
        Dispute.objects.within(region)
        .annotate(
            running_due=running_due(),
            is_red=Case(When(red, then=Value(1)), default=Value(0), output_field=IntegerField()),
            n_open=Window(Count("pk", filter=Q(state__in=OPEN_STATES))),
            n_red=Window(Count("pk", filter=red)),
            n_escalated=Window(Count("pk", filter=Q(state=State.ESCALATED))),
            n_backlog=Window(
                Count(
                    "pk",
                    filter=Q(
                        state__in=OPEN_STATES,
                        petition_started_on__lte=today - dt.timedelta(days=rules.backlog_days),
                    ),
                )
            ),
            n_all=everything,
        )
        .select_related("village")
        .only("id", "number", "state", "level", "dispute_type", "village__name")
        .order_by("-is_red", "running_due", "id")[:OLDEST_RED]
    )
    first = rows[0] if rows else None
    counts = {
        name: getattr(first, f"n_{name}", 0) if first is not None else 0
        for name in ("open", "red", "escalated", "backlog")
    }
    return {
        "counts": counts,
        "oldest": [(d, (today - d.running_due).days) for d in rows if d.is_red],
        "region": region,
    }


def oversight_personal(*, user, region) -> dict:
    return {"can_view": region_in_scope(user, VIEW_DISPUTES, region)}

"""Home-page panels of the decisions system (registered in apps.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from decisions import selectors
from decisions.models import DecisionRules, Matter
from decisions.permissions import MANAGE_DECISIONS
from regions.scoping import region_in_scope


def village_data(*, region) -> dict:
    """The village's open matters and what each waits for. One query."""
    open_matters = list(
        Matter.objects.filter(village=region, status=Matter.Status.OPEN)
        .only("id", "title", "step", "step_since")
        .order_by("step_since", "id")[:6]
    )
    return {"matters": open_matters, "region": region}


def village_personal(*, user, region) -> dict:
    return {"can_create": region_in_scope(user, MANAGE_DECISIONS, region)}


def oversight_data(*, region) -> dict:
    """This year's figures below the region: decided, on time, stuck, supervision objections. Three queries."""
    today = timezone.localdate()
    stuck_before = today - datetime.timedelta(days=DecisionRules.for_region(region).stuck_days)
    figures = selectors.decision_figures(region=region, year=today.year, stuck_before=stuck_before)
    return {
        "figures": figures,
        "region": region,
        "stuck_count": figures["stuck"],
        "objections_count": selectors.supervision_objections(region=region).count(),
    }

"""Home-page panels of the decisions app (registered into centers.panels)."""

from __future__ import annotations

from centers.panels import Panel, register
from centers.roles import Level


def _village_panel(*, user, region) -> dict:
    """The village's open matters and what each waits for. Two queries."""
    from centers.roles import MANAGE_DECISIONS
    from centers.scoping import region_in_scope
    from decisions.models import Matter

    open_matters = list(Matter.objects.filter(village=region, status=Matter.Status.OPEN)
                        .only("id", "title", "step", "step_since").order_by("step_since", "id")[:6])
    return {"matters": open_matters, "region": region,
            "can_create": region_in_scope(user, MANAGE_DECISIONS, region)}


def _oversight_panel(*, user, region) -> dict:
    """This year's figures below the region: decided, on time, stuck, supervision objections. Three queries."""
    import datetime

    from django.utils import timezone

    from decisions import selectors
    from decisions.services import rules_for

    today = timezone.localdate()
    stuck_before = today - datetime.timedelta(days=rules_for(region).stuck_days)
    figures = selectors.decision_figures(region=region, year=today.year, stuck_before=stuck_before)
    return {"figures": figures, "region": region, "stuck_count": figures["stuck"],
            "objections_count": selectors.supervision_objections(region=region).count()}


register(Panel("decisions", "民主决策（四议两公开）", "decisions/panels/village.html", _village_panel,
               (Level.VILLAGE,), order=17))
register(Panel("decision_oversight", "民主决策（四议两公开）", "decisions/panels/oversight.html", _oversight_panel,
               (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE), order=17))

"""Home-page panels of the service center system (registered in apps.py): each is one selector call."""

from __future__ import annotations

from django.utils import timezone

from centers import selectors
from centers.models import DutyRules
from centers.permissions import CHANGE_CENTER
from centers.selectors import ATTENDANCE_SUMS
from core import tables
from regions.roles import Level
from regions.scoping import region_in_scope


def center_data(*, region) -> dict:
    """The region's own center and its building standard. Two queries."""
    center, items = selectors.center_summary(region=region)
    return {
        "center": center,
        "checklist_total": len(items),
        "checklist_met": sum(1 for item in items if item.met),
        "unmet_items": [item for item in items if not item.met],
    }


def requests_data(*, region) -> dict:
    """The open requests below the region, and the request list filtered to it (全部代办 on a township's
    page opens that township's requests, not everything the viewer may see)."""
    data = selectors.open_requests_summary(region=region, today=timezone.localdate())
    data["list_filter"] = {Level.TOWNSHIP: "township", Level.VILLAGE: "village"}.get(region.level, "")
    data["region_code"] = region.code
    return data


def requests_personal(*, user, region) -> dict:
    return {"can_accept": region.level == Level.VILLAGE and region_in_scope(user, CHANGE_CENTER, region)}


def duty_data(*, region) -> dict:
    """Today's shift at the village, with one-tap check-in/out for the cadre on duty (the template compares
    the shift's cadre with the viewer). One query."""
    today = timezone.localdate()
    return {
        "shift": selectors.duty_today(village=region, today=today),
        "rules": DutyRules.for_region(region),
        "today": today,
    }


def duty_personal(*, user, region) -> dict:
    """What the panel's cached HTML differs by: the viewer (only the cadre on duty gets the buttons), the
    day, and the county's duty hours (a county's change cannot bump every village's version)."""
    rules = DutyRules.for_region(region)
    return {
        "viewer": user.pk,
        "day": timezone.localdate().isoformat(),
        "hours": f"{rules.starts_at:%H%M}-{rules.ends_at:%H%M}-{rules.cutoff:%H%M}",
    }


def attendance_data(*, region) -> dict:
    """This month's duty attendance below the region (one grouped query)."""
    today = timezone.localdate()
    rows = selectors.attendance_by_village(region=region, start=today.replace(day=1), end=today, today=today)
    totals = tables.totals(rows, sums=ATTENDANCE_SUMS, rates=("rate",))
    worst = sorted((r for r in rows if r["absent"]), key=lambda r: -r["absent"])[:5]
    return {"totals": totals, "worst": worst, "region": region}


def checklist_by_child(*, region) -> dict:
    return selectors.checklist_met_by_child(region=region)


def suggestions_data(*, region) -> dict:
    """The unanswered suggestions below the region: how many and the longest waiting. One query."""
    data = selectors.suggestions_open_summary(region=region)
    data["list_filter"] = {Level.TOWNSHIP: "township", Level.VILLAGE: "village"}.get(region.level, "")
    data["region_code"] = region.code
    data["region"] = region
    return data

"""Home-page panels: a panel is one template plus one selector, registered for some region levels.

Later apps register their panels from their AppConfig.ready() with ``register(Panel(...))``.
A selector takes (user, region) and returns the template's context; it must cost a fixed
number of queries whatever the size of the region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from centers.roles import Level


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    selector: Callable[..., dict]
    levels: tuple[str, ...]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def panels_for(level: str) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if level in p.levels), key=lambda p: (p.order, p.key))


def _center_panel(*, user, region) -> dict:
    from centers.models import ServiceCenter
    from centers.selectors import center_checklist

    center = ServiceCenter.objects.filter(region=region).select_related("region").prefetch_related("rooms").first()
    checklist = center_checklist(center=center) if center else []
    met = sum(1 for _, entry in checklist if entry and entry.is_met)
    return {"center": center, "checklist_total": len(checklist), "checklist_met": met,
            "unmet_items": [item for item, entry in checklist if not (entry and entry.is_met)]}


def _people_panel(*, user, region) -> dict:
    from centers.selectors import active_posts_in

    return {"posts": list(active_posts_in(region=region))}


def _due_panel(*, user, region) -> dict:
    from notifications.selectors import notification_list

    return {"due_notifications": list(notification_list(user=user).filter(read_at__isnull=True)[:8])}


def _children_panel(*, user, region) -> dict:
    from centers.selectors import checklist_items_for, county_of, region_children

    children = list(region_children(region=region))
    # Above county level the counties' own items differ; the rate is then against the standard items.
    items_total = checklist_items_for(county_of(region)).count()
    for child in children:
        child.checklist_possible = child.center_count * items_total
    return {"children": children, "child_level_label": children[0].get_level_display() if children else ""}


def _requests_panel(*, user, region) -> dict:
    """Open proxy requests below the region: counts by flag and the most urgent ones (督办)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from centers.models import ProxyRequest
    from centers.roles import CHANGE_CENTER
    from centers.scoping import region_in_scope

    today = timezone.localdate()
    open_requests = ProxyRequest.objects.filter(village__prefix__startswith=region.prefix,
                                                status__in=ProxyRequest.OPEN)
    counts = open_requests.aggregate(
        open=Count("pk"), red=Count("pk", filter=Q(promised_date__lt=today)),
        yellow=Count("pk", filter=Q(warn_on__lte=today, promised_date__gte=today)))
    urgent = list(open_requests.filter(warn_on__lte=today).select_related("item", "village", "handler")
                  .order_by("promised_date", "id")[:10])
    for request in urgent:
        request.flag = request.flag_on(today)
    return {"counts": counts, "urgent": urgent,
            "can_accept": region.level == Level.VILLAGE and region_in_scope(user, CHANGE_CENTER, region)}


def _duty_panel(*, user, region) -> dict:
    """Today's duty shift at the village: who, and for the on-duty cadre one-tap check-in/out."""
    from django.utils import timezone

    from centers.models import DutyShift
    from centers.selectors import county_of
    from centers.services.duty import duty_rules_for

    today = timezone.localdate()
    shift = DutyShift.objects.filter(village=region, date=today).select_related("cadre").first()
    return {"shift": shift, "is_mine": bool(shift and shift.cadre_id == user.pk),
            "rules": duty_rules_for(county_of(region)), "today": today}


def _attendance_panel(*, user, region) -> dict:
    """This month's duty attendance below the region (one grouped query)."""
    from django.utils import timezone

    from centers.selectors import attendance_by_village

    today = timezone.localdate()
    rows = attendance_by_village(region=region, start=today.replace(day=1), end=today, today=today)
    totals = {k: sum(r[k] for r in rows) for k in ("due", "attended", "late", "absent")}
    totals["rate"] = totals["attended"] * 100 / totals["due"] if totals["due"] else None
    worst = sorted((r for r in rows if r["absent"]), key=lambda r: -r["absent"])[:5]
    return {"totals": totals, "worst": worst, "region": region}


register(Panel("attendance", "本月坐班出勤", "centers/panels/attendance.html", _attendance_panel,
               (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE), order=16))
register(Panel("duty", "今日值班", "centers/panels/duty.html", _duty_panel, (Level.VILLAGE,), order=5))
register(Panel("requests", "代办督办", "centers/panels/requests.html", _requests_panel,
               (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE), order=15))
register(Panel("due", "待办提醒", "centers/panels/due.html", _due_panel,
               (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE), order=10))
register(Panel("center", "党群服务中心", "centers/panels/center.html", _center_panel,
               (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY), order=20))
register(Panel("people", "在岗人员", "centers/panels/people.html", _people_panel,
               (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY), order=30))
register(Panel("children", "下辖区划", "centers/panels/children.html", _children_panel,
               (Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE), order=40))

"""Reads of the service center system: scoped querysets and the figures pages, with fixed query counts."""

from __future__ import annotations

import calendar as calendar_module
import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.shortcuts import get_object_or_404

from centers.models import (
    ChecklistEntry,
    ChecklistItem,
    DutyShift,
    ProxyRequest,
    ProxyRequestTimelineEvent,
    RoomType,
    ServiceCenter,
    ServiceItem,
    Suggestion,
)
from centers.permissions import CHANGE_CENTER, MANAGE_CENTER_LISTS, MANAGE_SERVICE_ITEMS
from core import region_cache
from core.formats import Rate
from core.text import is_ascii_digits
from regions.models import CalendarDay, Region
from regions.roles import VIEW, Level, Role, roles_granting
from regions.scoping import ALL_REGIONS, regions_for_user, scope_prefixes
from regions.selectors import by_child, pinyin
from regions.workdays import is_working_day

# Village-level posts whose holders take duty shifts.
DUTY_ROLES = (
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
    Role.FIRST_SECRETARY,
    Role.LIAISON_CADRE,
    Role.DUTY_VOLUNTEER,
)


# -- the center and its building standard ----------------------------------------------------------


def center_checklist(*, center: ServiceCenter) -> list[tuple]:
    """(item, entry or None) for every active item in force at the center, in order. Two queries."""
    entries = {e.item_id: e for e in center.checklist_entries.select_related("updated_by")}
    items = ChecklistItem.objects.applying_at(center.region).order_by("sort_order", "id")
    return [(item, entries.get(item.pk)) for item in items]


def center_summary(*, region: Region) -> tuple[ServiceCenter | None, list[ChecklistItem]]:
    """The region's center with its rooms' names, and the items in force there, each marked met or not.
    Two queries (the home page's panel)."""
    center = (
        ServiceCenter.objects.filter(region=region)
        .annotate(
            room_names=ArrayAgg(
                "rooms__name",
                filter=Q(rooms__isnull=False),
                default=[],
                order_by=("rooms__sort_order", "rooms__id"),
            )
        )
        .first()
    )
    if center is None:
        return None, []
    met = ChecklistEntry.objects.filter(center=center, item=OuterRef("pk"), is_met=True)
    items = list(
        ChecklistItem.objects.applying_at(region).annotate(met=Exists(met)).order_by("sort_order", "id")
    )
    return center, items


def checklist_photo_get_for_user(*, user, pk: int) -> ChecklistEntry:
    return get_object_or_404(ChecklistEntry.objects.for_user(user).exclude(photo=""), pk=pk)


def checklist_met_by_child(*, region: Region) -> dict[str, tuple[int, int]]:
    """Building-standard items met per child region against the items possible there: {prefix: (met, possible)}.
    One query (the number of items possible is a scalar subquery of it); above county level the counties'
    own items differ, so the rate is against the standard items."""
    items_total = (
        ChecklistItem.objects.applying_at(region)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    met_entry = Q(checklist_entries__is_met=True, checklist_entries__item__is_active=True)
    rows = by_child(
        ServiceCenter.objects.all(),
        "region__prefix",
        region,
        centers=Count("pk", distinct=True),
        met=Count("checklist_entries", filter=met_entry),
        items=Subquery(items_total),
    )
    return {prefix: (row["met"], row["centers"] * (row["items"] or 0)) for prefix, row in rows.items()}


def center_list_counties(*, user) -> QuerySet[Region]:
    """Counties whose own rooms and standard items the user maintains."""
    return regions_for_user(user, MANAGE_CENTER_LISTS).filter(level=Level.COUNTY).order_by("code")


def center_lists(*, user, county: Region) -> tuple[QuerySet[RoomType], QuerySet[ChecklistItem]]:
    """Everything on a county's lists, switched off or not, for its maintenance page."""
    return (
        RoomType.objects.for_maintenance(user, MANAGE_CENTER_LISTS, county).order_by("sort_order", "id"),
        ChecklistItem.objects.for_maintenance(user, MANAGE_CENTER_LISTS, county).order_by("sort_order", "id"),
    )


# -- the service-item catalog ------------------------------------------------------------------------


def service_items_visible(
    *, user, query: str = "", category: str = "", handling_way: str = "", include_inactive: bool = False
) -> QuerySet[ServiceItem]:
    """Items that apply where the user works: the standard ones, those of the user's county and
    township (ancestors), and for county/township users those their area added (subtree)."""
    prefixes = scope_prefixes(user, VIEW)
    if not prefixes:
        return ServiceItem.objects.none()
    items = ServiceItem.objects.select_related("region")
    if "" not in prefixes:
        ancestors = {p[:n] for p in prefixes for n in (6, 9) if n <= len(p)}
        condition = Q(region__isnull=True) | Q(region__prefix__in=ancestors)
        for prefix in prefixes:
            condition |= Q(region__prefix__startswith=prefix)
        items = items.filter(condition)
    if not include_inactive:
        items = items.filter(is_active=True)
    if query:
        items = items.filter(Q(name__contains=query) | Q(office__contains=query))
    if category:
        items = items.filter(category=category)
    if handling_way:
        items = items.filter(handling_way=handling_way)
    return items.order_by("sort_order", "id")


def service_item_choices(*, user) -> list[tuple[int, str]]:
    """(id, name) of the items that apply where the user works, for filter forms (no model instances);
    cached per scope until an item changes anywhere (ServiceItem.cache_topic)."""
    scope = hashlib.sha256(",".join(scope_prefixes(user, VIEW)).encode()).hexdigest()[:24]
    return region_cache.cached_for_scope(
        ServiceItem.cache_topic,
        ALL_REGIONS,
        f"choices:{scope}",
        lambda: list(service_items_visible(user=user).values_list("pk", "name")),
    )


def service_item_owner_choices(*, user) -> QuerySet[Region]:
    """Counties and townships for which the user maintains service items (their own posts' regions)."""
    prefixes = scope_prefixes(user, MANAGE_SERVICE_ITEMS)
    regions = Region.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP))
    if "" in prefixes:
        return regions.filter(level=Level.COUNTY).order_by("code")
    return regions.filter(prefix__in=prefixes).order_by("code")


# -- proxy requests ----------------------------------------------------------------------------------


def proxy_requests_for_user(
    *,
    user,
    status: str = "",
    flag: str = "",
    item_id: int | None = None,
    handler_id: int | None = None,
    date_from=None,
    date_to=None,
    query: str = "",
    township: str = "",
    village: str = "",
    extension: str = "",
    today: datetime.date | None = None,
) -> QuerySet[ProxyRequest]:
    """Requests of the villages in the user's view scope, filtered; the list page and exports share it.
    ``extension="pending"``: open requests whose 延期申请 waits for the township's decision."""
    from django.utils import timezone

    today = today or timezone.localdate()
    requests = ProxyRequest.objects.for_user(user).select_related("village__parent", "item", "handler")
    if status:
        requests = requests.filter(status=status)
    if flag == "red":
        requests = requests.filter(status__in=ProxyRequest.OPEN, promised_date__lt=today)
    elif flag == "yellow":
        requests = requests.filter(status__in=ProxyRequest.OPEN, warn_on__lte=today, promised_date__gte=today)
    if extension == "pending":
        requests = requests.filter(status__in=ProxyRequest.OPEN, extension_to__isnull=False)
    if township:
        requests = requests.filter(village__parent__code=township)
    if village:
        requests = requests.filter(village__code=village)
    if item_id:
        requests = requests.filter(item_id=item_id)
    if handler_id:
        requests = requests.filter(handler_id=handler_id)
    if date_from:
        requests = requests.filter(accepted_on__gte=date_from)
    if date_to:
        requests = requests.filter(accepted_on__lte=date_to)
    if query:
        requests = requests.filter(
            Q(number=query.upper()) | Q(applicant_name=query) | Q(item__name__contains=query)
        )
    return requests.order_by("-accepted_on", "-id")


def proxy_request_events(
    *, proxy_request: ProxyRequest, public_only: bool = False
) -> list[ProxyRequestTimelineEvent]:
    events = proxy_request.timeline.select_related("actor").order_by("at", "id")
    return list(events.filter(is_public=True) if public_only else events)


def proxy_request_public(*, receipt_code: str, phone_last4: str) -> ProxyRequest | None:
    """The request behind a receipt code if the applicant's phone ends with ``phone_last4``; else None
    (the caller answers wrong code and wrong phone alike)."""
    if len(phone_last4) != 4 or not is_ascii_digits(phone_last4):
        return None
    return (
        ProxyRequest.objects.select_related("item", "village", "village__service_center")
        .filter(receipt_code=receipt_code.strip().upper(), applicant_phone__endswith=phone_last4)
        .first()
    )


def village_handlers(*, village: Region) -> QuerySet:
    """People who may carry a request of this village: posts that handle requests, on it or above."""
    from accounts.models import User

    prefixes = [village.prefix[:n] for n in (6, 9, 12)]
    return (
        User.objects.filter(
            posts__ended_on__isnull=True,
            posts__region__prefix__in=prefixes,
            posts__role__in=roles_granting(CHANGE_CENTER),
        )
        .distinct()
        .order_by("real_name")
    )


def acceptable_villages(*, user) -> QuerySet[Region]:
    """Villages where the user may accept requests, in pinyin order."""
    return regions_for_user(user, CHANGE_CENTER).filter(level=Level.VILLAGE).order_by(pinyin("name"))


def open_requests_summary(*, region: Region, today: datetime.date) -> dict:
    """Open requests below the region: counts by flag (the promise in force) and of 延期申请 waiting for
    the township, and the most urgent ones (督办). Two queries."""
    open_requests = ProxyRequest.objects.within(region).filter(status__in=ProxyRequest.OPEN)
    counts = open_requests.aggregate(
        open=Count("pk"),
        red=Count("pk", filter=Q(promised_date__lt=today)),
        yellow=Count("pk", filter=Q(warn_on__lte=today, promised_date__gte=today)),
        extension_pending=Count("pk", filter=Q(extension_to__isnull=False)),
    )
    urgent = [
        (r, r.flag_on(today))
        for r in open_requests.filter(warn_on__lte=today)
        .select_related("item", "village", "handler")
        .order_by("promised_date", "id")[:10]
    ]
    return {"counts": counts, "urgent": urgent}


def proxy_request_figures(
    *, user, region: Region, start, end, by: str = "village", today: datetime.date | None = None
) -> list[dict]:
    """Requests accepted in the period under ``region``, by village (with its township) or by item:
    accepted, done, done on time, done after an approved extension, open past their promise, average
    working days taken and satisfaction (满意+基本满意 among replies). One grouped query.

    Every on-time figure counts against the original promise (DOMAIN_RULES C.10): 按时办结 is finished
    by it; 延期办结 finished after it but by the approved date (counted apart, not on time); an open request
    past the original promise is late (超期未办结), so a village that never finishes its late requests
    does not show 100 %, and an extension does not erase it. centers.charts counts the same way."""
    from django.utils import timezone

    today = today or timezone.localdate()
    Status = ProxyRequest.Status
    key = (
        ("village__code", "village__name", "village__parent__code", "village__parent__name")
        if by == "village"
        else ("item__name",)
    )
    rows = (
        ProxyRequest.objects.for_user(user)
        .within(region)
        .filter(accepted_on__range=(start, end))
        .values(*key)
        .annotate(
            accepted=Count("pk"),
            done=Count("pk", filter=ProxyRequest.done_q()),
            on_time=Count("pk", filter=ProxyRequest.on_time_q()),
            extended=Count("pk", filter=ProxyRequest.extended_q()),
            overdue_open=Count("pk", filter=ProxyRequest.overdue_open_q(today)),
            avg_days=Avg("working_days_taken"),
            replied=Count("pk", filter=Q(status=Status.REPLIED)),
            satisfied=Count(
                "pk",
                filter=Q(
                    status=Status.REPLIED,
                    satisfaction__in=(ProxyRequest.Satisfaction.SATISFIED, ProxyRequest.Satisfaction.FAIRLY),
                ),
            ),
            days_total=Sum("working_days_taken"),
            days_counted=Count("working_days_taken"),
        )
        .order_by(*key)
    )
    return [
        dict(
            row,
            label=row.get("village__name") or row.get("item__name"),
            township=row.get("village__parent__name", ""),
            on_time_rate=Rate(row["on_time"], row["done"] + row["overdue_open"]),
            satisfaction_rate=Rate(row["satisfied"], row["replied"]),
        )
        for row in rows
    ]


# -- duty shifts --------------------------------------------------------------------------------------


def duty_cadres(village: Region) -> QuerySet:
    """People who may take a shift at the village: active village-level duty posts there."""
    from accounts.models import User

    return (
        User.objects.filter(posts__region=village, posts__ended_on__isnull=True, posts__role__in=DUTY_ROLES)
        .distinct()
        .order_by("real_name")
    )


def duty_today(*, village: Region, today: datetime.date) -> DutyShift | None:
    """The village's shift of the day, cached under its duty version (every shift write bumps it)."""
    return region_cache.cached(
        "duty",
        f"today:{today.isoformat()}",
        village,
        lambda: DutyShift.objects.filter(village=village, date=today).select_related("cadre").first(),
    )


def duty_shift_by_date(*, village: Region, day: datetime.date) -> DutyShift:
    return get_object_or_404(DutyShift.objects.filter(village=village), date=day)


def duty_month(*, village: Region, month_start: datetime.date) -> list[DutyShift]:
    """The village's shifts in the month beginning ``month_start``."""
    last = month_start.replace(day=calendar_module.monthrange(month_start.year, month_start.month)[1])
    return list(
        DutyShift.objects.filter(village=village, date__range=(month_start, last))
        .select_related("cadre", "swapped_with", "swap_agreed_by")
        .order_by("date")
    )


ATTENDANCE_SUMS = ("due", "attended", "late", "absent", "early", "no_check_out")


# A weekday of the weekly pattern whose days stay as they are (it holds mixed cadres).
KEEP = "keep"
WEEKDAY_LABELS = "一二三四五六日"


def _rest_days(village: Region, start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """The county calendar's exceptions (holidays, make-up working days) in the range. One query."""
    return dict(
        CalendarDay.objects.filter(
            county__prefix=village.county_prefix, county__level=Level.COUNTY, date__range=(start, end)
        ).values_list("date", "kind")
    )


@dataclass(frozen=True)
class WeekdayPattern:
    """What the roster holds on one weekday's working days: one cadre, nobody, or a mix (``KEEP``)."""

    weekday: int
    value: str  # a cadre's pk, "" for nobody, KEEP when the days differ
    summary: str  # the mix in words ("张三3天、未排1天"), and any rest-day shifts
    cadre: object = None  # the one cadre, when there is one

    @property
    def label(self) -> str:
        return f"周{WEEKDAY_LABELS[self.weekday]}"


def _tally(names: list[str]) -> str:
    return "、".join(f"{name}{count}天" for name, count in Counter(names).most_common())


def roster_current_pattern(
    *, village: Region, month_start: datetime.date, shifts: list[DutyShift]
) -> list[WeekdayPattern]:
    """The weekly pattern ``shifts`` (the month's roster) actually holds, weekday by weekday. One query.

    Only working days count (the pattern skips rest days); a weekday whose working days have different
    cadres, or some none, is shown as the mix it is rather than as any one of them.
    """
    last = month_start.replace(day=calendar_module.monthrange(month_start.year, month_start.month)[1])
    exceptions = _rest_days(village, month_start, last)
    by_date = {s.date: s for s in shifts}
    working: dict[int, list] = {d: [] for d in range(7)}
    resting: dict[int, list[str]] = {d: [] for d in range(7)}
    day = month_start
    while day <= last:
        shift = by_date.get(day)
        if is_working_day(day, exceptions):
            working[day.weekday()].append(shift.cadre if shift else None)
        elif shift is not None:
            resting[day.weekday()].append(shift.cadre.real_name)
        day += datetime.timedelta(days=1)
    rows = []
    for weekday in range(7):
        cadres = working[weekday]
        distinct = {c.pk if c else None for c in cadres}
        one = None
        if len(distinct) > 1:
            value = KEEP
            summary = "本月各天不同：" + _tally([c.real_name if c else "未排" for c in cadres])
        else:
            one = cadres[0] if cadres else None
            value = str(one.pk) if one else ""
            summary = ""
        if resting[weekday]:
            rest = f"休息日值班：{_tally(resting[weekday])}（按周排班不改动）"
            summary = f"{summary}；{rest}" if summary else rest
        rows.append(WeekdayPattern(weekday, value, summary, one))
    return rows


@dataclass(frozen=True)
class RosterDay:
    """One day of a pattern's plan: who is on duty before and after, and why a day stays."""

    date: datetime.date
    before: str | None
    after: str | None
    reason: str = ""


@dataclass
class RosterPlan:
    """What applying a weekly pattern to a range would do, day by day.

    ``actions`` are (date, the shift or None, the new cadre or None) for the days that change.
    """

    added: list[RosterDay] = field(default_factory=list)
    removed: list[RosterDay] = field(default_factory=list)
    reassigned: list[RosterDay] = field(default_factory=list)
    kept: list[RosterDay] = field(default_factory=list)
    actions: list[tuple] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.actions)

    @property
    def removes(self) -> bool:
        """Whether a cadre loses a shift (deleted or given to another): this needs the user's confirmation."""
        return bool(self.removed or self.reassigned)

    @property
    def taken_away(self) -> int:
        return len(self.removed) + len(self.reassigned)

    @property
    def fingerprint(self) -> str:
        """Names exactly these changes: a confirmation given for one plan does not apply another."""
        text = ";".join(
            f"{day:%Y%m%d}:{shift.cadre_id if shift else '-'}>{cadre.pk if cadre else '-'}"
            for day, shift, cadre in self.actions
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def roster_pattern_plan(
    *,
    village: Region,
    pattern: dict[int, object],
    start: datetime.date,
    end: datetime.date,
    shifts: dict[datetime.date, DutyShift] | None = None,
) -> RosterPlan:
    """The plan of a weekly pattern (weekday -> cadre, None or KEEP) over the working days from start to end.

    Rest days, days already checked in or marked absent, and KEEP weekdays stay as they are. ``shifts``:
    the range's shifts by date when the caller has locked them (the service); read here otherwise.
    """
    if shifts is None:
        shifts = {
            s.date: s
            for s in DutyShift.objects.filter(village=village, date__range=(start, end)).select_related(
                "cadre"
            )
        }
    exceptions = _rest_days(village, start, end)
    plan = RosterPlan()
    day = start
    while day <= end:
        shift = shifts.get(day)
        before = shift.cadre.real_name if shift else None
        wanted = pattern.get(day.weekday())
        if not is_working_day(day, exceptions):
            if shift:
                plan.kept.append(RosterDay(day, before, before, "休息日"))
        elif shift is not None and shift.attendance != DutyShift.Attendance.PENDING:
            plan.kept.append(RosterDay(day, before, before, shift.get_attendance_display()))
        elif wanted == KEEP:
            if shift:
                plan.kept.append(RosterDay(day, before, before))
        elif shift is None:
            if wanted is not None:
                plan.added.append(RosterDay(day, None, wanted.real_name))
                plan.actions.append((day, None, wanted))
        elif wanted is None:
            plan.removed.append(RosterDay(day, before, None))
            plan.actions.append((day, shift, None))
        elif wanted.pk != shift.cadre_id:
            plan.reassigned.append(RosterDay(day, before, wanted.real_name))
            plan.actions.append((day, shift, wanted))
        else:
            plan.kept.append(RosterDay(day, before, before))
        day += datetime.timedelta(days=1)
    return plan


def attendance_by_village(*, region: Region, start, end, today) -> list[dict]:
    """Per village under ``region``: shifts due (up to today), attended, late, absent, left early, checked in
    but never checked out, and the rate. One query."""
    Attendance = DutyShift.Attendance
    rows = (
        DutyShift.objects.within(region)
        .filter(date__range=(start, min(end, today)))
        .values("village_id", "village__name", "village__code", "village__parent__name")
        .annotate(
            due=Count("pk"),
            attended=Count("pk", filter=Q(attendance__in=(Attendance.ON_TIME, Attendance.LATE))),
            late=Count("pk", filter=Q(attendance=Attendance.LATE)),
            absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
            early=Count("pk", filter=Q(left_early=True)),
            # Checked in on a past day and never checked out (today's cadre may still check out).
            no_check_out=Count(
                "pk", filter=Q(checked_in_at__isnull=False, checked_out_at__isnull=True, date__lt=today)
            ),
        )
        .order_by("village__code")
    )
    return [
        dict(row, township=row["village__parent__name"], rate=Rate(row["attended"], row["due"]))
        for row in rows
    ]


# -- the public catalog and the suggestions box ------------------------------------------------------------


def catalog_items(*, village: Region) -> list[ServiceItem]:
    """The items in force at the village (standard, its county's and its township's; switched-off ones
    left out), in the catalog's order. One query."""
    return list(ServiceItem.objects.applying_at(village).order_by("sort_order", "id"))


def suggestions_for_user(
    *, user, status: str = "", township: str = "", village: str = ""
) -> QuerySet[Suggestion]:
    """Suggestions of the villages in the user's view scope, newest first; ``status`` "open" (not yet
    answered) or "answered"; ``township``/``village`` a division code."""
    suggestions = Suggestion.objects.for_user(user).select_related("village__parent", "answered_by")
    if status == "open":
        suggestions = suggestions.filter(answered_at__isnull=True)
    elif status == "answered":
        suggestions = suggestions.filter(answered_at__isnull=False)
    if township:
        suggestions = suggestions.filter(village__parent__code=township)
    if village:
        suggestions = suggestions.filter(village__code=village)
    return suggestions.order_by("-created_at", "-id")


def suggestions_open_summary(*, region: Region, limit: int = 5) -> dict:
    """The unanswered suggestions below the region: how many, and the ``limit`` that have waited longest.
    One query: the count is a window over the same rows, taken before the limit."""
    rows = list(
        Suggestion.objects.within(region)
        .filter(answered_at__isnull=True)
        .select_related("village")
        .annotate(open_total=Window(Count("pk")))
        .order_by("created_at", "id")[:limit]
    )
    return {"open": rows[0].open_total if rows else 0, "oldest": rows}


def suggestion_public(*, receipt_code: str) -> Suggestion | None:
    code = (receipt_code or "").strip().upper()
    if not code:
        return None
    return Suggestion.objects.select_related("village").filter(receipt_code=code).first()


SUGGESTION_SUMS = ("collected", "answered", "open")


def suggestion_figures(*, region: Region, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per village under ``region`` (every village, none left out for having nothing): suggestions
    collected in the period, how many of them are answered by now, how many are still open, and the
    answer rate (answered / collected). One query."""
    in_period = Q(suggestions__created_at__date__range=(start, end))
    rows = (
        Region.objects.filter(level=Level.VILLAGE, prefix__startswith=region.prefix)
        .values("code", "name", "parent__name")
        .annotate(
            collected=Count("suggestions", filter=in_period),
            answered=Count("suggestions", filter=in_period & Q(suggestions__answered_at__isnull=False)),
        )
        .order_by("code")
    )
    return [
        dict(
            row,
            township=row["parent__name"],
            open=row["collected"] - row["answered"],
            rate=Rate(row["answered"], row["collected"]),
        )
        for row in rows
    ]

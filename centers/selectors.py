"""Reads on the hierarchy, people and service centers: scoped querysets with fixed query counts."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import Collate, Substr
from django.shortcuts import get_object_or_404

from centers.models import (
    CalendarDay,
    ChecklistEntry,
    ChecklistItem,
    DutyShift,
    Post,
    ProxyRequest,
    ProxyRequestStep,
    Region,
    RoomType,
    ServiceCenter,
    ServiceItem,
)
from centers.roles import (
    CHANGE_CENTER,
    LEVEL_DEPTH,
    MANAGE_CATALOG,
    MANAGE_PEOPLE,
    MANAGE_SERVICE_ITEMS,
    ROLE_TABLE,
    VIEW,
    Level,
)
from centers.scoping import prefix_q, regions_for_user, scope_prefixes


def county_of(region: Region) -> Region | None:
    """The county a region belongs to (itself for a county; None above county level)."""
    if region.level == Level.COUNTY:
        return region
    if len(region.prefix) < 6:
        return None
    return Region.objects.filter(prefix=region.prefix[:6], level=Level.COUNTY).first()


def checklist_items_for(county: Region | None) -> QuerySet[ChecklistItem]:
    """Active building-standard items that apply in a county: the standard ones and the county's own."""
    return ChecklistItem.objects.filter(Q(county__isnull=True) | Q(county=county), is_active=True)


def room_types_for(county: Region | None) -> QuerySet[RoomType]:
    return RoomType.objects.filter(Q(county__isnull=True) | Q(county=county), is_active=True)


def catalog_lists(*, county: Region) -> tuple[QuerySet[RoomType], QuerySet[ChecklistItem]]:
    """Everything on a county's lists, switched off or not, for its maintenance page."""
    own_or_standard = Q(county__isnull=True) | Q(county=county)
    return (RoomType.objects.filter(own_or_standard).order_by("sort_order", "id"),
            ChecklistItem.objects.filter(own_or_standard).order_by("sort_order", "id"))


def user_active_posts(*, user) -> list[Post]:
    return list(Post.objects.filter(user=user, ended_on__isnull=True).select_related("region"))


def pinyin(field: str):
    """Orders Chinese names by pinyin: ICU's zh-x-icu collation, or, on a server built without ICU
    (the embedded first-look server), GB18030 byte order, which is pinyin order for the 3,755
    common characters of GB2312 level 1."""
    if settings.PINYIN_ORDER == "icu":
        return Collate(field, "zh-x-icu")
    return Func(field, Value("GB18030"), function="convert_to")


def region_get_for_user(*, user, code: str, perm: str = VIEW) -> Region:
    return get_object_or_404(regions_for_user(user, perm).select_related("parent"), code=code)


def region_breadcrumbs(*, user, region: Region) -> list[Region]:
    """The region's ancestors the user may see, top first (one query)."""
    prefixes = region.ancestor_prefixes()
    if not prefixes:
        return []
    return list(regions_for_user(user, VIEW).filter(prefix__in=prefixes).order_by("code"))


def _per_child(queryset, prefix_field: str, region: Region, child_length: int, value) -> dict[str, int]:
    """One grouped query over the region's subtree: {child prefix: aggregate}. The constant
    ``startswith`` on the region's own prefix lets PostgreSQL use the prefix index."""
    return dict(queryset.filter(**{f"{prefix_field}__startswith": region.prefix})
                .annotate(child=Substr(prefix_field, 1, child_length)).order_by()
                .values("child").annotate(n=value).values_list("child", "n"))


def region_children(*, region: Region) -> list[Region]:
    """Child regions, in pinyin order, with counts below each: villages, service centers, people in
    post and building-standard items met. Five queries whatever the size of the subtree."""
    children = list(Region.objects.filter(parent=region).select_related("service_center")
                    .order_by(pinyin("name"), "code"))
    if not children:
        return children
    n = len(children[0].prefix)
    villages = (_per_child(Region.objects.filter(level=Level.VILLAGE), "prefix", region, n, Count("pk"))
                if region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY) else None)
    centers = _per_child(ServiceCenter.objects.all(), "region__prefix", region, n, Count("pk"))
    people = _per_child(Post.objects.filter(ended_on__isnull=True), "region__prefix", region, n,
                        Count("user", distinct=True))
    met = _per_child(ChecklistEntry.objects.filter(is_met=True, item__is_active=True), "region__prefix", region, n,
                     Count("pk"))
    for child in children:
        child.village_count = villages.get(child.prefix, 0) if villages is not None else None
        child.center_count = centers.get(child.prefix, 0)
        child.people_count = people.get(child.prefix, 0)
        child.met_count = met.get(child.prefix, 0)
    return children


def region_search(*, user, query: str) -> QuerySet[Region]:
    """Regions in the user's scope whose name contains, or whose code starts with, ``query``."""
    query = query.strip()
    regions = regions_for_user(user, VIEW).select_related("parent")
    if query.isdigit():
        regions = regions.filter(Q(code__startswith=query) | Q(prefix__startswith=query))
    else:
        regions = regions.filter(name__contains=query)
    return regions.order_by(pinyin("name"), "code")


def user_top_regions(*, user) -> QuerySet[Region]:
    """The outermost regions the user can view (their posts' regions, or the top level for a superuser)."""
    prefixes = scope_prefixes(user, VIEW)
    if "" in prefixes:
        top = Region.objects.order_by().values_list("level", flat=True).distinct()
        shallowest = min(top, key=lambda lv: LEVEL_DEPTH[lv], default=None)
        return Region.objects.filter(level=shallowest).order_by("code") if shallowest else Region.objects.none()
    return Region.objects.filter(prefix__in=prefixes).order_by("code")


def active_posts_in(*, region: Region) -> QuerySet[Post]:
    return (Post.objects.filter(region=region, ended_on__isnull=True)
            .select_related("user").order_by("role", "started_on"))


def people_list(*, user, region: Region | None = None, query: str = "", include_ended: bool = False
                ) -> QuerySet[Post]:
    """Posts in the user's people-management scope (optionally under one region), newest first."""
    posts = Post.objects.filter(prefix_q(user, MANAGE_PEOPLE)).select_related("user", "region")
    if region is not None:
        posts = posts.filter(region__prefix__startswith=region.prefix)
    if not include_ended:
        posts = posts.filter(ended_on__isnull=True)
    if query:
        # A phone number matches only whole, so masked numbers cannot be uncovered digit by digit.
        posts = posts.filter(Q(user__real_name__contains=query) | Q(user__username__icontains=query)
                             | Q(user__mobile=query) | Q(region__name__contains=query))
    return posts.order_by("region__code", "role", "user__real_name")


def person_get_for_user(*, user, pk: int):
    """A person whose posts (any, active or ended) lie in the viewer's people-management scope; else 404."""
    from accounts.models import User

    visible = User.objects.filter(posts__in=Post.objects.filter(prefix_q(user, MANAGE_PEOPLE))).distinct()
    return get_object_or_404(visible, pk=pk)


def person_posts_visible(*, user, person) -> list[Post]:
    """The person's posts (active first) in regions the viewer can see; posts elsewhere stay hidden."""
    return list(person.posts.filter(prefix_q(user, VIEW)).select_related("region").order_by("ended_on", "-started_on"))


def post_get_for_user(*, user, pk: int) -> Post:
    return get_object_or_404(Post.objects.filter(prefix_q(user, MANAGE_PEOPLE)).select_related("user", "region"),
                             pk=pk)


def center_get_for_user(*, user, pk: int, perm: str = VIEW) -> ServiceCenter:
    return get_object_or_404(
        ServiceCenter.objects.filter(prefix_q(user, perm)).select_related("region", "region__parent"), pk=pk)


def center_checklist(*, center: ServiceCenter) -> list[tuple]:
    """(item, entry or None) for every active item that applies to the center's county, in order."""
    entries = {e.item_id: e for e in center.checklist_entries.select_related("updated_by")}
    items = checklist_items_for(county_of(center.region)).order_by("sort_order", "id")
    return [(item, entries.get(item.pk)) for item in items]


def checklist_entry_get_for_user(*, user, pk: int) -> ChecklistEntry:
    return get_object_or_404(ChecklistEntry.objects.filter(prefix_q(user, VIEW)).exclude(photo=""), pk=pk)


def catalog_counties(*, user) -> QuerySet[Region]:
    """Counties whose lists the user maintains."""
    return regions_for_user(user, MANAGE_CATALOG).filter(level=Level.COUNTY).order_by("code")


def catalog_entry_get_for_user(*, user, model, pk: int):
    """A county's own room type or checklist item in the user's catalog scope; standard rows and others: 404."""
    return get_object_or_404(model.objects.filter(county__in=catalog_counties(user=user)), pk=pk)


def service_items_visible(*, user, query: str = "", category: str = "", handling_way: str = "",
                          include_inactive: bool = False) -> QuerySet[ServiceItem]:
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


def service_item_get_for_manager(*, user, pk: int) -> ServiceItem:
    """An item the user's county or township made (standard items are changed in the admin); else 404."""
    return get_object_or_404(ServiceItem.objects.filter(prefix_q(user, MANAGE_SERVICE_ITEMS)).select_related("region"),
                             pk=pk)


def service_item_owner_choices(*, user) -> QuerySet[Region]:
    """Counties and townships for which the user maintains service items (their own posts' regions)."""
    prefixes = scope_prefixes(user, MANAGE_SERVICE_ITEMS)
    regions = Region.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP))
    if "" in prefixes:
        return regions.filter(level=Level.COUNTY).order_by("code")
    return regions.filter(prefix__in=prefixes).order_by("code")


def calendar_days(*, county: Region, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(county=county, date__year=year).order_by("date")


def calendar_day_get_for_user(*, user, pk: int) -> CalendarDay:
    return get_object_or_404(CalendarDay.objects.filter(county__in=catalog_counties(user=user)).select_related("county"),
                             pk=pk)


def proxy_requests_for_user(*, user, status: str = "", flag: str = "", item_id: int | None = None,
                            handler_id: int | None = None, date_from=None, date_to=None, query: str = "",
                            today=None) -> QuerySet[ProxyRequest]:
    """Requests of the villages in the user's view scope, filtered; the list page and exports share it."""
    from django.utils import timezone

    today = today or timezone.localdate()
    requests = (ProxyRequest.objects.filter(prefix_q(user, VIEW, field="village__prefix"))
                .select_related("village", "item", "handler"))
    if status:
        requests = requests.filter(status=status)
    if flag == "red":
        requests = requests.filter(status__in=ProxyRequest.OPEN, promised_date__lt=today)
    elif flag == "yellow":
        requests = requests.filter(status__in=ProxyRequest.OPEN, warn_on__lte=today, promised_date__gte=today)
    if item_id:
        requests = requests.filter(item_id=item_id)
    if handler_id:
        requests = requests.filter(handler_id=handler_id)
    if date_from:
        requests = requests.filter(accepted_on__gte=date_from)
    if date_to:
        requests = requests.filter(accepted_on__lte=date_to)
    if query:
        requests = requests.filter(Q(number=query.upper()) | Q(applicant_name=query) | Q(item__name__contains=query))
    return requests.order_by("-accepted_on", "-id")


def proxy_request_get_for_user(*, user, pk: int) -> ProxyRequest:
    return get_object_or_404(
        ProxyRequest.objects.filter(prefix_q(user, VIEW, field="village__prefix"))
        .select_related("village", "village__parent", "item", "handler", "accepted_by"), pk=pk)


def proxy_request_steps(*, request: ProxyRequest) -> list[ProxyRequestStep]:
    return list(request.steps.select_related("actor").order_by("at", "id"))


def proxy_request_public(*, receipt_code: str, phone_last4: str) -> ProxyRequest | None:
    """The request behind a receipt code if the applicant's phone ends with ``phone_last4``; else None
    (the caller answers wrong code and wrong phone alike)."""
    if len(phone_last4) != 4 or not phone_last4.isdigit():
        return None
    return (ProxyRequest.objects.select_related("item", "village", "village__service_center")
            .filter(receipt_code=receipt_code.strip().upper(), applicant_phone__endswith=phone_last4).first())


def village_handlers(*, village: Region) -> QuerySet:
    """People who may carry a request of this village: posts with change_center on it or above."""
    from accounts.models import User

    prefixes = [village.prefix[:n] for n in (6, 9, 12)]
    return (User.objects.filter(posts__ended_on__isnull=True, posts__region__prefix__in=prefixes,
                                posts__role__in=[r for r, spec in ROLE_TABLE.items() if CHANGE_CENTER in spec.permissions])
            .distinct().order_by("real_name"))


def duty_shift_get_for_user(*, user, pk: int) -> DutyShift:
    return get_object_or_404(DutyShift.objects.filter(prefix_q(user, VIEW, field="village__prefix"))
                             .select_related("village", "cadre"), pk=pk)


def duty_month(*, village: Region, month_start) -> list[DutyShift]:
    """The village's shifts in the month beginning ``month_start``."""
    import calendar as calendar_module

    last = month_start.replace(day=calendar_module.monthrange(month_start.year, month_start.month)[1])
    return list(DutyShift.objects.filter(village=village, date__range=(month_start, last))
                .select_related("cadre", "swapped_with").order_by("date"))


def attendance_by_village(*, region: Region, start, end, today) -> list[dict]:
    """Per village under ``region``: shifts due (up to today), attended, late, absent and the rate. One query."""
    from django.db.models import Count

    Attendance = DutyShift.Attendance
    rows = (DutyShift.objects.filter(village__prefix__startswith=region.prefix, date__range=(start, min(end, today)))
            .values("village_id", "village__name", "village__code")
            .annotate(due=Count("pk"),
                      attended=Count("pk", filter=Q(attendance__in=(Attendance.ON_TIME, Attendance.LATE))),
                      late=Count("pk", filter=Q(attendance=Attendance.LATE)),
                      absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
                      early=Count("pk", filter=Q(left_early=True)))
            .order_by("village__code"))
    return [dict(row, rate=(row["attended"] * 100 / row["due"]) if row["due"] else None) for row in rows]


def proxy_request_figures(*, user, region: Region, start, end, by: str = "village") -> list[dict]:
    """Requests accepted in the period under ``region``, by village or by item: accepted, done, on time,
    average working days taken and satisfaction (满意+基本满意 among replies). One grouped query."""
    from django.db.models import Avg, Count

    Status = ProxyRequest.Status
    key = ("village__code", "village__name") if by == "village" else ("item__name",)
    rows = (ProxyRequest.objects.filter(prefix_q(user, VIEW, field="village__prefix"),
                                        village__prefix__startswith=region.prefix, accepted_on__range=(start, end))
            .values(*key)
            .annotate(accepted=Count("pk"),
                      done=Count("pk", filter=Q(status__in=(Status.DONE, Status.REPLIED))),
                      on_time=Count("pk", filter=Q(status__in=(Status.DONE, Status.REPLIED),
                                                   finished_on__lte=F("promised_date"))),
                      avg_days=Avg("working_days_taken"),
                      replied=Count("pk", filter=Q(status=Status.REPLIED)),
                      satisfied=Count("pk", filter=Q(satisfaction__in=(ProxyRequest.Satisfaction.SATISFIED,
                                                                     ProxyRequest.Satisfaction.FAIRLY))))
            .order_by(*key))
    return [dict(row, label=row.get("village__name") or row.get("item__name"),
                 on_time_rate=row["on_time"] * 100 / row["done"] if row["done"] else None,
                 satisfaction_rate=row["satisfied"] * 100 / row["replied"] if row["replied"] else None)
            for row in rows]

"""Reads on the hierarchy, people, posts and the calendar: scoped querysets with fixed query counts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Func, Max, Q, QuerySet, Value
from django.db.models.functions import Collate, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404

from core import region_cache, registry
from core.text import is_ascii_digits
from regions.models import CalendarDay, Post, Region, Urging
from regions.roles import (
    LEVEL_DEPTH,
    MANAGE_COUNTY_SETTINGS,
    MANAGE_PEOPLE,
    PREFIX_LENGTH,
    VIEW,
    Level,
    level_of,
)
from regions.scoping import ALL_REGIONS, prefix_q, region_in_scope, regions_for_user, scope_prefixes

REGIONS_TOPIC = "regions"  # the hierarchy itself: bumped by imports
CHILD_LENGTH = {Level.PROVINCE: 4, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}


def county_of(region: Region) -> Region | None:
    """The county a region belongs to (itself for a county; None above county level)."""
    if region.level == Level.COUNTY:
        return region
    if region.county_prefix is None:
        return None
    return Region.objects.filter(prefix=region.county_prefix, level=Level.COUNTY).first()


def pinyin(field: str):
    """Orders Chinese names by pinyin: ICU's zh-x-icu collation, or, on a server built without ICU
    (the embedded first-look server), GB18030 byte order, which is pinyin order for the 3,755
    common characters of GB2312 level 1."""
    if settings.PINYIN_ORDER == "icu":
        return Collate(field, "zh-x-icu")
    return Func(field, Value("GB18030"), function="convert_to")


def region_get_for_user(*, user, code: str, perm: str = VIEW) -> Region:
    # Codes also come from query strings (?region=): anything but ASCII digits (NUL, full-width digits, a
    # 100,000-character string) is no region, and must not reach the query (PostgreSQL refuses NUL).
    if not (is_ascii_digits(code) and len(code) <= 12):
        raise Http404
    return get_object_or_404(regions_for_user(user, perm).select_related("parent"), code=code)


def region_page_regions(*, user, code: str) -> tuple[Region, list[Region]]:
    """The region of a page (404 out of scope) and its ancestors the user may see, top first. The chain is
    read in one query (the ancestors' prefixes are read off the code itself) and cached: regions change only
    by import, which bumps the version."""
    chain = region_cache.cached_for_scope(
        REGIONS_TOPIC, ALL_REGIONS, f"chain:{code}", lambda: _region_chain(code)
    )
    visible = [r for r in chain if region_in_scope(user, VIEW, r)]
    if not visible or visible[-1].code != code:
        raise Http404
    return visible[-1], visible[:-1]


def _region_chain(code: str) -> list[Region]:
    """The region with ``code`` and its ancestors, top first ([] if there is no such region)."""
    prefix = code[: PREFIX_LENGTH[level_of(code)]] if is_ascii_digits(code) and len(code) == 12 else code
    ancestors = [prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)]
    rows = {r.prefix: r for r in Region.objects.filter(Q(code=code) | Q(prefix__in=ancestors))}
    region = next((r for r in rows.values() if r.code == code), None)
    if region is None:
        return []
    return [*(rows[p] for p in ancestors if p in rows), region]


def region_breadcrumbs(*, user, region: Region) -> list[Region]:
    """The region's ancestors the user may see, top first (one query)."""
    prefixes = region.ancestor_prefixes()
    if not prefixes:
        return []
    return list(regions_for_user(user, VIEW).filter(prefix__in=prefixes).order_by("code"))


def by_child(queryset: QuerySet, prefix_field: str, region: Region, **aggregates) -> dict[str, dict]:
    """Figures of ``region``'s subtree grouped by child region, in one query: {child prefix: {name: value}}.

    The constant ``startswith`` on the region's own prefix lets PostgreSQL use the prefix index. Below
    village level (or for a village itself) the one group is the region.
    """
    length = CHILD_LENGTH.get(region.level, len(region.prefix))
    rows = (
        queryset.filter(**{f"{prefix_field}__startswith": region.prefix})
        .annotate(child=Substr(prefix_field, 1, length))
        .order_by()
        .values("child")
        .annotate(**aggregates)
    )
    return {row.pop("child"): row for row in rows}


CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


def region_children(*, region: Region) -> list[Region]:
    """Child regions in pinyin order, each with its villages and people in post, in two grouped queries,
    and the figures the systems registered (core.registry.ChildFigure)."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return []
    is_child = Q(level=child_level)
    # One grouped query over the subtree gives each child (its own row) and the villages below it.
    groups = (
        Region.objects.filter(prefix__startswith=region.prefix)
        .exclude(pk=region.pk)
        .annotate(child=Substr("prefix", 1, CHILD_LENGTH[region.level]))
        .order_by()
        .values("child")
        .annotate(
            child_id=Max("pk", filter=is_child),
            child_code=Max("code", filter=is_child),
            child_name=Max("name", filter=is_child),
            village_count=Count("pk", filter=Q(level=Level.VILLAGE)),
        )
        .filter(child_id__isnull=False)
        .order_by(pinyin("child_name"), "child_code")
    )
    children = [
        Region(
            pk=row["child_id"],
            code=row["child_code"],
            prefix=row["child"],
            name=row["child_name"],
            level=child_level,
            parent_id=region.pk,
        )
        for row in groups
    ]
    if not children:
        return children
    villages = {row["child"]: row["village_count"] for row in groups}
    people = by_child(
        Post.objects.filter(ended_on__isnull=True), "region__prefix", region, n=Count("user", distinct=True)
    )
    figures = [(figure, figure.values(region=region)) for figure in registry.child_figures()]
    count_villages = region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY)
    for child in children:
        child.village_count = villages[child.prefix] if count_villages else None
        child.people_count = people.get(child.prefix, {}).get("n", 0)
        child.figures = [(figure, values.get(child.prefix, (0, 0))) for figure, values in figures]
    return children


def region_search(*, user, query: str) -> QuerySet[Region]:
    """Regions in the user's scope whose name contains, or whose code starts with, ``query``."""
    query = query.strip()
    regions = regions_for_user(user, VIEW).select_related("parent")
    if is_ascii_digits(query):
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
        return (
            Region.objects.filter(level=shallowest).order_by("code") if shallowest else Region.objects.none()
        )
    return Region.objects.filter(prefix__in=prefixes).order_by("code")


def user_active_posts(*, user) -> list[Post]:
    return list(Post.objects.filter(user=user, ended_on__isnull=True).select_related("region"))


def active_posts_in(*, region: Region) -> QuerySet[Post]:
    return (
        Post.objects.filter(region=region, ended_on__isnull=True)
        .select_related("user")
        .order_by("role", "started_on")
    )


def post_holders(regions: QuerySet[Region] | Iterable[Region | int], roles: Iterable[str]) -> dict[int, list]:
    """Who holds one of ``roles`` at each region, in one query: {region id: [users]}, each user once.
    ``regions``: regions or their ids, or a queryset of regions (used as a subquery)."""
    holders: dict[int, list] = {}
    if isinstance(regions, QuerySet):
        posts = Post.objects.filter(region__in=regions)
    else:
        region_ids = {r if isinstance(r, int) else r.pk for r in regions}
        if not region_ids:
            return holders
        posts = Post.objects.filter(region_id__in=region_ids)
    for post in (
        posts.filter(role__in=list(roles), ended_on__isnull=True)
        .select_related("user")
        .order_by("region_id", "started_on", "id")
    ):
        users = holders.setdefault(post.region_id, [])
        if post.user not in users:
            users.append(post.user)
    return holders


def people_list(
    *, user, region: Region | None = None, query: str = "", include_ended: bool = False
) -> QuerySet[Post]:
    """Posts in the user's people-management scope (optionally under one region), newest first."""
    posts = Post.objects.for_user(user, MANAGE_PEOPLE).select_related("user", "region")
    if region is not None:
        posts = posts.within(region)
    if not include_ended:
        posts = posts.filter(ended_on__isnull=True)
    if query:
        # A phone number matches only whole, so masked numbers cannot be uncovered digit by digit.
        posts = posts.filter(
            Q(user__real_name__contains=query)
            | Q(user__username__icontains=query)
            | Q(user__mobile=query)
            | Q(region__name__contains=query)
        )
    return posts.order_by("region__code", "role", "user__real_name")


def person_get_for_user(*, user, pk: int):
    """A person whose posts (any, active or ended) lie in the viewer's people-management scope; else 404."""
    from accounts.models import User

    visible = User.objects.filter(posts__in=Post.objects.for_user(user, MANAGE_PEOPLE)).distinct()
    return get_object_or_404(visible, pk=pk)


def person_posts_visible(*, user, person) -> list[Post]:
    """The person's posts (active first) in regions the viewer can see; posts elsewhere stay hidden."""
    return list(
        person.posts.filter(prefix_q(user, VIEW))
        .select_related("region", "grid")
        .order_by("ended_on", "-started_on")
    )


def post_get_for_user(*, user, pk: int) -> Post:
    return get_object_or_404(
        Post.objects.for_user(user, MANAGE_PEOPLE).select_related("user", "region"), pk=pk
    )


def settings_counties(*, user) -> QuerySet[Region]:
    """Counties whose settings (calendar, rules) the user maintains."""
    return regions_for_user(user, MANAGE_COUNTY_SETTINGS).filter(level=Level.COUNTY).order_by("code")


def calendar_days(*, county: Region, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(county=county, date__year=year).order_by("date")


def calendar_day_get_for_user(*, user, pk: int) -> CalendarDay:
    return get_object_or_404(
        CalendarDay.objects.filter(county__in=settings_counties(user=user)).select_related("county"), pk=pk
    )


def region_filter_choices(*, user) -> dict[str, list[tuple[str, str]]]:
    """The townships and villages a user may filter a list by (codes and names; a village named with its
    township, since village names repeat within a county), in pinyin order. One query, cached per scope
    until the hierarchy changes."""
    scope = hashlib.sha256(",".join(scope_prefixes(user, VIEW)).encode()).hexdigest()[:24]

    def compute() -> dict[str, list[tuple[str, str]]]:
        rows = (
            regions_for_user(user, VIEW)
            .filter(level__in=(Level.TOWNSHIP, Level.VILLAGE))
            .values_list("level", "code", "name", "parent__name")
            .order_by(pinyin("parent__name"), pinyin("name"), "code")
        )
        choices: dict[str, list[tuple[str, str]]] = {"townships": [], "villages": []}
        for level, code, name, parent_name in rows:
            if level == Level.TOWNSHIP:
                choices["townships"].append((code, name))
            else:
                choices["villages"].append((code, f"{name}（{parent_name}）"))
        return choices

    return region_cache.cached_for_scope(REGIONS_TOPIC, ALL_REGIONS, f"filter-choices:{scope}", compute)


def urging_of(record, pk: int) -> Urging:
    """One 督办 of ``record`` (404 when the id belongs to another record: a foreign id in a URL)."""
    return get_object_or_404(
        Urging.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk),
        pk=pk,
    )


def urgings_of(record) -> list[Urging]:
    """The 督办 of one record, newest first (Meta.ordering), with who issued and who answered. One query."""
    return list(
        Urging.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).select_related("issued_by", "answered_by")
    )

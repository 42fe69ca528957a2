"""The shared spine: regions (the county -> township -> village hierarchy), posts, the working-day
calendar, and the abstract bases every system builds on (scoped rows, rows owned by a village's
record, standard lists with local additions, county settings with defaults)."""

from __future__ import annotations

import functools

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core import region_cache
from regions.roles import PREFIX_LENGTH, REGION_PERMISSIONS, Level, Role
from regions.scoping import ScopedQuerySet, prefix_q

__all__ = [
    "PREFIX_LENGTH",
    "REGION_NAME_MAX",
    "CalendarDay",
    "CountySettings",
    "Grid",
    "Post",
    "Region",
    "RegionList",
    "RegionScoped",
    "Urging",
    "VillageOwned",
    "village_from_parent",
]


# The longest official division names are about 20 characters; 50 leaves room and keeps names derived
# from a region's (its service center's, 某某村党群服务中心) within their own columns.
REGION_NAME_MAX = 50


@pghistory.track()
class Region(models.Model):
    """An administrative division (行政区划): county, township or village, optionally city/province above.

    Its 12-digit statistical division code (统计用区划代码) is also its path: ``prefix`` holds the
    significant digits (6 county, 9 township, 12 village), so a subtree is one ``startswith``.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    prefix = models.CharField("代码前缀", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        # The foundation's permissions; each system's are created from the registry after migrate.
        permissions = REGION_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^\d{12}$"),
                name="regions_region_code_12_digits",
                violation_error_message="区划代码必须是12位数字。",
            ),
            models.CheckConstraint(
                condition=Q(code__startswith=F("prefix")),
                name="regions_region_prefix_of_code",
                violation_error_message="代码前缀必须是区划代码的开头。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Pages list hundreds of regions: the URL is reversed once per process, then filled in.
        return _region_url().replace(_URL_PLACEHOLDER, self.code)

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    def ancestor_prefixes(self) -> list[str]:
        """Prefixes of every region above this one, top first (derived from the code, no query)."""
        return [self.prefix[:n] for n in (2, 4, 6, 9) if n < len(self.prefix)]

    @property
    def county_prefix(self) -> str | None:
        return self.prefix[:6] if len(self.prefix) >= 6 else None


_URL_PLACEHOLDER = "000000000000"


@functools.cache
def _region_url() -> str:
    return reverse("regions:region-detail", args=[_URL_PLACEHOLDER])


class RegionUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for region grants (one row per post permission)."""

    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "区划权限（用户）"
        verbose_name_plural = verbose_name


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "区划权限（用户组）"
        verbose_name_plural = verbose_name


class RegionScoped(models.Model):
    """A row that belongs to a region: ``scope_field`` names its region foreign key, declared once, so
    ``Model.objects.for_user(user, perm)`` and ``.within(region)`` need no path at the call site."""

    scope_field = "village"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def scope_region(self) -> Region:
        return getattr(self, self.scope_field)


def village_from_parent(parent_fk: str, parent: type[models.Model]) -> pgtrigger.Trigger:
    """A trigger that copies the owner village from the parent row on every insert, so the cached
    village is right whoever writes the row (services, bulk loads, the admin)."""
    return pgtrigger.Trigger(
        name="village_from_parent",
        operation=pgtrigger.Insert,
        when=pgtrigger.Before,
        # Table and column names come from the model definitions, never from input.
        func=f"NEW.village_id := (SELECT village_id FROM {parent._meta.db_table} "  # noqa: S608
        f"WHERE id = NEW.{parent_fk}_id); RETURN NEW;",
    )


class VillageOwned(RegionScoped):
    """A row hanging off a village's record (a matter's meeting, a disclosure's photo ...). It carries its
    owner village itself (NetBox's cached scope), so scoping and the audit log need no join through the
    parent, and a county auditor sees its events. Subclasses name the parent in ``owner_parent`` and add
    ``village_from_parent(owner_parent, Parent)`` to their triggers."""

    owner_parent = ""

    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.village_id is None:
            self.village_id = getattr(self, self.owner_parent).village_id
        super().save(*args, **kwargs)


# [004 咸宁] "以常住居民50-100户划分片区网格": outside this range a grid is kept, with a warning.
GRID_HOUSEHOLDS_USUAL = (50, 100)


@pghistory.track()
class Grid(RegionScoped):
    """A grid (网格) of a village: the unit a grid worker covers (一格四员). A grid may be the whole
    village ([003]: 104 grids for 104 villages). Maintained by the village; rows are switched off, never
    deleted, because disputes and posts refer to them."""

    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField("网格名称", max_length=50)
    households = models.PositiveIntegerField("常住户数", null=True, blank=True)
    area = models.CharField("覆盖范围", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["village__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"],
                name="regions_grid_unique_name",
                violation_error_message="本村已有同名网格。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def households_unusual(self) -> bool:
        low, high = GRID_HOUSEHOLDS_USUAL
        return self.households is not None and not low <= self.households <= high


@pghistory.track()
class Post(RegionScoped):
    """A post (职务): a user holds a role at a region from ``started_on`` until ``ended_on``.

    The role's permissions are granted on the region while the post is active (regions.services.posts).
    """

    scope_field = "region"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField("职务", max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="posts"
    )
    # The grid of a grid post (一格四员, 党员网格长); empty for every other post.
    grid = models.ForeignKey(
        Grid, verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("免职日期", null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="任命人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["region__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(ended_on__isnull=True),
                name="regions_post_one_active_per_role_region",
                violation_error_message="该人员在此区划已担任这一职务。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="regions_post_end_after_start",
                violation_error_message="免职日期不能早于任职日期。",
            ),
        ]
        indexes = [models.Index(fields=["region", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_role_display()} {self.user.real_name}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


@pghistory.track()
class CalendarDay(models.Model):
    """A day that breaks the weekly pattern in a county's working-day calendar (工作日历).

    Weekends are off and weekdays are on unless a row says otherwise: a public holiday (节假日) on a
    weekday, or a make-up working day (调休上班) on a weekend. Counties enter them every year.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "节假日（休息）"
        WORKDAY = "workday", "调休上班"

    county = models.ForeignKey(
        Region, verbose_name="县", on_delete=models.PROTECT, related_name="calendar_days"
    )
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "工作日历例外"
        verbose_name_plural = "工作日历例外"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "date"],
                name="regions_calendarday_one_per_date",
                violation_error_message="该日期已设置。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


# -- standard lists with local additions -----------------------------------------------------------


class RegionListQuerySet(models.QuerySet):
    def applying_at(self, region: Region | None) -> RegionListQuerySet:
        """Active rows in force at ``region``: the standard ones and those its county or township added."""
        owners = [*region.ancestor_prefixes(), region.prefix] if region is not None else []
        return self.filter(Q(region__isnull=True) | Q(region__prefix__in=owners), is_active=True)

    def maintained_by(self, user, perm: str) -> RegionListQuerySet:
        """Rows of the counties and townships where ``user`` holds ``perm`` (standard rows excluded)."""
        return self.filter(prefix_q(user, perm, field="region__prefix"), region__isnull=False)

    def for_maintenance(self, user, perm: str, region: Region | None = None) -> RegionListQuerySet:
        """The maintenance page's list: the standard rows and the user's own, switched off or not
        (optionally only those in force at ``region``)."""
        rows = self.filter(Q(region__isnull=True) | prefix_q(user, perm, field="region__prefix"))
        if region is not None:
            rows = rows.filter(
                Q(region__isnull=True) | Q(region__prefix__in=[*region.ancestor_prefixes(), region.prefix])
            )
        return rows.select_related("region")


class RegionList(models.Model):
    """An entry of a list that ships with a standard set and grows locally (rooms, building-standard
    items, service items, decision categories ...). No region: a standard row, maintained in the admin;
    else a county's (or township's) own row, which applies to the regions below it. Rows are switched
    off, never deleted: records and the audit trail refer to them."""

    region = models.ForeignKey(
        Region, verbose_name="制定单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=100)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    # Levels that may add rows, and the permission that maintains them (set by each subclass).
    owner_levels: tuple[str, ...] = (Level.COUNTY,)
    maintain_perm = ""
    # The core.region_cache topic of what is cached from the list (bumped by every save, the admin's too).
    cache_topic = ""

    objects = RegionListQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.cache_topic:
            region_cache.touch_everywhere(self.cache_topic)

    @property
    def is_standard(self) -> bool:
        return self.region_id is None


# -- urging (督办) -------------------------------------------------------------------------------------


@pghistory.track()
class Urging(RegionScoped):
    """A 督办: a township (or county) official presses a village on one overdue or stuck record (a proxy
    request, a decision matter ...) — a notice to its handler and the village secretary, on the record's
    timeline, at most once a day per record — and the village answers it. Any system's record can be
    urged: the record is a generic reference, the village keeps it in scope."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("督办日期")
    issued_at = models.DateTimeField("督办时间", auto_now_add=True)
    message = models.CharField("督办要求", max_length=200)
    answer = models.CharField("回复", max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "issued_on"],
                name="regions_urging_once_a_day",
                violation_error_message="该事项今天已督办过，请明天再督办。",
            ),
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(answered_by__isnull=True) & Q(answer=""))
                | (Q(answered_at__isnull=False) & Q(answered_by__isnull=False) & ~Q(answer="")),
                name="regions_urging_answer_complete",
                violation_error_message="回复须写明内容、回复人和时间。",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"督办 {self.issued_on:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


# -- county settings with defaults -------------------------------------------------------------------


class CountySettings(models.Model):
    """A county's settings of one system (its rules). A county without a row works with the defaults
    of the fields; the county settings page shows every system's block side by side."""

    county = models.OneToOneField(Region, verbose_name="县", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def _cache_key(cls, county_prefix: str) -> str:
        return f"county-settings:{cls._meta.label}:{county_prefix}"

    @classmethod
    def for_region(cls, region: Region | None):
        """The settings in force at ``region`` (found by its county's prefix), or the defaults; above county
        level, or without a region, the defaults. Read from the cache: pages and jobs read them all the
        time and counties change them a few times a year (regions.services.county_settings_save forgets)."""
        county_prefix = region.county_prefix if region is not None else None
        if county_prefix is None:
            return cls()
        key = cls._cache_key(county_prefix)
        settings = cache.get(key)
        if settings is None:
            settings = cls.objects.filter(county__prefix=county_prefix).first() or cls()
            cache.set(key, settings, 3600)
        return settings

    @classmethod
    def forget(cls, county: Region) -> None:
        """Drops the cached settings of ``county`` now and again after commit."""
        key = cls._cache_key(county.prefix)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key), robust=True)

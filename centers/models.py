from __future__ import annotations

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.personal_data import mask_id_number, mask_phone
from centers.roles import REGION_PERMISSIONS, Level, Role

PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


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
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        permissions = REGION_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^\d{12}$"), name="centers_region_code_12_digits",
                                   violation_error_message="区划代码必须是12位数字。"),
            models.CheckConstraint(condition=Q(code__startswith=F("prefix")), name="centers_region_prefix_of_code",
                                   violation_error_message="代码前缀必须是区划代码的开头。"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centers:region-detail", args=[self.code])

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    def ancestor_prefixes(self) -> list[str]:
        """Prefixes of every region above this one, top first (derived from the code, no query)."""
        return [self.prefix[:n] for n in (2, 4, 6, 9) if n < len(self.prefix)]


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


@pghistory.track()
class Post(models.Model):
    """A post (职务): a user holds a role at a region from ``started_on`` until ``ended_on``.

    The role's permissions are granted on the region while the post is active (centers.services).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT,
                             related_name="posts")
    role = models.CharField("职务", max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="posts")
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("免职日期", null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="任命人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["region__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], condition=Q(ended_on__isnull=True),
                                    name="centers_post_one_active_per_role_region",
                                    violation_error_message="该人员在此区划已担任这一职务。"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="centers_post_end_after_start",
                                   violation_error_message="免职日期不能早于任职日期。"),
        ]
        indexes = [models.Index(fields=["region", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_role_display()} {self.user.real_name}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


@pghistory.track()
class RoomType(models.Model):
    """A room or function a service center may have (功能室), e.g. 民主决策室.

    Rows with no county are the preloaded standard list; a county may add its own.
    """

    county = models.ForeignKey(Region, verbose_name="所属县", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField("名称", max_length=50)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "功能室类型"
        verbose_name_plural = "功能室类型"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="centers_roomtype_unique_name",
                                    nulls_distinct=False, violation_error_message="已有同名的功能室。"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class ChecklistItem(models.Model):
    """An item of the building standard (建设标准), in one of its categories (e.g. 外观标识).

    Rows with no county are the preloaded standard (6 categories, 12 items); a county may add its own.
    """

    county = models.ForeignKey(Region, verbose_name="所属县", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    category = models.CharField("类别", max_length=30)
    name = models.CharField("标准项", max_length=100)
    description = models.CharField("要求", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "建设标准项"
        verbose_name_plural = "建设标准项"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "category", "name"], name="centers_checklistitem_unique_name",
                                    nulls_distinct=False, violation_error_message="该类别下已有同名标准项。"),
        ]

    def __str__(self) -> str:
        return f"{self.category}·{self.name}"


@pghistory.track()
class ServiceCenter(models.Model):
    """A party-mass service center (党群服务中心): one per village, township and county region."""

    region = models.OneToOneField(Region, verbose_name="所在区划", on_delete=models.PROTECT,
                                  related_name="service_center")
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    duty_phone = models.CharField("值班电话", max_length=20, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True, default="周一至周五 8:30-12:00，14:30-17:30")
    rooms = models.ManyToManyField(RoomType, verbose_name="功能室", blank=True, related_name="centers")
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党群服务中心"
        verbose_name_plural = "党群服务中心"
        ordering = ["region__code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centers:center-detail", args=[self.pk])


# Which rooms a center has: the M2M rows are audited like every other domain table.
pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), model_name="ServiceCenterRoomEvent",
                app_label="centers")(ServiceCenter.rooms.through)


def checklist_photo_path(instance: ChecklistEntry, filename: str) -> str:
    return f"checklist/{instance.center.region.prefix[:6]}/{instance.center_id}/{filename}"


@pghistory.track()
class ChecklistEntry(models.Model):
    """One center's state on one building-standard item: met or not, when checked, a note and a photo."""

    center = models.ForeignKey(ServiceCenter, verbose_name="党群服务中心", on_delete=models.CASCADE,
                               related_name="checklist_entries")
    # Cached owner region so scoping and the audit trail need no join through the center.
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ChecklistItem, verbose_name="标准项", on_delete=models.PROTECT, related_name="entries")
    is_met = models.BooleanField("是否达标", default=False)
    checked_on = models.DateField("检查日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    photo = models.ImageField("照片", upload_to=checklist_photo_path, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "建设标准达标情况"
        verbose_name_plural = "建设标准达标情况"
        ordering = ["item__sort_order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "item"], name="centers_checklistentry_one_per_item",
                                    violation_error_message="该标准项已有记录。"),
        ]

    def __str__(self) -> str:
        return f"{self.center} {self.item}"


class HandlingWay(models.TextChoices):
    """The five ways a village handles a request (坐班+五办)."""

    ON_SITE = "on_site", "现场办"
    PROXY = "proxy", "代理办"
    ASSIST = "assist", "协助办"
    REFERRAL = "referral", "介绍办"
    FULL = "full", "全程办"


@pghistory.track()
class ServiceItem(models.Model):
    """A service item (服务事项) villagers ask the center for, e.g. 低保申请.

    Rows with no region are the preloaded standard catalog; a county adds items for the whole county and
    a township for its own area. ``promised_days`` counts working days on the county's calendar.
    """

    region = models.ForeignKey(Region, verbose_name="制定单位", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="service_items")
    name = models.CharField("事项名称", max_length=100)
    category = models.CharField("类别", max_length=30)
    handling_way = models.CharField("办理方式", max_length=10, choices=HandlingWay.choices)
    office = models.CharField("责任科室", max_length=60)
    materials = models.TextField("所需材料", blank=True, help_text="每行一项。")
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    needs_id_number = models.BooleanField("需要身份证号", default=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], nulls_distinct=False,
                                    name="centers_serviceitem_unique_name",
                                    violation_error_message="已有同名的服务事项。"),
            models.CheckConstraint(condition=Q(promised_days__gte=1, promised_days__lte=365),
                                   name="centers_serviceitem_promised_days_range",
                                   violation_error_message="承诺时限应为1至365个工作日。"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


@pghistory.track()
class CalendarDay(models.Model):
    """A day that breaks the weekly pattern in a county's working-day calendar (工作日历).

    Weekends are off and weekdays are on unless a row says otherwise: a public holiday (节假日) on a
    weekday, or a make-up working day (调休上班) on a weekend. Counties enter them every year.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "节假日（休息）"
        WORKDAY = "workday", "调休上班"

    county = models.ForeignKey(Region, verbose_name="县", on_delete=models.PROTECT, related_name="calendar_days")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "工作日历例外"
        verbose_name_plural = "工作日历例外"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["county", "date"], name="centers_calendarday_one_per_date",
                                    violation_error_message="该日期已设置。"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


@pghistory.track()
class ProxyRequest(models.Model):
    """A proxy request (代办): a villager's business the village carries until it is done (首问负责).

    Its state changes only through centers.services.proxy_requests, which appends an immutable
    ProxyRequestStep per step; ``version`` refuses the second of two concurrent saves.
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "已受理"
        IN_PROGRESS = "in_progress", "承办中"
        DONE = "done", "已办结"
        REPLIED = "replied", "已回复"
        RETURNED = "returned", "已退回"
        WITHDRAWN = "withdrawn", "已撤回"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        FAIRLY = "fairly", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    OPEN = (Status.ACCEPTED, Status.IN_PROGRESS)

    number = models.CharField("受理编号", max_length=20, unique=True)
    receipt_code = models.CharField("回执码", max_length=12, unique=True)
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="proxy_requests")
    item = models.ForeignKey(ServiceItem, verbose_name="服务事项", on_delete=models.PROTECT, related_name="requests")
    applicant_name = models.CharField("申请人", max_length=50)
    applicant_phone = models.CharField("联系电话", max_length=11)
    applicant_id_number = models.CharField("身份证号", max_length=18, blank=True)
    materials_received = models.JSONField("已收材料", default=list, blank=True)
    notes = models.CharField("备注", max_length=300, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="受理人（首问责任人）",
                                    on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField("受理日期")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT,
                                related_name="+")
    office = models.CharField("承办科室", max_length=60, blank=True)
    promised_date = models.DateField("承诺办结日期")
    warn_on = models.DateField("黄牌日期")  # the working day before the promised date
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACCEPTED)
    result = models.CharField("办理结果", max_length=300, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    finished_on = models.DateField("办结日期", null=True, blank=True)
    working_days_taken = models.PositiveSmallIntegerField("办理用时（工作日）", null=True, blank=True)
    shift = models.ForeignKey("DutyShift", verbose_name="受理时的值班", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="requests")
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "代办事项"
        verbose_name_plural = "代办事项"
        ordering = ["-accepted_on", "-id"]
        indexes = [
            models.Index(fields=["village", "status", "promised_date"]),
            models.Index(fields=["status", "promised_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(promised_date__gte=F("accepted_on")),
                                   name="centers_proxyrequest_promised_after_accepted",
                                   violation_error_message="承诺办结日期不能早于受理日期。"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("centers:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def flag_on(self, today) -> str:
        """督办 flag: "red" past the promised date, "yellow" from the working day before it."""
        if not self.is_open:
            return ""
        if today > self.promised_date:
            return "red"
        return "yellow" if today >= self.warn_on else ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.applicant_phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)


class ProxyRequestStep(models.Model):
    """One step on a proxy request's timeline (受理, 承办, 进展, 办结, 回复, 退回, 转办, 撤回, 改期). Immutable."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "受理"
        START = "start", "承办"
        PROGRESS = "progress", "进展"
        COMPLETE = "complete", "办结"
        REPLY = "reply", "回复"
        RETURN = "return", "退回"
        TRANSFER = "transfer", "转办"
        WITHDRAW = "withdraw", "撤回"
        RESCHEDULE = "reschedule", "改期"

    request = models.ForeignKey(ProxyRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=12, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # The public lookup shows these steps (no names, no personal data); notes stay internal.
    is_public = models.BooleanField("公开", default=True)

    class Meta:
        verbose_name = "代办进程"
        verbose_name_plural = "代办进程"
        ordering = ["at", "id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


@pghistory.track()
class DutyRules(models.Model):
    """A county's duty-shift rules (坐班规定): working hours and the check-in cutoff with its grace period."""

    county = models.OneToOneField(Region, verbose_name="县", on_delete=models.PROTECT, related_name="duty_rules")
    starts_at = models.TimeField("上班时间", default=datetime.time(8, 30))
    ends_at = models.TimeField("下班时间", default=datetime.time(17, 30))
    cutoff = models.TimeField("签到截止", default=datetime.time(9, 0))
    grace_minutes = models.PositiveSmallIntegerField("宽限分钟", default=10)
    remind_minutes_before = models.PositiveSmallIntegerField("提前提醒分钟", default=30)

    class Meta:
        verbose_name = "坐班规定"
        verbose_name_plural = "坐班规定"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="centers_dutyrules_ends_after_start",
                                   violation_error_message="下班时间应晚于上班时间。"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


@pghistory.track()
class DutyShift(models.Model):
    """A duty shift (坐班值班): one cadre on duty at a village's center on one day.

    ``attendance`` is set by check-in (on time / late) or by the absence job after the cutoff.
    """

    class Attendance(models.TextChoices):
        PENDING = "pending", "待签到"
        ON_TIME = "on_time", "正常"
        LATE = "late", "迟到"
        ABSENT = "absent", "缺勤"

    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField("日期")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="值班干部", on_delete=models.PROTECT,
                              related_name="duty_shifts")
    attendance = models.CharField("出勤", max_length=10, choices=Attendance.choices, default=Attendance.PENDING)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    left_early = models.BooleanField("早退", default=False)
    latitude = models.DecimalField("签到纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("签到经度", max_digits=9, decimal_places=6, null=True, blank=True)
    visitors = models.PositiveSmallIntegerField("接待群众人次", default=0)
    handled = models.TextField("办理事项记录", blank=True)
    swapped_with = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="换班对象", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    swap_agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="换班确认人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "坐班值班"
        verbose_name_plural = "坐班值班"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["village", "date"], name="centers_dutyshift_one_per_village_day",
                                    violation_error_message="该村这一天已排班。"),
        ]
        indexes = [models.Index(fields=["date", "attendance"]), models.Index(fields=["cadre", "date"])]

    def __str__(self) -> str:
        return f"{self.village} {self.date} {self.cadre}"

"""The party-mass service center (党群服务中心) and serving members and the public (服务党员群众):
the center's profile, rooms and building-standard checklist, duty shifts (坐班), the service-item catalog
and proxy requests (代办)."""

from __future__ import annotations

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from centers.permissions import MANAGE_CENTER_LISTS, MANAGE_SERVICE_ITEMS
from centers.standards import default_flow
from core.models import TimelineEvent, length_at_most
from core.personal_data import mask_id_number, mask_phone
from regions.models import CountySettings, Region, RegionList, RegionScoped
from regions.roles import Level


@pghistory.track()
class RoomType(RegionList):
    """A room or function a service center may have (功能室), e.g. 民主决策室.

    Rows with no region are the preloaded standard list; a county may add its own.
    """

    maintain_perm = MANAGE_CENTER_LISTS

    class Meta(RegionList.Meta):
        verbose_name = "功能室类型"
        verbose_name_plural = "功能室类型"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="centers_roomtype_unique_name",
                nulls_distinct=False,
                violation_error_message="已有同名的功能室。",
            ),
        ]


@pghistory.track()
class ChecklistItem(RegionList):
    """An item of the building standard (建设标准), in one of its categories (e.g. 外观标识).

    Rows with no region are the preloaded standard (6 categories, 12 items); a county may add its own.
    """

    maintain_perm = MANAGE_CENTER_LISTS

    category = models.CharField("类别", max_length=30)
    description = models.CharField("要求", max_length=300, blank=True)

    class Meta(RegionList.Meta):
        verbose_name = "建设标准项"
        verbose_name_plural = "建设标准项"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category", "name"],
                name="centers_checklistitem_unique_name",
                nulls_distinct=False,
                violation_error_message="该类别下已有同名标准项。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}·{self.name}"


@pghistory.track()
class ServiceCenter(RegionScoped):
    """A party-mass service center (党群服务中心): one per village, township and county region."""

    scope_field = "region"

    region = models.OneToOneField(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="service_center"
    )
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    duty_phone = models.CharField("值班电话", max_length=20, blank=True)
    opening_hours = models.CharField(
        "开放时间", max_length=100, blank=True, default="周一至周五 8:30-12:00，14:30-17:30"
    )
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
pghistory.track(
    pghistory.InsertEvent(), pghistory.DeleteEvent(), model_name="ServiceCenterRoomEvent", app_label="centers"
)(ServiceCenter.rooms.through)


def checklist_photo_path(instance: ChecklistEntry, filename: str) -> str:
    return f"checklist/{instance.center.region.prefix[:6]}/{instance.center_id}/{filename}"


@pghistory.track()
class ChecklistEntry(RegionScoped):
    """One center's state on one building-standard item: met or not, when checked, a note and a photo."""

    scope_field = "region"

    center = models.ForeignKey(
        ServiceCenter, verbose_name="党群服务中心", on_delete=models.CASCADE, related_name="checklist_entries"
    )
    # Cached owner region so scoping and the audit trail need no join through the center.
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        ChecklistItem, verbose_name="标准项", on_delete=models.PROTECT, related_name="entries"
    )
    is_met = models.BooleanField("是否达标", default=False)
    checked_on = models.DateField("检查日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    photo = models.ImageField("照片", upload_to=checklist_photo_path, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "建设标准达标情况"
        verbose_name_plural = "建设标准达标情况"
        ordering = ["item__sort_order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "item"],
                name="centers_checklistentry_one_per_item",
                violation_error_message="该标准项已有记录。",
            ),
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
class ServiceItem(RegionList):
    """A service item (服务事项) villagers ask the center for, e.g. 低保申请.

    Rows with no region are the preloaded standard catalog; a county adds items for the whole county and
    a township for its own area. ``promised_days`` counts working days on the county's calendar.
    """

    owner_levels = (Level.COUNTY, Level.TOWNSHIP)
    maintain_perm = MANAGE_SERVICE_ITEMS
    cache_topic = "service_items"

    category = models.CharField("类别", max_length=30)
    handling_way = models.CharField("办理方式", max_length=10, choices=HandlingWay.choices)
    office = models.CharField("责任科室", max_length=60)
    materials = models.TextField("所需材料", max_length=2000, blank=True, help_text="每行一项。")
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    needs_id_number = models.BooleanField("需要身份证号", default=True)
    # The 办事明白纸's text: who may apply, and the steps (one a line). Blank: the page shows the
    # standard 受理→承办→回复 steps of the item's handling way.
    conditions = models.TextField("办理条件", max_length=2000, blank=True)
    flow = models.TextField(
        "办理流程",
        max_length=2000,
        blank=True,
        help_text="每行一步；不填则按办理方式显示受理、承办、回复三个环节。",
    )

    class Meta(RegionList.Meta):
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        constraints = [
            length_at_most("materials", 2000, "所需材料"),
            length_at_most("conditions", 2000, "办理条件"),
            length_at_most("flow", 2000, "办理流程"),
            models.UniqueConstraint(
                fields=["region", "name"],
                nulls_distinct=False,
                name="centers_serviceitem_unique_name",
                violation_error_message="已有同名的服务事项。",
            ),
            models.CheckConstraint(
                condition=Q(promised_days__gte=1, promised_days__lte=365),
                name="centers_serviceitem_promised_days_range",
                violation_error_message="承诺时限应为1至365个工作日。",
            ),
        ]

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    @property
    def flow_steps(self) -> list[str]:
        """The steps of the 明白纸: the item's own, else the standard ones of its handling way."""
        own = [line.strip() for line in self.flow.splitlines() if line.strip()]
        return own or default_flow(self.handling_way, self.office)


def request_timeliness(
    *,
    status: str,
    finished_on: datetime.date | None,
    original: datetime.date,
    promised: datetime.date,
    today: datetime.date,
) -> str:
    """How a request stands against its original promise (the figures' rule, DOMAIN_RULES C.10): 按时办结
    by the original promise, 延期办结 later but by the approved date, else 超期办结; open and past the
    original promise: 超期未办结. Empty while open and in time, and for returned or withdrawn requests.
    The figures count the same conditions in SQL (centers.selectors.proxy_request_figures)."""
    if finished_on is not None and status in ("done", "replied"):
        if finished_on <= original:
            return "按时办结"
        return "延期办结" if finished_on <= promised else "超期办结"
    if status in ("accepted", "in_progress") and today > original:
        return "超期未办结"
    return ""


@pghistory.track()
class ProxyRequest(RegionScoped):
    """A proxy request (代办): a villager's business the village carries until it is done (首问负责).

    Its status changes only through centers.workflows.PROXY_REQUEST, which appends an immutable
    ProxyRequestTimelineEvent per transition; ``version`` refuses the second of two concurrent saves.
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

    # The on-time rule (DOMAIN_RULES C.10) as filters, one place for the figures and the charts: done means
    # 办结 or 回复; 按时 by the original promise; 延期办结 after it but by an approved extension; open past
    # the original promise counts as late.
    @staticmethod
    def done_q() -> Q:
        return Q(status__in=(ProxyRequest.Status.DONE, ProxyRequest.Status.REPLIED))

    @staticmethod
    def on_time_q() -> Q:
        return ProxyRequest.done_q() & Q(finished_on__lte=F("original_promised_date"))

    @staticmethod
    def extended_q() -> Q:
        return ProxyRequest.done_q() & Q(
            finished_on__gt=F("original_promised_date"), finished_on__lte=F("promised_date")
        )

    @staticmethod
    def overdue_open_q(today) -> Q:
        return Q(status__in=ProxyRequest.OPEN, original_promised_date__lt=today)

    # Shown masked in the audit trail too (audit.history); the full values only through the audited reveal.
    AUDIT_MASKED_FIELDS = ("applicant_phone", "applicant_id_number")

    number = models.CharField("受理编号", max_length=20, unique=True)
    receipt_code = models.CharField("回执码", max_length=12, unique=True)
    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="proxy_requests"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name="服务事项", on_delete=models.PROTECT, related_name="requests"
    )
    applicant_name = models.CharField("申请人", max_length=50)
    applicant_phone = models.CharField("联系电话", max_length=11)
    applicant_id_number = models.CharField("身份证号", max_length=18, blank=True)
    materials_received = models.JSONField("已收材料", default=list, blank=True)
    notes = models.CharField("备注", max_length=300, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受理人（首问责任人）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_on = models.DateField("受理日期")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT, related_name="+"
    )
    office = models.CharField("承办科室", max_length=60, blank=True)
    # The promise in force (flags and reminders follow it); an approved 延期 moves it later.
    promised_date = models.DateField("承诺办结日期")
    # The promise made at 受理: every on-time figure counts against it (DOMAIN_RULES C.10). A database
    # trigger refuses any change to it.
    original_promised_date = models.DateField("原承诺办结日期")
    warn_on = models.DateField("黄牌日期")  # the working day before the promised date
    # A pending 延期申请 (at most one: these fields hold it until the township decides).
    extension_to = models.DateField("申请延期至", null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    extension_asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="延期申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extension_asked_on = models.DateField("延期申请日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACCEPTED)
    result = models.CharField("办理结果", max_length=300, blank=True)
    # Written for the applicant at 回复 and shown on the public lookup; ``result`` stays an internal record.
    reply_text = models.CharField("告知申请人的办理结果", max_length=300, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    finished_on = models.DateField("办结日期", null=True, blank=True)
    working_days_taken = models.PositiveSmallIntegerField("办理用时（工作日）", null=True, blank=True)
    shift = models.ForeignKey(
        "DutyShift",
        verbose_name="受理时的值班",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "代办事项"
        verbose_name_plural = "代办事项"
        ordering = ["-accepted_on", "-id"]
        indexes = [
            models.Index(fields=["village", "status", "promised_date"]),
            models.Index(fields=["status", "promised_date"]),
            # The list's order: its first page is read off the index instead of sorting every request.
            models.Index(fields=["-accepted_on", "-id"], name="centers_request_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_date__gte=F("accepted_on")),
                name="centers_proxyrequest_promised_after_accepted",
                violation_error_message="承诺办结日期不能早于受理日期。",
            ),
            # A pending extension is complete (date, reason, who, when) and asks for a later date.
            models.CheckConstraint(
                condition=Q(
                    extension_to__isnull=True,
                    extension_reason="",
                    extension_asked_by__isnull=True,
                    extension_asked_on__isnull=True,
                )
                | (
                    Q(
                        extension_to__gt=F("promised_date"),
                        extension_asked_by__isnull=False,
                        extension_asked_on__isnull=False,
                    )
                    & ~Q(extension_reason="")
                ),
                name="centers_proxyrequest_extension_complete",
                violation_error_message="延期申请须写明延期后的日期（晚于现在的承诺日期）和理由。",
            ),
        ]
        triggers = [
            pgtrigger.ReadOnly(name="original_promise_fixed", fields=["original_promised_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("centers:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def extension_pending(self) -> bool:
        return self.extension_to is not None

    @property
    def is_extended(self) -> bool:
        return self.promised_date > self.original_promised_date

    def timeliness_on(self, today: datetime.date) -> str:
        return request_timeliness(
            status=self.status,
            finished_on=self.finished_on,
            original=self.original_promised_date,
            promised=self.promised_date,
            today=today,
        )

    def flag_on(self, today: datetime.date) -> str:
        """督办 flag: "red" past the promised date, "yellow" from the working day before it. The promise in
        force counts here (an approved extension moves the flags), unlike the figures."""
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


class ProxyRequestTimelineEvent(TimelineEvent):
    """One event on a proxy request's timeline (进程): 受理, 承办, 进展, 办结, 回复, 退回, 转办, 撤回, 延期申请
    and the township's decision on it (批准/不批准), 督办.
    Immutable. The facts are in ``payload`` (the promised date, the new handler, the reply's channel)."""

    PAYLOAD_TEMPLATE = "centers/includes/proxyrequest_event.html"

    class Kind(models.TextChoices):
        ACCEPT = "accept", "受理"
        START = "start", "承办"
        PROGRESS = "progress", "进展"
        COMPLETE = "complete", "办结"
        REPLY = "reply", "回复"
        RETURN = "return", "退回"
        TRANSFER = "transfer", "转办"
        WITHDRAW = "withdraw", "撤回"
        # Kept for the events written before 改期 needed the township's approval (no transition now).
        RESCHEDULE = "reschedule", "改期"
        EXTENSION_ASK = "extend_ask", "申请延期"
        EXTENSION_GRANT = "extend_grant", "批准延期"
        EXTENSION_DENY = "extend_deny", "不批准延期"
        URGE = "urge", "督办"
        URGE_ANSWER = "urge_answer", "回复督办"

    proxy_request = models.ForeignKey(ProxyRequest, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField("事件", max_length=12, choices=Kind.choices)
    from_state = models.CharField("原状态", max_length=12, choices=ProxyRequest.Status.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=ProxyRequest.Status.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = "代办进程"
        verbose_name_plural = "代办进程"

    @property
    def satisfaction_label(self) -> str:
        value = self.payload.get("satisfaction", "")
        return ProxyRequest.Satisfaction(value).label if value in ProxyRequest.Satisfaction.values else ""


@pghistory.track()
class DutyRules(CountySettings):
    """A county's duty-shift rules (坐班规定): working hours and the check-in cutoff with its grace period."""

    starts_at = models.TimeField("上班时间", default=datetime.time(8, 30))
    ends_at = models.TimeField("下班时间", default=datetime.time(17, 30))
    cutoff = models.TimeField("签到截止", default=datetime.time(9, 0))
    grace_minutes = models.PositiveSmallIntegerField("宽限分钟", default=10)
    remind_minutes_before = models.PositiveSmallIntegerField("提前提醒分钟", default=30)

    class Meta:
        verbose_name = "坐班规定"
        verbose_name_plural = "坐班规定"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="centers_dutyrules_ends_after_start",
                violation_error_message="下班时间应晚于上班时间。",
            ),
            models.CheckConstraint(
                condition=Q(cutoff__gte=F("starts_at"), cutoff__lt=F("ends_at")),
                name="centers_dutyrules_cutoff_in_hours",
                violation_error_message="签到截止时间应在上班时间和下班时间之间。",
            ),
            models.CheckConstraint(
                condition=Q(grace_minutes__lte=120),
                name="centers_dutyrules_grace_at_most_2h",
                violation_error_message="宽限时间不能超过120分钟。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


@pghistory.track()
class DutyShift(RegionScoped):
    """A duty shift (坐班值班): one cadre on duty at a village's center on one day.

    ``attendance`` is set by check-in (on time / late) or by the absence job after the cutoff.
    """

    class Attendance(models.TextChoices):
        PENDING = "pending", "待签到"
        ON_TIME = "on_time", "正常"
        LATE = "late", "迟到"
        ABSENT = "absent", "缺勤"

    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    date = models.DateField("日期")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="值班干部",
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    attendance = models.CharField(
        "出勤", max_length=10, choices=Attendance.choices, default=Attendance.PENDING
    )
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    left_early = models.BooleanField("早退", default=False)
    latitude = models.DecimalField("签到纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("签到经度", max_digits=9, decimal_places=6, null=True, blank=True)
    visitors = models.PositiveSmallIntegerField("接待群众人次", default=0)
    handled = models.TextField("办理事项记录", max_length=2000, blank=True)
    swapped_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="换班对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    swap_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="换班确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    @property
    def absence_reason(self) -> str:
        """Why an absent shift counts as absent: no check-in, or a check-in only after the day's hours."""
        if self.attendance != self.Attendance.ABSENT:
            return ""
        return "下班后才签到" if self.checked_in_at else "未签到"

    class Meta:
        verbose_name = "坐班值班"
        verbose_name_plural = "坐班值班"
        ordering = ["date"]
        constraints = [
            length_at_most("handled", 2000, "办理事项记录"),
            models.UniqueConstraint(
                fields=["village", "date"],
                name="centers_dutyshift_one_per_village_day",
                violation_error_message="该村这一天已排班。",
            ),
        ]
        indexes = [models.Index(fields=["date", "attendance"]), models.Index(fields=["cadre", "date"])]

    def __str__(self) -> str:
        return f"{self.village} {self.date} {self.cadre}"


@pghistory.track()
class Suggestion(RegionScoped):
    """A villager's question or suggestion (问题建议), left on the village's public page without an
    account; name and phone are optional. The village answers it once (销号), and the villager reads
    the answer with the receipt code. Collected and answered ones are counted per village.
    """

    # Shown masked in the audit trail too; the full number only through the audited reveal.
    AUDIT_MASKED_FIELDS = ("name", "phone")

    receipt_code = models.CharField("查询码", max_length=12, unique=True)
    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="suggestions"
    )
    content = models.CharField("问题建议", max_length=500)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=11, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    answer = models.CharField("答复", max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "问题建议"
        verbose_name_plural = "问题建议"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["village", "answered_at"]),
            models.Index(fields=["-created_at", "-id"], name="centers_suggestion_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(content=""),
                name="centers_suggestion_content_given",
                violation_error_message="请填写问题或建议。",
            ),
            # Answered means all three facts, never part of them.
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True, answered_by__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False, answered_by__isnull=False)),
                name="centers_suggestion_answer_complete",
                violation_error_message="答复内容、答复人和答复时间须同时填写。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.content[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("centers:suggestion-detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

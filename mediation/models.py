"""Dispute mediation (矛盾纠纷调处 / 人民调解): mediation committees, disputes from report to follow-up,
their parties, mediators, sessions, agreements, escalations and the county's rules (DOMAIN_RULES B.1).

A dispute keeps one number and one timeline across levels: ``level`` and ``handling_region`` say who
handles it now (grid and village cases are handled in the village, township cases by the township's
司法所, county cases by the county); only that region's subtree and the levels above it see the case.
Grids themselves are part of the spine (regions.Grid): grid posts are posts like any other.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.models import APPEND_ONLY, TimelineEvent, length_at_most
from core.personal_data import mask_contact_phone, mask_id_number
from regions.models import CountySettings, Grid, Region, RegionScoped, VillageOwned, village_from_parent

SUMMARY_MAX = 2000
NOTES_MAX = 4000


class Level(models.TextChoices):
    """The level handling a dispute: 小事不出村、大事不出乡、难事不出县."""

    GRID = "grid", "网格"
    VILLAGE = "village", "村级"
    TOWNSHIP = "township", "乡级"
    COUNTY = "county", "县级"


LEVEL_ORDER = (Level.GRID, Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY)


class DisputeType(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", "婚姻家庭"
    NEIGHBOURS = "neighbours", "邻里纠纷"
    LAND_CONTRACT = "land_contract", "土地承包"
    HOMESTEAD = "homestead", "宅基地"
    FOREST_WATER = "forest_water", "山林水利"
    DAMAGES = "damages", "损害赔偿"
    LABOUR = "labour", "劳动争议"
    SUPPORT_INHERITANCE = "support_inheritance", "赡养/继承"
    DEBT = "debt", "债权债务"
    LAND_ACQUISITION = "land_acquisition", "征地拆迁"
    VILLAGE_AFFAIRS = "village_affairs", "村务管理"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    GRID = "grid", "网格排查"
    VISIT = "visit", "群众来访"
    HOTLINE = "hotline", "来电/热线"
    ONLINE = "online", "网络/公众号"
    ASSIGNED = "assigned", "上级交办"
    ENTRUSTED = "entrusted", "法院/公安委托"
    PETITION = "petition", "信访转办"


class RiskLevel(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "较大"
    MAJOR = "major", "重大"


class State(models.TextChoices):
    REGISTERED = "registered", "待受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ACCEPTED = "accepted", "已受理"
    MEDIATING = "mediating", "调解中"
    AGREED = "agreed", "调解成功"
    FOLLOWING_UP = "following_up", "回访中"
    CLOSED = "closed", "已结案"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"
    ESCALATED = "escalated", "已上报待受理"
    TRANSFERRED = "transferred", "已转交"


# Where a case stands in the figures: still being handled here, or done with (B.1.6).
OPEN_STATES = (State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.ESCALATED)
MEDIATION_CLOCK_STATES = (State.ACCEPTED, State.MEDIATING)
FINAL_STATES = (State.NOT_ACCEPTED, State.CLOSED, State.FAILED, State.TERMINATED, State.TRANSFERRED)


class Resolution(models.TextChoices):
    """How a resolved (化解) dispute was resolved: 化解 ≠ 调解成功, both are kept (B.1.6)."""

    MEDIATED = "mediated", "调解成功"
    SETTLED = "settled", "自行和解等其他方式化解"


class TransferTarget(models.TextChoices):
    PETITION = "petition", "信访部门"
    POLICE = "police", "公安机关"
    COURT = "court", "人民法院"
    DEPARTMENT = "department", "行政部门"


class Application(models.TextChoices):
    WRITTEN = "written", "当事人书面申请"
    ORAL = "oral", "当事人口头申请（已记录）"
    INITIATIVE = "initiative", "调解委员会主动调解"


class PetitionLevel(models.TextChoices):
    TOWNSHIP = "township", "乡"
    COUNTY = "county", "县"
    CITY = "city", "市"
    PROVINCE = "province", "省"
    CAPITAL = "capital", "京"


# 规定 第22条 and 人民调解法 第17、25、26条: the fixed list of reasons not to accept a dispute.
class NotAcceptedReason(models.TextChoices):
    SPECIAL_ORGAN = "special_organ", "法律法规规定只能由专门机关管辖处理或者禁止民间调解的"
    HANDLED_ELSEWHERE = "handled_elsewhere", "人民法院、公安机关或者其他行政机关已经受理或者解决的"
    PARTY_REFUSED = "party_refused", "当事人一方明确拒绝调解的"
    CRIME = "crime", "涉嫌犯罪或治安违法，应移送公安机关的"


class EscalationReason(models.TextChoices):
    COMPLEX = "complex", "案情复杂"
    ACROSS_VILLAGES = "across_villages", "跨村纠纷"
    ACROSS_TOWNSHIPS = "across_townships", "跨乡纠纷"
    MAJOR_RISK = "major_risk", "重大风险"
    FAILED_HERE = "failed_here", "本级调解不成，可由上级调解"


@pghistory.track()
class MediationRules(CountySettings):
    """A county's mediation rules (DOMAIN_RULES B.1.4 and C.5); a county without a row has these defaults."""

    accept_working_days = models.PositiveSmallIntegerField("登记后受理时限（工作日）", default=3)
    escalated_accept_working_days = models.PositiveSmallIntegerField(
        "上报后上级受理时限（工作日）", default=3
    )
    mediation_months = models.PositiveSmallIntegerField("调解期限（月，自受理之日起）", default=1)
    max_extensions = models.PositiveSmallIntegerField("最多延期次数", default=1)
    extension_max_months = models.PositiveSmallIntegerField("每次延期最长（月）", default=1)
    skip_level_only_major = models.BooleanField("越级上报仅限重大风险", default=True)
    group_threshold = models.PositiveSmallIntegerField("群体性纠纷人数（达到即是）", default=5)
    warn_days = models.PositiveSmallIntegerField("到期前提醒（天，黄色）", default=5)
    follow_up_after_performance_days = models.PositiveSmallIntegerField("履行期限后回访（天）", default=3)
    follow_up_after_effective_days = models.PositiveSmallIntegerField(
        "无履行期限时协议生效后回访（天）", default=30
    )
    backlog_days = models.PositiveSmallIntegerField("积案（信访起始满多少天仍未化解）", default=365)

    class Meta:
        verbose_name = "矛盾调解规定"
        verbose_name_plural = "矛盾调解规定"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    accept_working_days__gte=1,
                    escalated_accept_working_days__gte=1,
                    mediation_months__gte=1,
                    extension_max_months__gte=1,
                    group_threshold__gte=2,
                    backlog_days__gte=1,
                ),
                name="mediation_rules_positive_limits",
                violation_error_message="时限至少为1，群体性纠纷人数至少为2。",
            ),
            models.CheckConstraint(
                condition=Q(mediation_months__lte=12, extension_max_months__lte=12, max_extensions__lte=5),
                name="mediation_rules_bounded",
                violation_error_message="调解期限和延期不能超过12个月，延期不能超过5次。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} 调解期限{self.mediation_months}个月"


@pghistory.track()
class Committee(RegionScoped):
    """A 人民调解委员会 of a village (人民调解法 第8条) or a township (第34条): 3-9 members, one 主任, a
    woman member (a warning when missing), a three-year term stored with its dates (第9条)."""

    scope_field = "region"

    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    term_starts_on = models.DateField("本届任期开始")
    term_ends_on = models.DateField("本届任期届满")
    is_active = models.BooleanField("在任", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "人民调解委员会"
        verbose_name_plural = "人民调解委员会"
        ordering = ["region__code", "-term_starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(is_active=True),
                name="mediation_committee_one_active_per_region",
                violation_error_message="该区划已有一届在任的人民调解委员会。",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=F("term_starts_on")),
                name="mediation_committee_term_after_start",
                violation_error_message="任期届满日期须晚于任期开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class CommitteePosition(models.TextChoices):
    CHAIR = "chair", "主任"
    VICE_CHAIR = "vice_chair", "副主任"
    MEMBER = "member", "委员"


@pghistory.track()
class CommitteeMember(models.Model):
    """A member of a committee (人民调解员, 第13条). Leaving ends the membership (dated), a 罢免/解聘 for
    misconduct (第15条) records why."""

    AUDIT_MASKED_FIELDS = ("phone",)

    committee = models.ForeignKey(
        Committee, verbose_name="调解委员会", on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField("姓名", max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField("职务", max_length=12, choices=CommitteePosition.choices)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "调解委员会成员"
        verbose_name_plural = "调解委员会成员"
        ordering = ["committee", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(position="chair", ended_on__isnull=True),
                name="mediation_member_one_chair",
                violation_error_message="调解委员会只设主任一人。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="mediation_member_end_after_start",
                violation_error_message="离任日期不能早于任职日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_position_display()}）"


@pghistory.track()
class Dispute(RegionScoped):
    """A dispute (矛盾纠纷) from registration to closure: one number, one timeline across levels."""

    scope_field = "handling_region"
    AUDIT_MASKED_FIELDS = ()

    number = models.CharField("案件编号", max_length=20, unique=True)
    village = models.ForeignKey(
        Region, verbose_name="发生地（村）", on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )
    handling_region = models.ForeignKey(
        Region, verbose_name="承办单位所在区划", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("承办层级", max_length=10, choices=Level.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.REGISTERED)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    dispute_type = models.CharField("纠纷类型", max_length=24, choices=DisputeType.choices)
    summary = models.TextField("简要情况", max_length=SUMMARY_MAX)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    people_involved = models.PositiveIntegerField("涉及人数", default=2)
    is_group = models.BooleanField("群体性纠纷", default=False)
    risk_level = models.CharField(
        "风险等级", max_length=10, choices=RiskLevel.choices, default=RiskLevel.ORDINARY
    )
    may_intensify = models.BooleanField("可能激化", default=False)
    petition_threat = models.BooleanField("扬言上访/越级上访", default=False)
    key_person = models.BooleanField("涉及重点人员", default=False)
    found_on = models.DateField("发现日期")
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    # The grid worker who found it (a grid source), and the cadre who received it (首问).
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告网格员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接待人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    application = models.CharField("调解申请", max_length=12, choices=Application.choices, blank=True)
    # The clocks of the level handling it now (a receiving level's acceptance restarts them).
    level_since = models.DateField("本级承办起始日期")
    accept_due_on = models.DateField("受理期限", null=True, blank=True)
    accepted_on = models.DateField("本级受理日期", null=True, blank=True)
    first_accepted_on = models.DateField("首次受理日期", null=True, blank=True)
    due_on = models.DateField("调解期限", null=True, blank=True)
    extensions = models.PositiveSmallIntegerField("延期次数", default=0)
    concluded_on = models.DateField("办结日期", null=True, blank=True)
    not_accepted_reason = models.CharField(
        "不予受理理由", max_length=20, choices=NotAcceptedReason.choices, blank=True
    )
    failure_advice = models.CharField("告知的其他解决途径", max_length=300, blank=True)
    resolution = models.CharField("化解方式", max_length=10, choices=Resolution.choices, blank=True)
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    resolved_level = models.CharField("化解层级", max_length=10, choices=Level.choices, blank=True)
    transferred_to = models.CharField("转交去向", max_length=12, choices=TransferTarget.choices, blank=True)
    transferred_body = models.CharField("接收单位", max_length=100, blank=True)
    # 信访: a case that is or becomes a petition records its start and the highest level it reached.
    petition_started_on = models.DateField("信访起始日期", null=True, blank=True)
    petition_level = models.CharField(
        "信访到达层级", max_length=10, choices=PetitionLevel.choices, blank=True
    )
    petition_repeats = models.PositiveSmallIntegerField("重复信访次数", default=0)
    petition_beyond_level = models.BooleanField("越级上访", default=False)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷"
        ordering = ["-registered_at", "-id"]
        constraints = [
            length_at_most("summary", SUMMARY_MAX, "简要情况"),
            models.CheckConstraint(
                condition=~Q(state="not_accepted") | ~Q(not_accepted_reason=""),
                name="mediation_dispute_not_accepted_has_reason",
                violation_error_message="不予受理须选择理由。",
            ),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_on__isnull=True, resolved_level="")
                | (~Q(resolution="") & Q(resolved_on__isnull=False) & ~Q(resolved_level="")),
                name="mediation_dispute_resolution_complete",
                violation_error_message="化解须记录方式、日期和层级。",
            ),
            models.CheckConstraint(
                condition=~Q(state="transferred") | ~Q(transferred_to=""),
                name="mediation_dispute_transfer_has_target",
                violation_error_message="转交须写明去向。",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="mediation_dispute_amount_not_negative",
                violation_error_message="涉及金额不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(people_involved__gte=1, people_involved__lte=100000),
                name="mediation_dispute_people_bounded",
                violation_error_message="涉及人数须在1至100000之间。",
            ),
            models.CheckConstraint(
                condition=Q(level__in=("grid", "village")) | ~Q(handling_region=F("village")),
                name="mediation_dispute_township_level_not_in_village",
                violation_error_message="乡级、县级承办的纠纷不能由村承办。",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "found_on"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["resolved_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_dispute_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("mediation:dispute-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def is_resolved(self) -> bool:
        return bool(self.resolution)


@pghistory.track()
class Party(VillageOwned):
    """A party (当事人): a person or an organisation, applicant or respondent. ID and phone are validated,
    shown masked, revealed only with an audit row (core.personal_data)."""

    owner_parent = "dispute"
    AUDIT_MASKED_FIELDS = ("id_number", "phone")

    class Kind(models.TextChoices):
        PERSON = "person", "自然人"
        ORGANISATION = "organisation", "法人或其他组织"

    class Side(models.TextChoices):
        APPLICANT = "applicant", "申请人"
        RESPONDENT = "respondent", "被申请人"
        OTHER = "other", "其他当事人"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="parties"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.PERSON)
    side = models.CharField("当事人身份", max_length=12, choices=Side.choices)
    name = models.CharField("姓名或名称", max_length=60)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=100, blank=True)
    representative = models.CharField("代理人或代表人", max_length=60, blank=True)
    # 人民调解法 第17条: "当事人一方明确拒绝调解的，不得调解".
    refuses_mediation = models.BooleanField("明确拒绝调解", default=False)
    refused_at = models.DateTimeField("拒绝记录时间", null=True, blank=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["dispute", "id"]
        triggers = [village_from_parent("dispute", Dispute)]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        # A landline (0395-1234567) is masked too, not only an 11-digit mobile.
        return mask_contact_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


@pghistory.track()
class CaseMediator(VillageOwned):
    """A mediator of a case (人民调解法 第19条: designated, or chosen by the parties). A party may ask for
    a mediator to step aside (回避): the row is ended with the reason, never deleted."""

    owner_parent = "dispute"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="mediators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调解员账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("调解员", max_length=30)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    is_lead = models.BooleanField("主持调解", default=False)
    chosen_by_parties = models.BooleanField("当事人选择", default=False)
    assigned_on = models.DateField("指派日期")
    withdrawn_on = models.DateField("回避/退出日期", null=True, blank=True)
    withdrawn_reason = models.CharField("回避/退出原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "承办调解员"
        verbose_name_plural = "承办调解员"
        ordering = ["dispute", "-is_lead", "id"]
        triggers = [village_from_parent("dispute", Dispute)]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(is_lead=True, withdrawn_on__isnull=True),
                name="mediation_mediator_one_lead",
                violation_error_message="每件纠纷只有一名主持调解员。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Session(VillageOwned):
    """A mediation session (调解记录, 人民调解法 第20、22、23、27条). Immutable once recorded."""

    owner_parent = "dispute"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="sessions"
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    held_on = models.DateField("调解日期")
    place = models.CharField("地点", max_length=100)
    mediators = models.CharField("调解员", max_length=200)
    parties_present = models.CharField("到场当事人", max_length=200)
    others_present = models.CharField("邀请参加人员（亲属、邻里、专业人员等）", max_length=200, blank=True)
    is_public = models.BooleanField("公开调解", default=False)
    rights_told = models.BooleanField("已告知当事人权利义务", default=False)
    notes = models.TextField("调解经过", max_length=NOTES_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "调解记录"
        verbose_name_plural = "调解记录"
        ordering = ["dispute", "held_on", "id"]
        triggers = [village_from_parent("dispute", Dispute), APPEND_ONLY]
        constraints = [length_at_most("notes", NOTES_MAX, "调解经过")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place}"


@pghistory.track()
class Agreement(VillageOwned):
    """The agreement (调解协议). Written (调解协议书, 第28、29条): effective when every party has signed
    (or sealed, thumb-printed), the mediator has signed and the committee's seal is recorded; three
    originals. Oral (第30条): effective the day it is reached."""

    owner_parent = "dispute"

    class Form(models.TextChoices):
        WRITTEN = "written", "书面协议（调解协议书）"
        ORAL = "oral", "口头协议"

    dispute = models.OneToOneField(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="agreement"
    )
    form = models.CharField("形式", max_length=8, choices=Form.choices)
    level = models.CharField("达成层级", max_length=10, choices=Level.choices)
    facts = models.TextField("纠纷主要事实、争议事项及各方责任", max_length=NOTES_MAX)
    terms = models.TextField("协议内容", max_length=NOTES_MAX)
    performance_manner = models.CharField("履行方式", max_length=200)
    performance_due_on = models.DateField("履行期限", null=True, blank=True)
    reached_on = models.DateField("达成日期")
    mediator_signed = models.BooleanField("调解员已签名", default=False)
    sealed_on = models.DateField("加盖调解委员会印章日期", null=True, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    follow_up_due_on = models.DateField("首次回访期限", null=True, blank=True)
    scan = models.FileField("协议扫描件", upload_to="mediation/agreements/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "调解协议"
        verbose_name_plural = "调解协议"
        triggers = [village_from_parent("dispute", Dispute)]
        constraints = [
            length_at_most("facts", NOTES_MAX, "纠纷事实"),
            length_at_most("terms", NOTES_MAX, "协议内容"),
            models.CheckConstraint(
                condition=Q(form="oral")
                | Q(effective_on__isnull=True)
                | Q(sealed_on__isnull=False, mediator_signed=True),
                name="mediation_written_agreement_effective_when_sealed",
                violation_error_message="书面协议须调解员签名并加盖调解委员会印章后才能生效。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute.number} {self.get_form_display()}"

    @property
    def is_effective(self) -> bool:
        return self.effective_on is not None


@pghistory.track()
class Signature(VillageOwned):
    """A party's signature (签名、盖章或按指印) on a written agreement."""

    owner_parent = "agreement"

    agreement = models.ForeignKey(
        Agreement, verbose_name="调解协议", on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.ForeignKey(
        Party, verbose_name="当事人", on_delete=models.PROTECT, related_name="signatures"
    )
    signed_on = models.DateField("签署日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "协议签署"
        verbose_name_plural = "协议签署"
        triggers = [village_from_parent("agreement", Agreement), APPEND_ONLY]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                name="mediation_signature_once_per_party",
                violation_error_message="该当事人已签署。",
            )
        ]


class Performance(models.TextChoices):
    PERFORMED = "performed", "已履行"
    PARTIAL = "partial", "部分履行"
    UNPERFORMED = "unperformed", "未履行"
    WENT_TO_COURT = "court", "当事人已起诉"


@pghistory.track()
class FollowUp(VillageOwned):
    """A follow-up visit (回访) on the agreement's performance (人民调解法 第31条)."""

    owner_parent = "dispute"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="follow_ups"
    )
    visited_on = models.DateField("回访日期")
    due_on = models.DateField("应回访日期", null=True, blank=True)
    visitor = models.CharField("回访人", max_length=60)
    performance = models.CharField("履行情况", max_length=12, choices=Performance.choices)
    new_risk = models.BooleanField("发现新的风险", default=False)
    notes = models.TextField("回访情况", max_length=NOTES_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["dispute", "visited_on", "id"]
        triggers = [village_from_parent("dispute", Dispute), APPEND_ONLY]

    @property
    def on_time(self) -> bool:
        return self.due_on is None or self.visited_on <= self.due_on


@pghistory.track()
class JudicialConfirmation(VillageOwned):
    """司法确认 (人民调解法 第33条): applied for jointly within 30 days of the agreement taking effect; a
    later application is recorded and flagged out of time."""

    owner_parent = "dispute"

    class Outcome(models.TextChoices):
        PENDING = "pending", "审查中"
        VALID = "valid", "确认有效"
        INVALID = "invalid", "确认无效（驳回）"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="confirmations"
    )
    applied_on = models.DateField("申请日期")
    court = models.CharField("人民法院", max_length=60)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    in_time = models.BooleanField("在30日内申请")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "司法确认"
        verbose_name_plural = "司法确认"
        triggers = [village_from_parent("dispute", Dispute)]


@pghistory.track()
class Escalation(VillageOwned):
    """上报: one level up (a level skipped only for 重大 risk), with its reason; the receiving level
    accepts within its limit. The case keeps its number; this row is the ladder's record."""

    owner_parent = "dispute"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="escalations"
    )
    from_level = models.CharField("原层级", max_length=10, choices=Level.choices)
    to_level = models.CharField("上报至", max_length=10, choices=Level.choices)
    from_region = models.ForeignKey(
        Region, verbose_name="原承办区划", on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(Region, verbose_name="接收区划", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("上报理由", max_length=20, choices=EscalationReason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    escalated_on = models.DateField("上报日期")
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上报人", on_delete=models.PROTECT, related_name="+"
    )
    accept_due_on = models.DateField("接收方受理期限")
    accepted_on = models.DateField("接收方受理日期", null=True, blank=True)

    class Meta:
        verbose_name = "上报记录"
        verbose_name_plural = "上报记录"
        ordering = ["dispute", "escalated_on", "id"]
        triggers = [village_from_parent("dispute", Dispute)]


@pghistory.track()
class PoliceReport(VillageOwned):
    """人民调解法 第25条: a dispute that may become a 治安 or 刑事 case is reported to the police."""

    owner_parent = "dispute"

    class CaseKind(models.TextChoices):
        PUBLIC_ORDER = "public_order", "可能引发治安案件"
        CRIMINAL = "criminal", "可能引发刑事案件"

    dispute = models.ForeignKey(
        Dispute, verbose_name="纠纷", on_delete=models.PROTECT, related_name="police_reports"
    )
    reported_on = models.DateField("报告日期")
    unit = models.CharField("报告的公安机关", max_length=60)
    case_kind = models.CharField("情形", max_length=14, choices=CaseKind.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "向公安机关报告"
        verbose_name_plural = "向公安机关报告"
        triggers = [village_from_parent("dispute", Dispute), APPEND_ONLY]


class DisputeTimelineEvent(TimelineEvent):
    """One entry on a dispute's timeline: a transition or an event beside it, facts in ``payload``."""

    PAYLOAD_TEMPLATE = "mediation/includes/dispute_event.html"

    class Kind(models.TextChoices):
        REGISTERED = "registered", "登记纠纷"
        ACCEPTED = "accepted", "受理"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        MEDIATORS_ASSIGNED = "mediators_assigned", "指派调解员"
        MEDIATOR_WITHDRAWN = "mediator_withdrawn", "调解员回避"
        SESSION = "session", "调解记录"
        RISK_RAISED = "risk_raised", "风险研判"
        POLICE_REPORTED = "police_reported", "向公安机关报告"
        EXTENDED = "extended", "延长调解期限"
        AGREED = "agreed", "调解成功"
        AGREEMENT_DRAFTED = "agreement_drafted", "制作调解协议书（待签署）"
        SIGNED = "signed", "当事人签署协议"
        SEALED = "sealed", "加盖印章"
        EFFECTIVE = "effective", "协议生效"
        FAILED = "failed", "调解不成"
        TERMINATED = "terminated", "终止调解"
        SETTLED = "settled", "已化解（自行和解等）"
        ESCALATED = "escalated", "上报"
        ESCALATION_ACCEPTED = "escalation_accepted", "上级受理"
        TRANSFERRED = "transferred", "转交"
        FOLLOW_UP = "follow_up", "回访"
        CONFIRMATION = "confirmation", "申请司法确认"
        CONFIRMATION_RESULT = "confirmation_result", "司法确认结果"
        PETITION = "petition", "信访登记"
        CLOSED = "closed", "结案"
        URGE = "urge", "督办"
        URGE_ANSWER = "urge_answer", "回复督办"
        PARTY_REFUSED = "party_refused", "当事人明确拒绝调解"

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField("事件", max_length=24, choices=Kind.choices)
    from_state = models.CharField("原状态", max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = "纠纷进程"
        verbose_name_plural = "纠纷进程"

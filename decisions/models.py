"""Democratic decisions (四议两公开): matters, their meetings, disclosures, amendments and opinions.

A matter's step changes only through decisions.workflows.MATTER, which appends an immutable MatterTimelineEvent
per transition. Meetings, disclosures, amendments, board photos and opinions are append-only rows:
database triggers refuse any UPDATE or DELETE of them, and a disclosed matter's content is frozen
by a trigger too, so a correction can only be an Amendment shown beside the original. Every row hanging
off a matter carries the matter's village (regions.models.VillageOwned), so it is scoped and audited
with its village.
"""

from __future__ import annotations

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.formats import zh_date
from core.models import APPEND_ONLY, TimelineEvent, length_at_most
from core.personal_data import mask_contact_phone, mask_name
from decisions.permissions import MANAGE_DECISION_CATEGORIES
from regions.models import CountySettings, Region, RegionList, RegionScoped, VillageOwned, village_from_parent
from regions.roles import Level

MIN_DISCLOSURE_DAYS = 7
# 组织法 第21条: "召集村民会议，应当提前十天通知村民", counted as 民法典 第201条 counts (notice day not counted).
VILLAGERS_NOTICE_DAYS = 10


class Step(models.TextChoices):
    """The steps of 四议两公开 in their order (plus implementation between the two disclosures)."""

    PROPOSAL = "proposal", "党组织提议"
    CONSULTATION = "consultation", "两委商议"
    REVIEW = "review", "党员大会审议"
    RESOLUTION = "resolution", "村民（代表）会议决议"
    RESOLUTION_DISCLOSURE = "resolution_disclosure", "决议公开"
    IMPLEMENTATION = "implementation", "组织实施"
    RESULT_DISCLOSURE = "result_disclosure", "实施结果公开"


STEP_ORDER = list(Step)
MEETING_STEPS = (Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION)


class Body(models.TextChoices):
    """The body that meets at a step; each has its own quorum and majority (decisions.quorum)."""

    PARTY_ORGANIZATION = "party_organization", "村党组织会议"
    TWO_COMMITTEES = "two_committees", "村两委联席会议"
    PARTY_CONGRESS = "party_congress", "党员大会"
    REPRESENTATIVES = "representatives", "村民代表会议"
    VILLAGERS = "villagers", "村民会议"


class Majority(models.TextChoices):
    """How many votes for a category's resolution needs (DOMAIN_RULES C.3). Two thirds of all entitled: the
    land-contract matters (农村土地承包法 第19、28、52条: "村民会议三分之二以上成员或者三分之二以上村民代表的同意"),
    counted of the meeting's 应到人数, not of those present."""

    STANDARD = "standard", "到会人员过半数同意（会议一般规则）"
    TWO_THIRDS = "two_thirds", "全体应到人员三分之二以上同意"


BODIES_OF_STEP = {
    Step.PROPOSAL: (Body.PARTY_ORGANIZATION,),
    Step.CONSULTATION: (Body.TWO_COMMITTEES,),
    Step.REVIEW: (Body.PARTY_CONGRESS,),
    Step.RESOLUTION: (Body.REPRESENTATIVES, Body.VILLAGERS),
}


@pghistory.track()
class MatterCategory(RegionList):
    """A kind of matter that must go through the procedure. No region: the statutory list; else a county's
    or a township's addition, which applies to the villages below it."""

    owner_levels = (Level.COUNTY, Level.TOWNSHIP)
    maintain_perm = MANAGE_DECISION_CATEGORIES

    # Applied by the resolution meeting (村民会议 or 村民代表会议) of the category's matters.
    majority = models.CharField(
        "决议表决规则", max_length=12, choices=Majority.choices, default=Majority.STANDARD
    )

    class Meta(RegionList.Meta):
        verbose_name = "决策事项类别"
        verbose_name_plural = "决策事项类别"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                nulls_distinct=False,
                name="decisions_category_unique_name",
                violation_error_message="该类别已经存在。",
            ),
        ]

    @property
    def is_statutory(self) -> bool:
        return self.region_id is None


@pghistory.track()
class DecisionRules(CountySettings):
    """A county's settings for the procedure: disclosure length and the time limits oversight checks."""

    disclosure_days = models.PositiveSmallIntegerField("公示天数", default=MIN_DISCLOSURE_DAYS)
    resolution_within_days = models.PositiveSmallIntegerField("提议后决议时限（天）", default=60)
    record_within_days = models.PositiveSmallIntegerField("会议后录入时限（天）", default=7)
    stuck_days = models.PositiveSmallIntegerField("停滞提醒（天）", default=30)

    class ShortNotice(models.TextChoices):
        REFUSE = "refuse", "不予录入"
        FLAG = "flag", "可以录入，标记为“通知不足10天”"

    short_notice = models.CharField(
        "村民会议通知不足10天", max_length=8, choices=ShortNotice.choices, default=ShortNotice.REFUSE
    )

    class Meta:
        verbose_name = "四议两公开规定"
        verbose_name_plural = "四议两公开规定"
        constraints = [
            models.CheckConstraint(
                condition=Q(disclosure_days__gte=MIN_DISCLOSURE_DAYS),
                name="decisions_rules_disclosure_at_least_7_days",
                violation_error_message="公示期不得少于7天。",
            ),
            models.CheckConstraint(
                condition=Q(resolution_within_days__gte=1, record_within_days__gte=1, stuck_days__gte=1),
                name="decisions_rules_positive_limits",
                violation_error_message="时限至少为1天。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} 公示{self.disclosure_days}天"


@pghistory.track()
class VillageRoster(RegionScoped):
    """The sizes of a village's bodies from a date on; a meeting takes "entitled" from the one valid on its day."""

    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="rosters"
    )
    valid_from = models.DateField("起始日期")
    branch_committee = models.PositiveIntegerField("村党组织委员数")
    party_members = models.PositiveIntegerField("有表决权党员数")
    committee_members = models.PositiveIntegerField("两委成员数（按人计）")
    # 组织法 第25条: the 村民代表会议 is the 村民委员会成员 plus the 村民代表. Rosters recorded before this field
    # have none (NULL): a representatives' meeting then needs the figure typed with its basis.
    village_committee = models.PositiveIntegerField("村民委员会成员数", null=True, blank=True)
    representatives = models.PositiveIntegerField("村民代表数")
    adults = models.PositiveIntegerField("18周岁以上村民数")
    households = models.PositiveIntegerField("户数")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "村组织人数"
        verbose_name_plural = "村组织人数"
        ordering = ["village", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "valid_from"],
                name="decisions_roster_one_per_day",
                violation_error_message="该日期已有一份人数登记，请换一个起始日期。",
            ),
        ]

    ENTITLED_FIELD = {
        Body.PARTY_ORGANIZATION: "branch_committee",
        Body.TWO_COMMITTEES: "committee_members",
        Body.PARTY_CONGRESS: "party_members",
        Body.VILLAGERS: "adults",
    }

    def __str__(self) -> str:
        return f"{self.village} {self.valid_from:%Y-%m-%d}起"

    @property
    def assembly_members(self) -> int | None:
        """村民代表会议组成人员 (组织法 第25条): 村民委员会成员 + 村民代表; None when the former is not recorded."""
        if self.village_committee is None:
            return None
        return self.village_committee + self.representatives

    @property
    def representatives_short(self) -> bool:
        """Representatives fewer than four fifths of the assembly (组织法 第25条): warned, never refused."""
        members = self.assembly_members
        return members is not None and 5 * self.representatives < 4 * members

    def entitled_for(self, body: str) -> int | None:
        if body == Body.REPRESENTATIVES:
            return self.assembly_members
        return getattr(self, self.ENTITLED_FIELD[body])


@pghistory.track()
class Matter(RegionScoped):
    """A major village matter (重大事项) going through 四议两公开."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        REJECTED = "rejected", "未通过"
        COMPLETED = "completed", "已完成"
        # Closed by the village (DOMAIN_RULES A.2.1 "missing exits"): dropped before 决议, or abandoned
        # after it with a result disclosure "未实施" giving the reason.
        WITHDRAWN = "withdrawn", "已撤回"
        TERMINATED = "terminated", "已终止"

    village = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="matters"
    )
    category = models.ForeignKey(
        MatterCategory, verbose_name="事项类别", on_delete=models.PROTECT, related_name="matters"
    )
    title = models.CharField("事项名称", max_length=100)
    content = models.TextField("事项内容", max_length=5000)
    estimated_amount = models.DecimalField(
        "预计金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    proposed_by = models.CharField("提议人", max_length=100)
    previous = models.ForeignKey(
        "self",
        verbose_name="原事项（重新提议）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reproposals",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    step = models.CharField("当前环节", max_length=24, choices=Step.choices, default=Step.PROPOSAL)
    step_since = models.DateField("进入当前环节日期")
    # An upheld objection sends the matter back to 决议: a new round of the resolution meeting and the
    # postings after it. Meetings and disclosures carry the round they belong to; earlier rounds stay on
    # record as superseded (异议成立，已重新决议).
    round = models.PositiveSmallIntegerField("决议轮次", default=1)
    proposed_on = models.DateField("提议日期", null=True, blank=True)
    resolved_on = models.DateField("决议日期", null=True, blank=True)
    disclosed_on = models.DateField("决议公开日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    # Oversight flags, set by the services when a step is recorded (see DecisionRules).
    resolved_late = models.BooleanField("决议超时", default=False)
    recorded_late = models.BooleanField("录入滞后", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "决策事项"
        verbose_name_plural = "决策事项"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list's order: its first page is read off the index instead of sorting every matter.
            models.Index(fields=["-created_at", "-id"], name="decisions_matter_list_order"),
            models.Index(fields=["village", "status", "step"]),
            models.Index(fields=["status", "step_since"]),
            models.Index(
                fields=["village", "-disclosed_on"],
                condition=Q(disclosed_on__isnull=False),
                name="decisions_matter_bulletin",
            ),
        ]
        constraints = [
            length_at_most("content", 5000, "事项内容"),
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="decisions_matter_amount_not_negative",
                violation_error_message="预计金额不能为负数。",
            ),
            models.UniqueConstraint(
                fields=["previous"],
                name="decisions_matter_reproposed_once",
                violation_error_message="该事项已经重新提议过。",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="decisions_matter_completed_has_date",
                violation_error_message="已完成的事项须有完成日期。",
            ),
        ]
        triggers = [
            # What the bulletin showed stays as it was: corrections are amendments. A matter in a later
            # round was posted in an earlier one, so it stays frozen while it is decided again. The
            # resolution and posting dates are set once per round and cleared only with the move to the
            # next round (decisions.services.objections.objection_uphold).
            pgtrigger.Protect(
                name="disclosed_content_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "((OLD.disclosed_on IS NOT NULL OR OLD.round > 1) AND (("
                    "OLD.title, OLD.content, OLD.category_id, OLD.estimated_amount, OLD.village_id, "
                    "OLD.proposed_on) IS DISTINCT FROM ("
                    "NEW.title, NEW.content, NEW.category_id, NEW.estimated_amount, NEW.village_id, "
                    "NEW.proposed_on) OR (NEW.round = OLD.round AND ("
                    "OLD.disclosed_on IS NOT NULL AND OLD.disclosed_on IS DISTINCT FROM NEW.disclosed_on "
                    "OR OLD.resolved_on IS NOT NULL AND OLD.resolved_on IS DISTINCT FROM NEW.resolved_on))))"
                ),
            ),
            # A round is never undone nor skipped (its meetings and postings keep their numbers).
            pgtrigger.Protect(
                name="round_advances_by_one",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("NEW.round < OLD.round OR NEW.round > OLD.round + 1"),
            ),
            pgtrigger.Protect(
                name="disclosed_not_deleted",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.disclosed_on IS NOT NULL OR OLD.round > 1"),
            ),
            # A matter no longer open (rejected, completed, withdrawn, terminated) is closed for good.
            pgtrigger.Protect(
                name="closed_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("OLD.status <> 'open'"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:matter-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def step_index(self) -> int:
        return STEP_ORDER.index(self.step)


class MatterTimelineEvent(TimelineEvent):
    """One entry on a matter's timeline (进程): a transition of the procedure or an event beside it, with
    its facts in ``payload`` (the meeting's counts, the posting's period). Immutable."""

    PAYLOAD_TEMPLATE = "decisions/includes/matter_event.html"

    class Kind(models.TextChoices):
        REGISTERED = "registered", "登记事项"
        MEETING_HELD = "meeting_held", "会议通过"
        MEETING_NOT_HELD = "meeting_not_held", "会议未达法定人数"
        REJECTED = "rejected", "表决未通过"
        RESOLUTION_DISCLOSED = "resolution_disclosed", "张贴决议公示"
        PERIOD_ENDED = "period_ended", "决议公示期满"
        RESULT_DISCLOSED = "result_disclosed", "张贴实施结果公示"
        COMPLETED = "completed", "事项完成"
        REPROPOSED = "reproposed", "重新提议"
        AMENDED = "amended", "更正公示内容"
        AMENDMENT_CONFIRMED = "amendment_confirmed", "监委会确认更正"
        AMENDMENT_REFUSED = "amendment_refused", "监委会不予确认更正"
        REVIEW_SUBMITTED = "review_submitted", "公开内容送监委会审核"
        REVIEW_AGREED = "review_agreed", "监委会审核同意"
        REVIEW_OBJECTED = "review_objected", "监委会审核有异议"
        REVIEW_ANSWERED = "review_answered", "答复监委会审核异议"
        OBJECTION_ANSWERED = "objection_answered", "答复监委会异议"
        OBJECTION_CLOSED = "objection_closed", "监委会异议关闭"
        URGE = "urge", "督办"
        URGE_ANSWER = "urge_answer", "回复督办"
        OBJECTION_UPHELD = "objection_upheld", "异议成立，重新决议"
        WITHDRAWN = "withdrawn", "撤回事项"
        TERMINATED = "terminated", "终止实施"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField("事件", max_length=24, choices=Kind.choices)
    from_state = models.CharField("原环节", max_length=24, choices=Step.choices, blank=True)
    to_state = models.CharField("新环节", max_length=24, choices=Step.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = "决策事项进程"
        verbose_name_plural = "决策事项进程"

    @property
    def body_label(self) -> str:
        body = self.payload.get("body", "")
        return Body(body).label if body in Body.values else ""

    @property
    def step_label(self) -> str:
        step = self.payload.get("step", "")
        return Step(step).label if step in Step.values else ""

    @property
    def field_label(self) -> str:
        field = self.payload.get("field", "")
        return Amendment.Field(field).label if field in Amendment.Field.values else ""


@pghistory.track(pghistory.InsertEvent())  # who recorded it, from where (rows never change)
class Meeting(VillageOwned):
    """A meeting held (or called without quorum) for one step. Quorum and result are computed by the
    service from the counts (decisions.quorum), never typed. Immutable once recorded."""

    owner_parent = "matter"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="meetings")
    round = models.PositiveSmallIntegerField("决议轮次", default=1)
    step = models.CharField("环节", max_length=24, choices=Step.choices)
    body = models.CharField("会议", max_length=20, choices=Body.choices)
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100)
    chair = models.CharField("主持人", max_length=50)
    recorder = models.CharField("记录人", max_length=50)
    entitled = models.PositiveIntegerField("应到人数")
    roster_entitled = models.PositiveIntegerField("花名册人数", null=True, blank=True)
    entitled_reason = models.CharField("应到人数调整理由", max_length=200, blank=True)
    present = models.PositiveIntegerField("实到人数")
    households_total = models.PositiveIntegerField("户数", null=True, blank=True)
    households_present = models.PositiveIntegerField("到会户代表数", null=True, blank=True)
    votes_for = models.PositiveIntegerField("赞成", default=0)
    votes_against = models.PositiveIntegerField("反对", default=0)
    votes_abstain = models.PositiveIntegerField("弃权", default=0)
    # The category's rule as applied when the meeting was recorded (the category may change later).
    majority = models.CharField(
        "表决规则", max_length=12, choices=Majority.choices, default=Majority.STANDARD
    )
    notice_on = models.DateField("通知日期", null=True, blank=True)  # 村民会议 (组织法 第21条)
    notice_short = models.BooleanField("通知不足10天", default=False)
    minutes = models.TextField("会议记录", max_length=20000)
    quorum_met = models.BooleanField("达到法定人数")
    passed = models.BooleanField("通过", null=True, blank=True)  # None: no vote (meeting not held)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "决策会议"
        verbose_name_plural = "决策会议"
        ordering = ["held_on", "id"]
        indexes = [
            models.Index(fields=["matter", "step"]),
            # The oversight page's short-notice meetings (rare: only where the county lets them be recorded).
            models.Index(
                fields=["village", "-held_on"],
                condition=Q(notice_short=True),
                name="decisions_meeting_short_notice",
            ),
        ]
        constraints = [
            length_at_most("minutes", 20000, "会议记录"),
            models.CheckConstraint(
                condition=Q(entitled__gt=0),
                name="decisions_meeting_entitled_positive",
                violation_error_message="应到人数必须大于0。",
            ),
            models.CheckConstraint(
                condition=Q(present__lte=F("entitled")),
                name="decisions_meeting_present_le_entitled",
                violation_error_message="实到人数不能多于应到人数。",
            ),
            models.CheckConstraint(
                condition=Q(votes_for__lte=F("present") - F("votes_against") - F("votes_abstain")),
                name="decisions_meeting_votes_le_present",
                violation_error_message="赞成、反对、弃权票数之和不能多于实到人数。",
            ),
            models.CheckConstraint(
                condition=Q(households_present__isnull=True)
                | Q(households_present__lte=F("households_total")),
                name="decisions_meeting_households_le_total",
                violation_error_message="到会户代表数不能多于户数。",
            ),
            models.UniqueConstraint(
                fields=["matter", "round", "step"],
                condition=Q(quorum_met=True),
                name="decisions_meeting_one_held_per_step",
                violation_error_message="该环节的会议已经召开。",
            ),
            models.CheckConstraint(
                condition=Q(quorum_met=True) | Q(passed__isnull=True),
                name="decisions_meeting_no_vote_without_quorum",
                violation_error_message="未达到法定人数的会议不能形成表决结果。",
            ),
            models.CheckConstraint(
                condition=Q(notice_on__isnull=True) | Q(notice_on__lte=F("held_on")),
                name="decisions_meeting_notice_before_meeting",
                violation_error_message="通知日期不能晚于会议日期。",
            ),
        ]
        triggers = [village_from_parent("matter", Matter), APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.held_on:%Y-%m-%d}"

    @property
    def rule_basis(self) -> str:
        """The pass rule applied, with its figure ("须经全体应到人员（30人）三分之二以上同意")."""
        from decisions.quorum import pass_basis  # quorum reads this module's choices

        return pass_basis(self.body, self.entitled, self.majority)

    @property
    def outcome(self) -> str:
        if not self.quorum_met:
            return "未达到法定人数，会议不成立"
        return "通过" if self.passed else "未通过"


def attachment_path(instance: MeetingAttachment, filename: str) -> str:
    return f"decisions/meetings/{instance.meeting.matter_id}/{filename}"


@pghistory.track(pghistory.InsertEvent())  # who recorded it, from where (rows never change)
class MeetingAttachment(VillageOwned):
    """A signed attendance sheet, minutes scan or other paper of a meeting (PDF/JPEG/PNG). Immutable."""

    owner_parent = "meeting"

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", "签到表"
        MINUTES = "minutes", "会议记录扫描件"
        OTHER = "other", "其他材料"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    file = models.FileField("文件", upload_to=attachment_path)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = "会议附件"
        ordering = ["uploaded_at", "id"]
        triggers = [village_from_parent("meeting", Meeting), APPEND_ONLY]

    def __str__(self) -> str:
        return self.get_kind_display()


@pghistory.track(pghistory.InsertEvent())  # who recorded it, from where (rows never change)
class Disclosure(VillageOwned):
    """A posting on the public bulletin: the resolution, or the result of implementing it. Never edited."""

    owner_parent = "matter"

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", "决议公开"
        RESULT = "result", "实施结果公开"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="disclosures")
    round = models.PositiveSmallIntegerField("决议轮次", default=1)
    kind = models.CharField("公开类型", max_length=12, choices=Kind.choices)
    # A result disclosure of a matter terminated after its resolution: not carried out, the text says why.
    not_implemented = models.BooleanField("未实施", default=False)
    text = models.TextField("公开内容", max_length=5000)
    spent_amount = models.DecimalField(
        "实际支出（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    acceptance = models.CharField("验收情况", max_length=300, blank=True)
    posted_on = models.DateField("张贴日期")
    ends_on = models.DateField("公示截止日期")
    # True only for postings made before the period was counted from the day after posting (民法典 第201条);
    # they were shown to the public with the posting day as day 1, and what was shown is never rewritten.
    counts_posting_day = models.BooleanField("张贴当天计入公示期（旧规则）", default=False)
    period_days = models.PositiveSmallIntegerField("公示天数", null=True, blank=True)  # None: old postings
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "公开公示"
        verbose_name_plural = "公开公示"
        ordering = ["posted_on", "id"]
        indexes = [models.Index(fields=["posted_on", "id"])]  # oversight lists, latest first
        constraints = [
            length_at_most("text", 5000, "公开内容"),
            models.UniqueConstraint(
                fields=["matter", "round", "kind"],
                name="decisions_disclosure_one_per_kind",
                violation_error_message="该事项已经公开过。",
            ),
            models.CheckConstraint(
                # 民法典 第201条: the posting day is not counted, so 7 days end on posted_on + 7 at the earliest;
                # postings made before that rule counted their posting day and keep their period as shown.
                condition=Q(
                    counts_posting_day=False,
                    ends_on__gte=F("posted_on") + datetime.timedelta(days=MIN_DISCLOSURE_DAYS),
                )
                | Q(
                    counts_posting_day=True,
                    ends_on__gte=F("posted_on") + datetime.timedelta(days=MIN_DISCLOSURE_DAYS - 1),
                ),
                name="decisions_disclosure_at_least_7_days",
                violation_error_message="公示期不得少于7天。",
            ),
            models.CheckConstraint(
                condition=Q(spent_amount__isnull=True) | Q(spent_amount__gte=0),
                name="decisions_disclosure_spent_not_negative",
                violation_error_message="实际支出不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(not_implemented=False) | Q(kind="result"),
                name="decisions_disclosure_not_implemented_is_result",
                violation_error_message="只有实施结果公开可以标为未实施。",
            ),
        ]
        triggers = [village_from_parent("matter", Matter), APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.posted_on:%Y-%m-%d}"

    def is_running(self, today: datetime.date) -> bool:
        return self.posted_on <= today <= self.ends_on

    @property
    def period_text(self) -> str:
        """The period as the bulletin and the record show it (民法典 第201条: from the day after posting)."""
        if self.counts_posting_day or self.period_days is None:
            return f"公示期：{zh_date(self.posted_on)}至{zh_date(self.ends_on)}（含张贴当天）"
        text = f"公示期：自张贴次日起{self.period_days}日，至{zh_date(self.ends_on)}"
        if (self.ends_on - self.posted_on).days > self.period_days:
            text += "（期满日为休息日，顺延至下一个工作日）"
        return text


def board_photo_path(instance: BoardPhoto, filename: str) -> str:
    return f"decisions/boards/{instance.disclosure.matter_id}/{filename}"


@pghistory.track(pghistory.InsertEvent())  # who recorded it, from where (rows never change)
class BoardPhoto(VillageOwned):
    """A photo of the physical notice board showing the posting. Immutable."""

    owner_parent = "disclosure"

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="board_photos")
    photo = models.ImageField("公开栏照片", upload_to=board_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "公开栏照片"
        verbose_name_plural = "公开栏照片"
        ordering = ["uploaded_at", "id"]
        triggers = [village_from_parent("disclosure", Disclosure), APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.disclosure} 照片"


@pghistory.track()  # the correction, then the committee's sign-off, each audited as it is added
class Amendment(VillageOwned):
    """A correction of disclosed content, with its reason; the bulletin shows it beside the original."""

    owner_parent = "disclosure"

    class Field(models.TextChoices):
        TEXT = "text", "公开内容"
        SPENT_AMOUNT = "spent_amount", "实际支出"
        ACCEPTANCE = "acceptance", "验收情况"

    class Signoff(models.TextChoices):
        CONFIRMED = "confirmed", "已确认"
        REFUSED = "refused", "不予确认"

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField("更正项目", max_length=16, choices=Field.choices)
    original = models.TextField("原内容", max_length=5000)
    corrected = models.TextField("更正为", max_length=5000)
    # A corrected amount is kept as an amount (the record book sums and exports it as a number); the
    # text above is how it was shown. Amendments made before amounts were kept whose text could not be
    # read as an amount are flagged instead (migration 0005), never guessed.
    amount = models.DecimalField("更正后金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    amount_unreadable = models.BooleanField("金额无法识别（旧记录）", default=False)
    reason = models.CharField("更正理由", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("更正时间", auto_now_add=True)
    # A change of substance (the resolution's text, the result's text or amount) is only proposed: the
    # 村务监督委员会 confirms it, and it is then posted for a new period of its own, or refuses it (with a
    # reason) and it never comes into force. Corrections of the acceptance's wording stay plain corrections.
    needs_signoff = models.BooleanField("须监委会确认", default=False)
    signoff = models.CharField("监委会确认", max_length=10, choices=Signoff.choices, blank=True)
    signoff_reason = models.CharField("不予确认理由", max_length=300, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("确认时间", null=True, blank=True)
    posted_on = models.DateField("更正公示张贴日期", null=True, blank=True)
    ends_on = models.DateField("更正公示截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "公开内容更正"
        verbose_name_plural = "公开内容更正"
        ordering = ["created_at", "id"]
        constraints = [
            length_at_most("original", 5000, "原内容"),
            length_at_most("corrected", 5000, "更正为"),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="decisions_amendment_has_reason",
                violation_error_message="请填写更正理由。",
            ),
            models.CheckConstraint(
                condition=Q(field="spent_amount", amount__isnull=False, amount_unreadable=False)
                | Q(field="spent_amount", amount__isnull=True, amount_unreadable=True)
                | ~Q(field="spent_amount") & Q(amount__isnull=True, amount_unreadable=False),
                name="decisions_amendment_amount_of_spent",
                violation_error_message="更正实际支出须填写金额。",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="decisions_amendment_amount_not_negative",
                violation_error_message="实际支出不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(signoff="", signed_at__isnull=True, posted_on__isnull=True, ends_on__isnull=True)
                | Q(
                    needs_signoff=True,
                    signoff="confirmed",
                    signed_at__isnull=False,
                    posted_on__isnull=False,
                    ends_on__gte=F("posted_on") + datetime.timedelta(days=MIN_DISCLOSURE_DAYS),
                )
                | Q(needs_signoff=True, signoff="refused", signed_at__isnull=False, posted_on__isnull=True)
                & ~Q(signoff_reason=""),
                name="decisions_amendment_signoff",
                violation_error_message="只有须确认的更正才能确认；确认须有新的公示期，不予确认须写明理由。",
            ),
            models.UniqueConstraint(
                fields=["disclosure", "field"],
                condition=Q(needs_signoff=True, signoff=""),
                name="decisions_amendment_one_pending_per_field",
                violation_error_message="该项已有一条更正等待村务监督委员会确认。",
            ),
        ]
        triggers = [
            village_from_parent("disclosure", Disclosure),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            # The correction stays as proposed; the committee's sign-off is written once. (Named as the
            # trigger it replaces, which migration 0005 ignores by this name.)
            pgtrigger.Protect(
                name="append_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.signoff <> '' OR ROW(OLD.disclosure_id, OLD.field, OLD.original, OLD.corrected, "
                    "OLD.amount, OLD.amount_unreadable, OLD.reason, OLD.created_by_id, OLD.created_at, "
                    "OLD.needs_signoff, OLD.village_id) IS DISTINCT FROM ROW(NEW.disclosure_id, NEW.field, "
                    "NEW.original, NEW.corrected, NEW.amount, NEW.amount_unreadable, NEW.reason, "
                    "NEW.created_by_id, NEW.created_at, NEW.needs_signoff, NEW.village_id)"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}更正"

    @property
    def in_force(self) -> bool:
        """A plain correction is in force at once; one of substance once the committee confirmed it."""
        return not self.needs_signoff or self.signoff == self.Signoff.CONFIRMED

    @property
    def is_pending(self) -> bool:
        return self.needs_signoff and not self.signoff

    def is_running(self, today: datetime.date) -> bool:
        return self.posted_on is not None and self.posted_on <= today <= self.ends_on


@pghistory.track()  # the submission, the verdict and the answer, each audited as it is added
class DisclosureReview(VillageOwned):
    """The 村务监督委员会's review (审核) of a posting before it goes on the bulletin ("四议两公开一监督").

    The village submits the content it means to post (the resolution's text; the result's text, spent
    amount and acceptance); a committee member agrees, or objects with a reason, which the village must
    answer before posting. The posting must carry exactly the reviewed content: a changed text is a new
    submission. The submission never changes; the verdict and the answer are each written once."""

    owner_parent = "matter"

    class Verdict(models.TextChoices):
        AGREE = "agree", "同意公开"
        OBJECT = "object", "有异议"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField("公开类型", max_length=12, choices=Disclosure.Kind.choices)
    # The matter's round when submitted: a posting after an upheld objection is reviewed afresh.
    round = models.PositiveSmallIntegerField("决议轮次", default=1)
    text = models.TextField("送审公开内容", max_length=5000)
    spent_amount = models.DecimalField(
        "实际支出（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    acceptance = models.CharField("验收情况", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="送审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("送审时间", auto_now_add=True)
    verdict = models.CharField("审核意见", max_length=8, choices=Verdict.choices, blank=True)
    reason = models.CharField("异议理由", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    answer = models.CharField("村里答复", max_length=500, blank=True)
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
        verbose_name = "公开前审核"
        verbose_name_plural = "公开前审核"
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["matter", "kind", "submitted_at"])]
        constraints = [
            length_at_most("text", 5000, "送审公开内容"),
            models.UniqueConstraint(
                fields=["matter", "kind"],
                condition=Q(reviewed_at__isnull=True),
                name="decisions_review_one_pending",
                violation_error_message="已有送审内容等待村务监督委员会审核。",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="decisions_review_has_text",
                violation_error_message="请填写公开内容。",
            ),
            models.CheckConstraint(
                condition=Q(spent_amount__isnull=True) | Q(spent_amount__gte=0),
                name="decisions_review_spent_not_negative",
                violation_error_message="实际支出不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, verdict="", reason="")
                | Q(reviewed_at__isnull=False, verdict="agree")
                | Q(reviewed_at__isnull=False, verdict="object") & ~Q(reason=""),
                name="decisions_review_verdict",
                violation_error_message="提出异议须写明理由。",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="")
                | Q(answered_at__isnull=False, verdict="object") & ~Q(answer=""),
                name="decisions_review_answer_of_objection",
                violation_error_message="只有异议需要答复，答复须有内容。",
            ),
        ]
        triggers = [
            village_from_parent("matter", Matter),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            # The submission stays as sent; the verdict and the answer are each written once.
            pgtrigger.Protect(
                name="only_verdict_and_answer_added",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "ROW(OLD.matter_id, OLD.kind, OLD.round, OLD.text, OLD.spent_amount, OLD.acceptance, "
                    "OLD.submitted_by_id, OLD.submitted_at, OLD.village_id) IS DISTINCT FROM ROW(NEW.matter_id, "
                    "NEW.kind, NEW.round, NEW.text, NEW.spent_amount, NEW.acceptance, NEW.submitted_by_id, "
                    "NEW.submitted_at, NEW.village_id) "
                    "OR (OLD.reviewed_at IS NOT NULL AND ROW(OLD.verdict, OLD.reason, OLD.reviewed_by_id, "
                    "OLD.reviewed_at) IS DISTINCT FROM ROW(NEW.verdict, NEW.reason, NEW.reviewed_by_id, "
                    "NEW.reviewed_at)) "
                    "OR (OLD.answered_at IS NOT NULL AND ROW(OLD.answer, OLD.answered_by_id, OLD.answered_at) "
                    "IS DISTINCT FROM ROW(NEW.answer, NEW.answered_by_id, NEW.answered_at))"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}审核"

    @property
    def is_pending(self) -> bool:
        return self.reviewed_at is None

    @property
    def clears_posting(self) -> bool:
        """Agreed, or objected and answered: the reviewed content may be posted."""
        return self.verdict == self.Verdict.AGREE or (
            self.verdict == self.Verdict.OBJECT and self.answered_at is not None
        )


@pghistory.track()
class Objection(VillageOwned):
    """An objection received from villagers during a disclosure period, and the answer given.

    Typed in by a cadre (no name kept), or filed by a villager on the public bulletin with a name and a
    phone (shown masked). The answer either keeps the resolution (维持原决议) or upholds the objection
    (异议成立: the answer is the reason, and the matter goes back to 决议)."""

    owner_parent = "disclosure"

    class Source(models.TextChoices):
        CADRE = "cadre", "村干部登记"
        PUBLIC = "public", "村民在线提出"

    # Shown masked in the audit trail too (audit.history); the full phone only through the audited reveal.
    AUDIT_MASKED_FIELDS = ("name", "phone")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    summary = models.CharField("异议内容", max_length=500)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.CADRE)
    name = models.CharField("提出人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    answer = models.CharField("答复内容", max_length=500, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    upheld = models.BooleanField("异议成立", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "公示期间异议"
        verbose_name_plural = "公示期间异议"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                name="decisions_objection_answered_after_received",
                violation_error_message="答复日期不能早于收到日期。",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, answer="")
                | Q(answered_on__isnull=False) & ~Q(answer=""),
                name="decisions_objection_answer_with_date",
                violation_error_message="答复须有内容和日期。",
            ),
            models.CheckConstraint(
                condition=Q(upheld=False) | Q(answered_on__isnull=False),
                name="decisions_objection_upheld_is_answered",
                violation_error_message="异议成立须写明理由和日期。",
            ),
            models.CheckConstraint(
                condition=Q(source="cadre") | ~Q(name="") & ~Q(phone=""),
                name="decisions_objection_public_has_contact",
                violation_error_message="在线提出异议须填写姓名和联系电话。",
            ),
        ]
        triggers = [
            village_from_parent("disclosure", Disclosure),
            # The bulletin counts objections: none is ever deleted; only the answer is added, once.
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="only_the_answer_changes",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.answered_on IS NOT NULL OR (OLD.disclosure_id, OLD.received_on, OLD.summary, "
                    "OLD.recorded_by_id, OLD.source, OLD.name, OLD.phone) IS DISTINCT FROM (NEW.disclosure_id, "
                    "NEW.received_on, NEW.summary, NEW.recorded_by_id, NEW.source, NEW.name, NEW.phone)"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.summary[:20]

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_contact_phone(self.phone) if self.phone else ""


@pghistory.track()  # the opinion, then its answer and its closing, each audited as it is added
class SupervisionOpinion(VillageOwned):
    """The village affairs supervision committee's opinion (村务监督委员会意见) at a step.

    An objection (有异议) is open until the committee closes it: the village answers it (text, who, when),
    the committee closes it (who, when, a note). The opinion itself never changes; the answer and the
    closing are each added once (a trigger refuses anything else)."""

    owner_parent = "matter"

    class Verdict(models.TextChoices):
        AGREE = "agree", "同意"
        OBJECT = "object", "有异议"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="opinions")
    step = models.CharField("环节", max_length=24, choices=Step.choices)
    verdict = models.CharField("意见", max_length=8, choices=Verdict.choices)
    reason = models.CharField("理由", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="监督委员会成员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    answer = models.CharField("村里答复", max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关闭人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    close_note = models.CharField("关闭说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "村务监督意见"
        verbose_name_plural = "村务监督意见"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["verdict", "at"]),
            # The township's open objections (a count on the oversight page, a filter of the matter list).
            models.Index(
                fields=["matter"],
                condition=Q(verdict="object", closed_at__isnull=True),
                name="decisions_opinion_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict="agree") | ~Q(reason=""),
                name="decisions_opinion_objection_has_reason",
                violation_error_message="提出异议须写明理由。",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="")
                | Q(answered_at__isnull=False, verdict="object") & ~Q(answer=""),
                name="decisions_opinion_answer_of_objection",
                violation_error_message="只有异议需要答复，答复须有内容。",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | Q(answered_at__isnull=False, closed_at__gte=F("answered_at")),
                name="decisions_opinion_closed_after_answer",
                violation_error_message="异议答复后才能关闭。",
            ),
        ]
        triggers = [
            village_from_parent("matter", Matter),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            # The opinion stays as recorded; the answer and the closing are each written once.
            pgtrigger.Protect(
                name="only_answer_and_close_added",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "ROW(OLD.matter_id, OLD.step, OLD.verdict, OLD.reason, OLD.recorded_by_id, OLD.at, "
                    "OLD.village_id) IS DISTINCT FROM ROW(NEW.matter_id, NEW.step, NEW.verdict, NEW.reason, "
                    "NEW.recorded_by_id, NEW.at, NEW.village_id) "
                    "OR (OLD.answered_at IS NOT NULL AND ROW(OLD.answer, OLD.answered_by_id, OLD.answered_at) "
                    "IS DISTINCT FROM ROW(NEW.answer, NEW.answered_by_id, NEW.answered_at)) "
                    "OR (OLD.closed_at IS NOT NULL AND ROW(OLD.closed_by_id, OLD.closed_at, OLD.close_note) "
                    "IS DISTINCT FROM ROW(NEW.closed_by_id, NEW.closed_at, NEW.close_note))"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}（{self.get_step_display()}）"

    @property
    def is_open_objection(self) -> bool:
        return self.verdict == self.Verdict.OBJECT and self.closed_at is None

"""Demo data of 四议两公开 for the demo county, added by ``manage.py seed_demo`` through its app hook.

Every village gets a roster (valid from about a year ago) and two to four matters. The first
``FULL_DETAIL`` villages (by code) get the full variety: completed matters (every step, both disclosures
run out; some with a first meeting without quorum, resolved late or a corrected result), matters waiting
at each step, rejected ones, two stuck ones and a few recorded late. The other villages get a completed or
further-on matter and an early one. The first village, where the printed village logins work, also has a
villagers' objection answered and one waiting, a corrected result, the supervision committee's objection
and its agreement, and a disclosure without a board photo.

Two ways of writing, one plan. The first ``SERVICE_VILLAGES`` villages are written through
decisions.services, each step as if entered on its day: while a service runs the clock
(``django.utils.timezone.now``) reads that day, so step_since, the timeline timestamps and the late flags
come out as in real use (entering months of history today would flag every meeting "录入滞后"). The
services cost ~50 queries a meeting, far too slow for 226 villages, so the other villages' rows are
built here as the services would write them and inserted in bulk (the database constraints and triggers
still apply; tests/regions/test_commands_seed_demo.py checks both ways give the same rows). Single-threaded
use only (the management command). Idempotent: a village that already has a roster, or matters, keeps them.
"""

from __future__ import annotations

import datetime
import io
import itertools
import math
import random
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import periods
from core.formats import zh_date
from decisions import quorum, services
from decisions.models import (
    STEP_ORDER,
    Amendment,
    BoardPhoto,
    Body,
    DecisionRules,
    Disclosure,
    DisclosureReview,
    Majority,
    Matter,
    MatterCategory,
    MatterTimelineEvent,
    Meeting,
    Step,
    SupervisionOpinion,
    VillageRoster,
)
from decisions.standards import categories_ensure
from regions.demo import person_name
from regions.models import Post, Region
from regions.roles import Level, Role
from regions.workdays import county_calendar

SERVICE_VILLAGES = 3  # the first villages (by code), written through decisions.services
FULL_DETAIL = 40  # the first villages with the full variety of states
HISTORY_DAYS = 350
AMEND_AFTER = 3  # days between a posting and its correction  # the demo's meetings are held at most this many days ago; rosters start before

# (category, title, content, estimated amount range in yuan or None, body of the resolution meeting)
TEMPLATES = [
    (
        "公益事业的兴办和筹资筹劳方案及建设承包方案",
        "村内道路硬化",
        "对村内主干道及{n}条巷道实施水泥硬化，总长约{km}公里、宽4米，资金由“一事一议”财政奖补和村集体收入解决，"
        "不向村民摊派。",
        (150_000, 480_000),
        Body.REPRESENTATIVES,
    ),
    (
        "公益事业的兴办和筹资筹劳方案及建设承包方案",
        "文化广场建设",
        "在村党群服务中心东侧空地建设文化广场约{area}平方米，配套健身器材、宣传栏和照明设施。",
        (80_000, 260_000),
        Body.REPRESENTATIVES,
    ),
    (
        "公益事业的兴办和筹资筹劳方案及建设承包方案",
        "安装太阳能路灯",
        "在村内主干道和进村道路安装太阳能路灯{n}盏，由中标单位负责三年维护。",
        (40_000, 120_000),
        Body.REPRESENTATIVES,
    ),
    (
        "公益事业的兴办和筹资筹劳方案及建设承包方案",
        "排水沟渠清淤改造",
        "对村南排水沟渠约{km}公里进行清淤，并对塌损段浆砌护坡，解决雨季积水问题。",
        (30_000, 90_000),
        Body.REPRESENTATIVES,
    ),
    (
        "集体经济项目立项和承包",
        "集体鱼塘承包",
        "村集体鱼塘约{mu}亩对外公开发包，承包期5年，底价每亩每年{price}元，采取公开竞价方式确定承包人。",
        (20_000, 60_000),
        Body.REPRESENTATIVES,
    ),
    (
        "集体经济项目立项和承包",
        "集体果园对外承包",
        "村集体梨园约{mu}亩到期后重新发包，承包期6年，本村村民同等条件下优先。",
        (30_000, 90_000),
        Body.REPRESENTATIVES,
    ),
    (
        "误工补贴人员及标准",
        "误工补贴标准调整",
        "拟将村民小组长误工补贴由每人每月{low}元调整为{high}元，村务监督委员会成员按每人每月{sup}元执行，"
        "资金从村集体收入中列支。",
        (10_000, 30_000),
        Body.REPRESENTATIVES,
    ),
    (
        "土地承包经营方案",
        "土地流转方案",
        "将第{group}村民小组约{mu}亩耕地统一流转给本村种植专业合作社，流转期限8年，流转费每亩每年{price}元，"
        "每三年按市场价调整一次。",
        None,
        Body.VILLAGERS,
    ),
    (
        "集体经济收益使用",
        "集体经济收益分配方案",
        "上年度村集体经营性收入{wan}万元，拟提取30%用于村内公益事业，20%用于困难群众救助，其余用于发展集体经济。",
        (50_000, 200_000),
        Body.REPRESENTATIVES,
    ),
    (
        "宅基地使用方案",
        "新增宅基地安排方案",
        "按照乡镇下达的用地指标，安排符合条件的{n}户新增宅基地，每户不超过167平方米，按申请时间和家庭人口排序。",
        None,
        Body.REPRESENTATIVES,
    ),
    (
        "征地补偿费使用分配",
        "征地补偿费分配方案",
        "县道改建征收本村集体土地约{mu}亩，土地补偿费的80%按被征地户分配，20%留村集体用于公益事业。",
        (300_000, 900_000),
        Body.VILLAGERS,
    ),
    (
        "以借贷、租赁或者其他方式处分村集体财产",
        "闲置校舍出租",
        "原村小学闲置校舍约{area}平方米公开出租，租期5年，用于农产品加工，租金收入归村集体。",
        (15_000, 50_000),
        Body.REPRESENTATIVES,
    ),
]
PLACES = {
    Body.PARTY_ORGANIZATION: "村党群服务中心党员活动室",
    Body.TWO_COMMITTEES: "村党群服务中心会议室",
    Body.PARTY_CONGRESS: "村党群服务中心大会议室",
    Body.REPRESENTATIVES: "村党群服务中心大会议室",
    Body.VILLAGERS: "村文化广场",
}
MINUTES = {
    Step.PROPOSAL: "村党组织书记介绍了“{title}”的由来和初步方案，委员逐一发表意见，同意提交村两委商议。",
    Step.CONSULTATION: "村两委成员对“{title}”的方案、预算和实施方式进行了商议，会前已征求村务监督委员会意见。",
    Step.REVIEW: "党员大会审议“{title}”方案，党员就资金来源和监督方式提出建议，会议进行了表决。",
    Step.RESOLUTION: "会议宣读了党员大会审议意见，与会人员对“{title}”进行了讨论，以举手方式表决。",
}
ACCEPTANCES = [
    "经乡镇相关站所和村务监督委员会联合验收合格。",
    "村务监督委员会全程监督，经村民代表参与验收合格。",
    "已按合同履行，村务监督委员会核查无异议。",
]
SPENT_REASON = "原公示金额误将工程质保金计入实际支出，经村务监督委员会核对票据后更正。"
SUPERVISION_OBJECTION = "预算中健身器材单价明显高于市场价，且未附三家比价材料，建议核实后再提交党员大会审议。"
VILLAGER_OBJECTIONS = [
    ("有村民反映方案中施工路段未包括后街巷道。", "经核实，后街巷道已列入下一年度计划，已向反映人当面说明。"),
    ("有村民询问资金是否向村民摊派。", "资金全部来自财政奖补和村集体收入，不向村民摊派，已当面答复。"),
    ("有村民建议承包人确定后公开承包合同主要条款。", "采纳建议，合同签订后将在公开栏公开主要条款。"),
]
OPEN_STEPS = [
    Step.PROPOSAL,
    Step.CONSULTATION,
    Step.REVIEW,
    Step.RESOLUTION,
    Step.RESOLUTION_DISCLOSURE,
    Step.IMPLEMENTATION,
    Step.RESULT_DISCLOSURE,
]
MEETING_BODY = {
    Step.PROPOSAL: Body.PARTY_ORGANIZATION,
    Step.CONSULTATION: Body.TWO_COMMITTEES,
    Step.REVIEW: Body.PARTY_CONGRESS,
}
# The events of a matter in order; a matter waiting at step X has done the events up to DONE_UP_TO[X].
EVENTS = [
    "register",
    Step.PROPOSAL,
    Step.CONSULTATION,
    Step.REVIEW,
    Step.RESOLUTION,
    "post_resolution",
    "close_resolution",
    "post_result",
    "close_result",
]
DONE_UP_TO = {
    Step.PROPOSAL: 0,
    Step.CONSULTATION: 1,
    Step.REVIEW: 2,
    Step.RESOLUTION: 3,
    Step.RESOLUTION_DISCLOSURE: 5,
    Step.IMPLEMENTATION: 6,
    Step.RESULT_DISCLOSURE: 7,
    "completed": 8,
}
Kind = MatterTimelineEvent.Kind


def _moment(day: datetime.date, second: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))) + datetime.timedelta(
        seconds=second
    )


@contextmanager
def _clock(day: datetime.date):
    """Services called inside record as on ``day`` (from 09:00, a second per reading), not today."""
    if day > timezone.localdate():
        raise ValueError(f"demo date {day} is in the future")
    if day == timezone.localdate():
        yield
        return
    real_now, ticks = timezone.now, itertools.count()
    timezone.now = lambda: _moment(day, next(ticks))
    try:
        yield
    finally:
        timezone.now = real_now


@contextmanager
def _timestamps_as_given():
    """bulk_create keeps the creation times set on the rows (auto_now_add would stamp them all now)."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (VillageRoster, "recorded_at"),
            (Matter, "created_at"),
            (MatterTimelineEvent, "at"),
            (Meeting, "recorded_at"),
            (Disclosure, "created_at"),
            (DisclosureReview, "submitted_at"),
            (BoardPhoto, "uploaded_at"),
        )
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _board_png() -> bytes:
    """A small picture of a notice board: a red heading over lines of text on white."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (120, 90, 60))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 227, 147), fill=(250, 250, 245))
    draw.rectangle((12, 12, 227, 36), fill=(200, 30, 30))
    for y in range(48, 140, 12):
        draw.line((24, y, 24 + (y * 37) % 180 + 20, y), fill=(90, 90, 90), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# -- the two ways of writing ------------------------------------------------------------------------


class _ThroughServices:
    """Writes each event through decisions.services, on its day."""

    def __init__(self, photo: bytes):
        self.photo = photo

    def roster(self, *, actor, village, valid_from, counts) -> None:
        with _clock(valid_from):
            services.roster_record(actor=actor, village=village, valid_from=valid_from, counts=counts)

    def register(
        self, *, day, actor, village, category, title, content, estimated_amount, proposed_by
    ) -> Matter:
        with _clock(day):
            return services.matter_register(
                actor=actor,
                village=village,
                category=category,
                title=title,
                content=content,
                estimated_amount=estimated_amount,
                proposed_by=proposed_by,
            )

    def meeting(
        self, matter: Matter, data: services.MeetingInput, *, actor, record_on
    ) -> tuple[Matter, Meeting]:
        with _clock(record_on):
            meeting = services.meeting_record(actor=actor, matter=matter, version=matter.version, data=data)
        return meeting.matter, meeting

    def review(self, matter: Matter, kind: str, data: services.DisclosureInput, *, actor, reviewer) -> None:
        """The content sent to the 村务监督委员会 and agreed by it, the day it is posted."""
        with _clock(data.posted_on):
            review = services.review_submit(
                actor=actor,
                matter=matter,
                kind=kind,
                data=services.ReviewInput(
                    text=data.text, spent_amount=data.spent_amount, acceptance=data.acceptance
                ),
            )
            services.review_decide(actor=reviewer, review=review, verdict=DisclosureReview.Verdict.AGREE)

    def post(
        self, matter: Matter, kind: str, data: services.DisclosureInput, *, actor, photo: bool
    ) -> tuple[Matter, Disclosure]:
        upload = SimpleUploadedFile("board.png", self.photo, content_type="image/png") if photo else None
        with _clock(data.posted_on):
            disclosure = services.disclosure_post(
                actor=actor, matter=matter, version=matter.version, kind=kind, data=data, board_photo=upload
            )
        return disclosure.matter, disclosure

    def close(self, matter: Matter, disclosure: Disclosure, day: datetime.date) -> Matter:
        """What the daily task does the morning after a period ends."""
        with _clock(day):
            services.disclosure_period_close(disclosure=disclosure, today=day)
        matter.refresh_from_db()
        return matter

    def flush(self) -> None:
        pass


class _InBulk:
    """Builds the rows the services would write (same fields, flags and timeline notes) and inserts them
    together in flush(). Only what the bulk villages use: no objections, amendments or opinions."""

    def __init__(self, rules: DecisionRules, photo_name: str | None, is_working_day):
        self.rules, self.photo_name = rules, photo_name
        self.is_working_day = is_working_day  # the county's calendar over the demo's days
        self.rosters, self.matters, self.meetings, self.disclosures = [], [], [], []
        self.photos, self.events, self.reviews = [], [], []
        self.ticks: dict[tuple[int, datetime.date], int] = {}

    def _at(self, matter: Matter, day: datetime.date) -> datetime.datetime:
        key = (id(matter), day)
        self.ticks[key] = self.ticks.get(key, -1) + 1
        return _moment(day, self.ticks[key])

    def _advance(
        self,
        matter: Matter,
        actor,
        kind: str,
        to_step: str | None,
        *,
        day,
        since=None,
        payload: dict | None = None,
    ) -> None:
        from_step = matter.step
        if to_step is not None and to_step != from_step:
            matter.step, matter.step_since = to_step, since
        matter.version += 1
        self.events.append(
            MatterTimelineEvent(
                matter=matter,
                kind=kind,
                actor=actor,
                from_state=from_step,
                to_state=matter.step,
                payload=payload or {},
                at=self._at(matter, day),
            )
        )

    def roster(self, *, actor, village, valid_from, counts) -> None:
        self.rosters.append(
            VillageRoster(
                village=village,
                valid_from=valid_from,
                recorded_by=actor,
                recorded_at=_moment(valid_from),
                **counts.__dict__,
            )
        )

    def register(
        self, *, day, actor, village, category, title, content, estimated_amount, proposed_by
    ) -> Matter:
        matter = Matter(
            village=village,
            category=category,
            title=title.strip(),
            content=content.strip(),
            estimated_amount=estimated_amount,
            proposed_by=proposed_by.strip(),
            step=Step.PROPOSAL,
            step_since=day,
            created_by=actor,
        )
        matter.created_at = self._at(matter, day)
        self.matters.append(matter)
        self.events.append(
            MatterTimelineEvent(
                matter=matter,
                kind=Kind.REGISTERED,
                actor=actor,
                to_state=Step.PROPOSAL,
                at=self._at(matter, day),
            )
        )
        return matter

    def meeting(
        self, matter: Matter, data: services.MeetingInput, *, actor, record_on
    ) -> tuple[Matter, Meeting]:
        roster_entitled = data.entitled
        villagers = data.body == Body.VILLAGERS
        majority = matter.category.majority if data.step == Step.RESOLUTION else Majority.STANDARD
        quorum_met, passed = quorum.evaluate(
            data.body,
            quorum.Count(
                entitled=data.entitled,
                present=data.present,
                votes_for=data.votes_for,
                households_total=data.households_total,
                households_present=data.households_present,
            ),
            majority,
        )
        meeting = Meeting(
            matter=matter,
            step=data.step,
            body=data.body,
            held_on=data.held_on,
            place=data.place,
            chair=data.chair,
            recorder=data.recorder,
            entitled=data.entitled,
            roster_entitled=roster_entitled,
            present=data.present,
            households_total=data.households_total if villagers else None,
            households_present=data.households_present if villagers else None,
            votes_for=data.votes_for if quorum_met else 0,
            votes_against=data.votes_against if quorum_met else 0,
            votes_abstain=data.votes_abstain if quorum_met else 0,
            majority=majority,
            notice_on=data.notice_on if villagers else None,
            minutes=data.minutes,
            quorum_met=quorum_met,
            passed=passed,
            recorded_by=actor,
            recorded_at=self._at(matter, record_on),
        )
        self.meetings.append(meeting)
        if (record_on - data.held_on).days > self.rules.record_within_days:
            matter.recorded_late = True
        # The meeting's id is known only after the insert: the bulk rows' facts carry the counts alone.
        facts = {"body": meeting.body, "entitled": meeting.entitled, "present": meeting.present}
        if meeting.majority != Majority.STANDARD:
            facts["majority"] = meeting.majority
        if meeting.notice_on:
            facts.update(notice_on=meeting.notice_on.isoformat(), notice_short=False)
        if meeting.households_total:
            facts.update(
                households_total=meeting.households_total, households_present=meeting.households_present
            )
        if not quorum_met:
            self._advance(matter, actor, Kind.MEETING_NOT_HELD, None, day=record_on, payload=facts)
            return matter, meeting
        facts.update(
            votes_for=meeting.votes_for,
            votes_against=meeting.votes_against,
            votes_abstain=meeting.votes_abstain,
        )
        if not passed:
            matter.status = Matter.Status.REJECTED
            self._advance(matter, actor, Kind.REJECTED, None, day=record_on, payload=facts)
            return matter, meeting
        if data.step == Step.PROPOSAL:
            matter.proposed_on = data.held_on
        if data.step == Step.RESOLUTION:
            matter.resolved_on = data.held_on
            if (data.held_on - (matter.proposed_on or data.held_on)).days > self.rules.resolution_within_days:
                matter.resolved_late = True
        next_step = STEP_ORDER[STEP_ORDER.index(data.step) + 1]
        self._advance(
            matter, actor, Kind.MEETING_HELD, next_step, day=record_on, since=data.held_on, payload=facts
        )
        return matter, meeting

    def _record(self, matter: Matter, actor, kind: str, *, day, payload: dict) -> None:
        """An event beside the procedure (MATTER.record): no change of step or version; the committee's
        work is not public."""
        self.events.append(
            MatterTimelineEvent(
                matter=matter,
                kind=kind,
                actor=actor,
                from_state=matter.step,
                to_state=matter.step,
                payload=payload,
                is_public=False,
                at=self._at(matter, day),
            )
        )

    def review(self, matter: Matter, kind: str, data: services.DisclosureInput, *, actor, reviewer) -> None:
        result = kind == Disclosure.Kind.RESULT
        day = data.posted_on
        self._record(matter, actor, Kind.REVIEW_SUBMITTED, day=day, payload={"disclosure": kind})
        submitted_at = self.events[-1].at
        self._record(matter, reviewer, Kind.REVIEW_AGREED, day=day, payload={"disclosure": kind})
        self.reviews.append(
            DisclosureReview(
                matter=matter,
                kind=kind,
                text=data.text.strip(),
                spent_amount=data.spent_amount if result else None,
                acceptance=data.acceptance.strip() if result else "",
                submitted_by=actor,
                submitted_at=submitted_at,
                verdict=DisclosureReview.Verdict.AGREE,
                reviewed_by=reviewer,
                reviewed_at=self.events[-1].at,
            )
        )

    def post(
        self, matter: Matter, kind: str, data: services.DisclosureInput, *, actor, photo: bool
    ) -> tuple[Matter, Disclosure]:
        result = kind == Disclosure.Kind.RESULT
        disclosure = Disclosure(
            matter=matter,
            kind=kind,
            text=data.text.strip(),
            posted_on=data.posted_on,
            ends_on=periods.period_end_days(data.posted_on, self.rules.disclosure_days, self.is_working_day),
            period_days=self.rules.disclosure_days,
            spent_amount=data.spent_amount if result else None,
            acceptance=data.acceptance.strip() if result else "",
            posted_by=actor,
            created_at=self._at(matter, data.posted_on),
        )
        self.disclosures.append(disclosure)
        if photo and self.photo_name:
            self.photos.append(
                BoardPhoto(
                    disclosure=disclosure,
                    photo=self.photo_name,
                    uploaded_by=actor,
                    uploaded_at=self._at(matter, data.posted_on),
                )
            )
        facts = {
            "posted_on": disclosure.posted_on.isoformat(),
            "ends_on": disclosure.ends_on.isoformat(),
            "days": disclosure.period_days,
        }
        if result:
            self._advance(
                matter,
                actor,
                Kind.RESULT_DISCLOSED,
                Step.RESULT_DISCLOSURE,
                day=data.posted_on,
                since=data.posted_on,
                payload=facts,
            )
        else:
            matter.disclosed_on = data.posted_on
            self._advance(matter, actor, Kind.RESOLUTION_DISCLOSED, None, day=data.posted_on, payload=facts)
        return matter, disclosure

    def close(self, matter: Matter, disclosure: Disclosure, day: datetime.date) -> Matter:
        facts = {"ends_on": disclosure.ends_on.isoformat()}
        if disclosure.kind == Disclosure.Kind.RESOLUTION:
            self._advance(
                matter,
                None,
                Kind.PERIOD_ENDED,
                Step.IMPLEMENTATION,
                day=day,
                since=disclosure.ends_on + datetime.timedelta(days=1),
                payload=facts,
            )
        else:
            matter.status = Matter.Status.COMPLETED
            matter.completed_on = disclosure.ends_on + datetime.timedelta(days=1)
            self._advance(matter, None, Kind.COMPLETED, None, day=day, payload=facts)
        return matter

    def flush(self) -> None:
        # Parents first: bulk_create takes a child's matter_id from its matter, saved by then.
        with _timestamps_as_given():
            for model, rows in (
                (VillageRoster, self.rosters),
                (Matter, self.matters),
                (Meeting, self.meetings),
                (Disclosure, self.disclosures),
                (DisclosureReview, self.reviews),
                (BoardPhoto, self.photos),
                (MatterTimelineEvent, self.events),
            ):
                model.objects.bulk_create(rows, batch_size=2000)


# -- the plan ---------------------------------------------------------------------------------------


class _Village:
    """One village's demo matters: dates, counts and texts (drawn from a generator seeded by the village
    code, so both ways of writing give the same rows), written by ``writer``."""

    def __init__(
        self,
        *,
        village: Region,
        actor,
        supervisor,
        roster: VillageRoster,
        categories: dict,
        today: datetime.date,
        rules: DecisionRules,
        writer,
        stats: dict,
        seed: int | None = None,
    ):
        self.village, self.actor, self.supervisor, self.roster = village, actor, supervisor, roster
        self.categories, self.today, self.rules, self.w, self.stats = categories, today, rules, writer, stats
        self.rng = random.Random(int(village.code) if seed is None else seed)
        self.recorder = person_name(self.rng)
        self.director = person_name(self.rng)

    def ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    # -- one matter ---------------------------------------------------------------------------------

    def matter(
        self,
        template,
        until: str,
        *,
        last_on: datetime.date,
        reject_at: str | None = None,
        no_quorum_at: str | None = None,
        record_late: bool = False,
        resolve_late: bool = False,
        photos: float = 0.85,
        villager_objection: bool = False,
        open_objection: bool = False,
        amend: bool = False,
    ) -> Matter:
        """Takes a matter from registration to ``until`` (the step it waits at, or "completed"), or to a
        failed vote at ``reject_at``; its last event falls on ``last_on``."""
        category, title, content, amounts, resolution_body = template
        rng, days = self.rng, self.rules.disclosure_days
        stop = EVENTS.index(reject_at) if reject_at else DONE_UP_TO[until]
        gaps = {
            Step.PROPOSAL: rng.randint(1, 5),
            Step.CONSULTATION: rng.randint(3, 9),
            Step.REVIEW: rng.randint(4, 12),
            Step.RESOLUTION: rng.randint(3, 10),
            "post_resolution": rng.randint(1, 3),
            # The period ends ``days`` after posting, later when that day is a rest day (a weekend at most:
            # the demo's calendar has no holidays); the task closes it the morning after.
            "close_resolution": days + 3,
            "post_result": rng.randint(15, 60),
            "close_result": days + 3,
        }
        if amend:  # corrected three days after posting, with a new period of its own to run out
            gaps["close_result"] += AMEND_AFTER
        if resolve_late:  # longer than the 60 days the default rules allow from proposal to resolution
            gaps[Step.REVIEW], gaps[Step.RESOLUTION] = 40, 30
        if no_quorum_at:  # a first meeting a week before fails for want of quorum
            gaps[no_quorum_at] = max(gaps[no_quorum_at], 9)
        late_by = 10 if record_late else 0  # the last meeting is entered ten days after it was held
        day = last_on - datetime.timedelta(days=sum(gaps[e] for e in EVENTS[1 : stop + 1]) + late_by)
        matter = self.w.register(
            day=day,
            actor=self.actor,
            village=self.village,
            category=self.categories[category],
            title=title,
            content=content.format(
                n=rng.randint(3, 12),
                km=rng.choice(["1.2", "1.8", "2.5", "3.1"]),
                area=rng.choice([600, 800, 1200, 1500]),
                mu=rng.choice([18, 26, 40, 120, 260]),
                price=rng.choice([500, 600, 700, 800]),
                low=rng.choice([300, 400]),
                high=rng.choice([500, 600]),
                sup=rng.choice([200, 300]),
                group=rng.randint(1, 6),
                wan=rng.choice([18, 26, 35, 42]),
            ),
            estimated_amount=Decimal(rng.randrange(*amounts, 100)) if amounts else None,
            proposed_by=rng.choice(
                ["村党组织", "村党组织", "村民委员会", f"村民代表{person_name(rng)}等6人"]
            ),
        )
        self.stats["matters"] += 1
        vote, disclosures = None, {}
        for event in EVENTS[1 : stop + 1]:
            day += datetime.timedelta(days=gaps[event])
            if event in (Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION):
                body = resolution_body if event == Step.RESOLUTION else MEETING_BODY[event]
                if event == no_quorum_at:
                    matter, _ = self._meeting(
                        matter, event, body, day - datetime.timedelta(days=7), outcome=None
                    )
                record_on = day + datetime.timedelta(days=late_by if event == EVENTS[stop] else 0)
                matter, meeting = self._meeting(
                    matter, event, body, day, outcome=event != reject_at, record_on=record_on
                )
                vote = meeting if event == Step.RESOLUTION else vote
            elif event == "post_resolution":
                matter, disclosures["resolution"] = self._post_resolution(
                    matter, vote, day, photo=rng.random() < photos
                )
                if villager_objection or open_objection:
                    self._villager_objection(disclosures["resolution"], answer=not open_objection)
            elif event == "post_result":
                matter, disclosures["result"] = self._post_result(matter, day, photo=rng.random() < photos)
                if amend:
                    self._amend(disclosures["result"], day + datetime.timedelta(days=AMEND_AFTER))
            else:  # the daily task closes an ended period the morning after
                matter = self.w.close(matter, disclosures[event.removeprefix("close_")], day)
        self.stats[matter.status] += 1
        return matter

    def _meeting(
        self,
        matter: Matter,
        step: str,
        body: str,
        held_on: datetime.date,
        *,
        outcome: bool | None,
        record_on: datetime.date | None = None,
    ) -> tuple[Matter, Meeting]:
        """A meeting with plausible counts: passed (True), failed vote (False) or without quorum (None)."""
        rng, roster = self.rng, self.roster
        entitled = roster.entitled_for(body)
        majority = matter.category.majority if step == Step.RESOLUTION else Majority.STANDARD
        households_total = households_present = None
        if body in (Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES):
            present = entitled // 2 if outcome is None else entitled - rng.choice([0, 0, 0, 1])
        elif body == Body.PARTY_CONGRESS:
            present = (
                entitled // 2 - rng.randint(0, 2)
                if outcome is None
                else round(entitled * rng.uniform(0.72, 0.95))
            )
        elif body == Body.REPRESENTATIVES:
            present = (
                math.ceil(entitled * 2 / 3) - 1 - rng.randint(0, 2)
                if outcome is None
                else max(math.ceil(entitled * 2 / 3), round(entitled * rng.uniform(0.75, 0.97)))
            )
        else:  # 村民会议, counted by the households' representatives
            households_total = roster.households
            if outcome is None:
                households_present = households_total // 2
                present = min(households_present, roster.adults // 2)
            else:
                households_present = math.ceil(households_total * rng.uniform(0.7, 0.86))
                present = households_present + rng.randint(0, 20)
        against = abstain = 0
        if outcome:
            if body in (Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES):
                abstain = rng.choice([0, 0, 1]) if present > 4 else 0
            else:
                against, abstain = rng.choice([0, 0, 1, 2]), rng.choice([0, 0, 0, 1])
            votes_for = present - against - abstain
            if majority == Majority.TWO_THIRDS:  # two thirds of all entitled must agree: a fuller meeting
                present = max(present, min(entitled, math.ceil(entitled * 2 / 3) + rng.randint(1, 3)))
                against, abstain = 0, 0
                votes_for = present
        elif outcome is False:
            votes_for = max(
                0, (entitled if body == Body.PARTY_CONGRESS else present) // 2 - rng.randint(0, 2)
            )
            abstain = rng.randint(0, 2)
            against = present - votes_for - abstain
        else:
            votes_for = 0
        count = quorum.Count(
            entitled=entitled,
            present=present,
            votes_for=votes_for,
            households_total=households_total,
            households_present=households_present,
        )
        expected = (False, None) if outcome is None else (True, outcome)
        if quorum.evaluate(body, count, majority) != expected:
            raise RuntimeError(f"demo meeting counts do not give {expected}: {body} {count}")
        data = services.MeetingInput(
            step=step,
            body=body,
            held_on=held_on,
            place=PLACES[body],
            recorder=self.recorder,
            chair=self.director if step == Step.RESOLUTION else self.actor.real_name,
            entitled=entitled,
            present=present,
            votes_for=votes_for,
            votes_against=against,
            votes_abstain=abstain,
            minutes=MINUTES[step].format(title=matter.title),
            households_total=households_total,
            households_present=households_present,
            # 组织法 第21条: ten days' notice or more (the 10-day check counts from the day after).
            notice_on=held_on - datetime.timedelta(days=rng.randint(10, 15))
            if body == Body.VILLAGERS
            else None,
        )
        self.stats["meetings"] += 1
        return self.w.meeting(matter, data, actor=self.actor, record_on=record_on or held_on)

    def _post_resolution(self, matter: Matter, vote: Meeting, day: datetime.date, *, photo: bool):
        amount = f"，预计金额{matter.estimated_amount:,.0f}元" if matter.estimated_amount is not None else ""
        text = (
            f"经{zh_date(vote.held_on)}{vote.get_body_display()}表决（应到{vote.entitled}人，实到"
            f"{vote.present}人，赞成{vote.votes_for}票），通过“{matter.title}”：{matter.content}{amount}。"
            "公示期内如有意见，请向村务监督委员会反映。"
        )
        return self._post(
            matter,
            Disclosure.Kind.RESOLUTION,
            services.DisclosureInput(text=text, posted_on=day),
            photo=photo,
        )

    def _post_result(self, matter: Matter, day: datetime.date, *, photo: bool):
        base = matter.estimated_amount if matter.estimated_amount is not None else Decimal(0)
        share = Decimal(self.rng.choice(["0.93", "0.96", "0.98", "1.00", "1.02"]))
        data = services.DisclosureInput(
            text=f"“{matter.title}”已按决议组织实施完毕，资金使用和验收情况公开如下。",
            posted_on=day,
            spent_amount=(base * share).quantize(Decimal("0.01")),
            acceptance=self.rng.choice(ACCEPTANCES),
        )
        return self._post(matter, Disclosure.Kind.RESULT, data, photo=photo)

    def _post(self, matter: Matter, kind: str, data: services.DisclosureInput, *, photo: bool):
        self.stats["disclosures"] += 1
        self.stats["without_photo"] += not photo
        # 一监督: the committee agreed to the content first (the system for a village without one).
        self.w.review(matter, kind, data, actor=self.actor, reviewer=self.supervisor)
        self.stats["reviews"] += 1
        return self.w.post(matter, kind, data, actor=self.actor, photo=photo)

    # Objections, corrections and opinions: services only (the first villages).

    def _villager_objection(self, disclosure: Disclosure, *, answer: bool) -> None:
        summary, reply = self.rng.choice(VILLAGER_OBJECTIONS)
        received = min(disclosure.posted_on + datetime.timedelta(days=2), self.today)
        with _clock(received):
            objection = services.objection_record(
                actor=self.actor, disclosure=disclosure, received_on=received, summary=summary
            )
        self.stats["objections"] += 1
        if answer:
            answered = received + datetime.timedelta(days=2)
            with _clock(answered):
                services.objection_answer(
                    actor=self.actor, objection=objection, answer=reply, answered_on=answered
                )

    def _amend(self, disclosure: Disclosure, day: datetime.date) -> None:
        """Corrects the posted spending (or, with nothing spent, the acceptance) a few days after posting."""
        if disclosure.spent_amount > 5000:
            field, reason = Amendment.Field.SPENT_AMOUNT, SPENT_REASON
            corrected = str(disclosure.spent_amount - self.rng.choice([1200, 1500, 2000, 3600]))
        else:
            field, reason = Amendment.Field.ACCEPTANCE, "原公示漏写验收日期，补充后重新公开。"
            corrected = (
                f"{disclosure.acceptance.rstrip('。')}，验收日期{zh_date(day - datetime.timedelta(days=5))}。"
            )
        with _clock(day):
            amendment = services.amendment_create(
                actor=self.actor, disclosure=disclosure, field=field, corrected=corrected, reason=reason
            )
            # A corrected amount needs the committee's sign-off, and runs a new period from that day.
            if amendment.needs_signoff:
                services.amendment_signoff(
                    actor=self.supervisor, amendment=amendment, verdict=Amendment.Signoff.CONFIRMED
                )
        self.stats["amendments"] += 1

    def _opinion(self, matter: Matter, verdict: str, reason: str = "", *, on: datetime.date) -> None:
        with _clock(on):
            services.opinion_record(actor=self.supervisor, matter=matter, verdict=verdict, reason=reason)
        self.stats["opinions"] += 1

    # -- the village's set ---------------------------------------------------------------------------

    def full(self, index: int) -> None:
        """Two to four matters in varied states; which ones rotates with the village's place in the county."""
        ago = self.ago
        picks = iter(self.rng.sample(TEMPLATES, 4))
        self.matter(
            next(picks),
            "completed",
            last_on=ago(20, 150),
            resolve_late=index == 7,
            no_quorum_at=Step.RESOLUTION if index % 8 == 4 else None,
        )
        step = OPEN_STEPS[index % len(OPEN_STEPS)]
        recent = ago(0, 5) if step in (Step.RESOLUTION_DISCLOSURE, Step.RESULT_DISCLOSURE) else ago(1, 20)
        self.matter(
            next(picks),
            step,
            last_on=recent,
            record_late=index % 11 == 5 and step in (Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION),
        )
        if index % 5 == 1:
            self.matter(
                next(picks),
                "rejected",
                reject_at=self.rng.choice([Step.REVIEW, Step.RESOLUTION]),
                last_on=ago(10, 90),
            )
        elif index % 13 == 6:  # stuck: passed 党组织提议 long ago and nothing since
            self.matter(next(picks), Step.CONSULTATION, last_on=ago(45, 70))
        elif index % 4 == 2:
            self.matter(next(picks), "completed", last_on=ago(160, 230), photos=0.6)
        if index % 3 == 0:
            self.matter(next(picks), OPEN_STEPS[(index + 3) % len(OPEN_STEPS)], last_on=ago(0, 5))

    def showcase(self) -> None:
        """The first village, where the printed logins work: one of each thing a visitor may look for."""
        by_title = {t[1]: t for t in TEMPLATES}
        today = self.today
        self.matter(
            by_title["村内道路硬化"],
            "completed",
            last_on=self.ago(40, 60),
            photos=1.0,
            villager_objection=True,
            amend=True,
        )
        square = self.matter(
            by_title["文化广场建设"], Step.REVIEW, last_on=today - datetime.timedelta(days=4)
        )
        if self.supervisor is not None:
            self._opinion(
                square,
                SupervisionOpinion.Verdict.OBJECT,
                SUPERVISION_OBJECTION,
                on=today - datetime.timedelta(days=2),
            )
        pond = self.matter(
            by_title["集体鱼塘承包"],
            Step.RESOLUTION_DISCLOSURE,
            last_on=today - datetime.timedelta(days=2),
            photos=0.0,
            open_objection=True,
        )
        if self.supervisor is not None:
            self._opinion(pond, SupervisionOpinion.Verdict.AGREE, on=today - datetime.timedelta(days=1))
        self.matter(by_title["误工补贴标准调整"], "rejected", reject_at=Step.REVIEW, last_on=self.ago(25, 35))

    def simple(self) -> None:
        """A completed (or further-on) matter and one waiting at an early step."""
        first, second = self.rng.sample(TEMPLATES, 2)
        until = self.rng.choice(["completed", "completed", Step.IMPLEMENTATION, Step.RESOLUTION])
        self.matter(first, until, last_on=self.ago(10, 120) if until == "completed" else self.ago(1, 20))
        self.matter(
            second, self.rng.choice([Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW]), last_on=self.ago(0, 20)
        )


def _roster_counts(rng: random.Random) -> services.RosterCounts:
    households = rng.randint(150, 800)
    return services.RosterCounts(
        branch_committee=rng.choice([3, 5, 5, 5, 7]),
        party_members=rng.randint(20, 80),
        committee_members=rng.randint(5, 9),
        village_committee=(village_committee := rng.randint(3, 7)),
        # 组织法 第25条: representatives at least four fifths of the assembly (reps >= 4 x committee).
        representatives=rng.randint(max(20, 4 * village_committee), 45),
        adults=min(2500, max(500, round(households * rng.uniform(2.2, 3.1)))),
        households=households,
    )


def _stored_board_photo(photo: bytes) -> str:
    """One board photo file, shared by the bulk villages' photo rows (re-encoded as an upload would be)."""
    from uploads.images import photo_reencode

    content = photo_reencode(
        SimpleUploadedFile("board.png", photo, content_type="image/png"),
        max_bytes=services.MAX_BOARD_PHOTO_BYTES,
    )
    return default_storage.save(f"decisions/boards/demo/{content.name}", content)


def seed_after_centers(*, county: Region) -> list[str]:
    """Rosters and matters for every village of ``county`` that has none yet; returns lines to print."""
    categories_ensure()
    today = timezone.localdate()
    rules = DecisionRules.for_region(county)
    categories = {c.name: c for c in MatterCategory.objects.filter(region__isnull=True)}
    villages = list(
        Region.objects.filter(prefix__startswith=county.prefix, level=Level.VILLAGE).order_by("code")
    )
    posts = (
        Post.objects.filter(
            region__in=villages,
            ended_on__isnull=True,
            role__in=(Role.VILLAGE_SECRETARY, Role.VILLAGE_SUPERVISOR),
        )
        .select_related("user")
        .order_by("started_on", "id")
    )
    secretaries, supervisors = {}, {}
    for post in posts:
        (secretaries if post.role == Role.VILLAGE_SECRETARY else supervisors).setdefault(
            post.region_id, post.user
        )
    rosters = {
        r.village_id: r
        for r in VillageRoster.objects.filter(
            village__in=villages, valid_from__lte=today - datetime.timedelta(days=HISTORY_DAYS)
        ).order_by("valid_from")
    }
    have_roster = set(VillageRoster.objects.filter(village__in=villages).values_list("village_id", flat=True))
    have_matters = set(Matter.objects.filter(village__in=villages).values_list("village_id", flat=True))
    if all(v.pk in have_roster and v.pk in have_matters for v in villages):
        return []
    stats = dict.fromkeys(
        [
            "rosters",
            "matters",
            "meetings",
            "disclosures",
            "without_photo",
            "objections",
            "amendments",
            "opinions",
            "reviews",
            Matter.Status.OPEN,
            Matter.Status.COMPLETED,
            Matter.Status.REJECTED,
        ],
        0,
    )
    photo = _board_png()
    through_services = _ThroughServices(photo)
    calendar = county_calendar(
        county=county,
        start=today - datetime.timedelta(days=HISTORY_DAYS + 60),
        end=today + datetime.timedelta(days=60),
    )
    in_bulk = _InBulk(
        rules, _stored_board_photo(photo) if len(villages) > SERVICE_VILLAGES else None, calendar
    )
    for index, village in enumerate(villages):
        actor = secretaries.get(village.pk)
        if actor is None:
            continue
        writer = through_services if index < SERVICE_VILLAGES else in_bulk
        if village.pk not in have_roster:
            rng = random.Random(int(village.code) + 1)
            valid_from = today - datetime.timedelta(days=rng.randint(HISTORY_DAYS + 10, HISTORY_DAYS + 40))
            counts = _roster_counts(rng)
            writer.roster(actor=actor, village=village, valid_from=valid_from, counts=counts)
            rosters[village.pk] = VillageRoster(village=village, valid_from=valid_from, **counts.__dict__)
            stats["rosters"] += 1
        # A village whose roster was entered by hand lately would lack one for the backdated meetings.
        if village.pk in have_matters or village.pk not in rosters:
            continue
        plan = _Village(
            village=village,
            actor=actor,
            supervisor=supervisors.get(village.pk),
            roster=rosters[village.pk],
            categories=categories,
            today=today,
            rules=rules,
            writer=writer,
            stats=stats,
        )
        if index == 0:
            plan.showcase()
        elif index < FULL_DETAIL:
            plan.full(index)
        else:
            plan.simple()
    in_bulk.flush()
    if not stats["rosters"] and not stats["matters"]:
        return []
    return [
        f"民主决策：登记{stats['rosters']}个村的人数，新增{stats['matters']}个事项（已完成{stats['completed']}个、"
        f"办理中{stats['open']}个、未通过{stats['rejected']}个），会议{stats['meetings']}次，公开公示"
        f"{stats['disclosures']}次（{stats['without_photo']}次未上传公开栏照片），村民异议{stats['objections']}条，"
        f"更正{stats['amendments']}处，村务监督意见{stats['opinions']}条，"
        f"公开前经村务监督委员会审核{stats['reviews']}次。"
    ]

"""Demo data of 四议两公开 for the demo county, added by ``manage.py seed_demo`` through its app hook.

Every village gets a roster (valid from about a year ago). The first ``FULL_DETAIL`` villages get two to
four matters each in varied states: completed ones (every step, both disclosures run out, some with a
villagers' objection, a corrected result or a first meeting without quorum), open ones waiting at each
step, rejected ones, a few stuck ones and a few recorded late; the first village (the one the printed
village logins work in) also has the supervision committee's objection. The other villages get two simple
matters each (one waiting for its proposal meeting, one a step or two further).

Everything is written through decisions.services, so the rows are what the portal itself records. The
history is entered as if each step had been recorded on its day: while a service runs, the clock
(``django.utils.timezone.now``) reads that day, so step_since, the timeline timestamps and the late
flags come out as in real use (entering months of history today would flag every meeting "录入滞后").
Single-threaded use only (the management command). Idempotent: a village that already has a roster,
or matters, is left as it is.
"""

from __future__ import annotations

import datetime
import io
import itertools
import math
import random
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from centers.demo import person_name
from centers.models import Post, Region
from centers.roles import Level, Role
from decisions import quorum, services
from decisions.models import (
    Amendment,
    Body,
    Disclosure,
    Matter,
    MatterCategory,
    Meeting,
    Step,
    SupervisionOpinion,
    VillageRoster,
)
from decisions.standards import categories_ensure

HISTORY_DAYS = 350  # the demo's history starts at most this many days ago (rosters start before)
FULL_DETAIL = 40  # villages (by code) with the full variety; the others get two simple matters

# (category, title, content, estimated amount range in yuan or None, resolution body)
TEMPLATES = [
    ("公益事业兴办和筹资筹劳", "村内道路硬化",
     "对村内主干道及{n}条巷道实施水泥硬化，总长约{km}公里、宽4米，资金由“一事一议”财政奖补和村集体收入解决，"
     "不向村民摊派。", (150_000, 480_000), Body.REPRESENTATIVES),
    ("公益事业兴办和筹资筹劳", "文化广场建设",
     "在村党群服务中心东侧空地建设文化广场约{area}平方米，配套健身器材、宣传栏和照明设施。",
     (80_000, 260_000), Body.REPRESENTATIVES),
    ("公益事业兴办和筹资筹劳", "安装太阳能路灯",
     "在村内主干道和进村道路安装太阳能路灯{n}盏，由中标单位负责三年维护。", (40_000, 120_000), Body.REPRESENTATIVES),
    ("公益事业兴办和筹资筹劳", "排水沟渠清淤改造",
     "对村南排水沟渠约{km}公里进行清淤，并对塌损段浆砌护坡，解决雨季积水问题。", (30_000, 90_000),
     Body.REPRESENTATIVES),
    ("集体经济项目立项和承包", "集体鱼塘承包",
     "村集体鱼塘约{mu}亩对外公开发包，承包期5年，底价每亩每年{price}元，采取公开竞价方式确定承包人。",
     (20_000, 60_000), Body.REPRESENTATIVES),
    ("集体经济项目立项和承包", "集体果园对外承包",
     "村集体梨园约{mu}亩到期后重新发包，承包期6年，本村村民同等条件下优先。", (30_000, 90_000),
     Body.REPRESENTATIVES),
    ("误工补贴人员及标准", "误工补贴标准调整",
     "拟将村民小组长误工补贴由每人每月{low}元调整为{high}元，村务监督委员会成员按每人每月{sup}元执行，"
     "资金从村集体收入中列支。", (10_000, 30_000), Body.REPRESENTATIVES),
    ("土地承包经营方案", "土地流转方案",
     "将第{group}村民小组约{mu}亩耕地统一流转给本村种植专业合作社，流转期限8年，流转费每亩每年{price}元，"
     "每三年按市场价调整一次。", None, Body.VILLAGERS),
    ("集体经济收益使用", "集体经济收益分配方案",
     "上年度村集体经营性收入{wan}万元，拟提取30%用于村内公益事业，20%用于困难群众救助，其余用于发展集体经济。",
     (50_000, 200_000), Body.REPRESENTATIVES),
    ("宅基地使用方案", "新增宅基地安排方案",
     "按照乡镇下达的用地指标，安排符合条件的{n}户新增宅基地，每户不超过167平方米，按申请时间和家庭人口排序。",
     None, Body.REPRESENTATIVES),
    ("征地补偿费使用分配", "征地补偿费分配方案",
     "县道改建征收本村集体土地约{mu}亩，土地补偿费的80%按被征地户分配，20%留村集体用于公益事业。",
     (300_000, 900_000), Body.VILLAGERS),
    ("处分村集体财产", "闲置校舍出租",
     "原村小学闲置校舍约{area}平方米公开出租，租期5年，用于农产品加工，租金收入归村集体。", (15_000, 50_000),
     Body.REPRESENTATIVES),
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
SPENT_REASON = "原公示金额误将工程质保金计入实际支出，经村务监督委员会核对票据后更正。"
SUPERVISION_OBJECTION = "预算中健身器材单价明显高于市场价，且未附三家比价材料，建议核实后再提交党员大会审议。"
VILLAGER_OBJECTIONS = [
    ("有村民反映方案中施工路段未包括后街巷道。", "经核实，后街巷道已列入下一年度计划，已向反映人当面说明。"),
    ("有村民询问资金是否向村民摊派。", "资金全部来自财政奖补和村集体收入，不向村民摊派，已当面答复。"),
    ("有村民建议承包人确定后公开承包合同主要条款。", "采纳建议，合同签订后将在公开栏公开主要条款。"),
]
OPEN_STEPS = [Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION, Step.RESOLUTION_DISCLOSURE,
              Step.IMPLEMENTATION, Step.RESULT_DISCLOSURE]
MEETING_BODY = {Step.PROPOSAL: Body.PARTY_ORGANIZATION, Step.CONSULTATION: Body.TWO_COMMITTEES,
                Step.REVIEW: Body.PARTY_CONGRESS}
# The events of a matter in order; "open at step X" has done the events before X's index here.
EVENTS = ["register", Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION, "post_resolution",
          "close_resolution", "post_result", "close_result"]
DONE_UP_TO = {Step.PROPOSAL: 0, Step.CONSULTATION: 1, Step.REVIEW: 2, Step.RESOLUTION: 3,
              Step.RESOLUTION_DISCLOSURE: 5, Step.IMPLEMENTATION: 6, Step.RESULT_DISCLOSURE: 7, "completed": 8}


@contextmanager
def _clock(day: datetime.date):
    """Services called inside record as on ``day`` (a few seconds apart, from 09:00), not today."""
    if day > timezone.localdate():
        raise ValueError(f"demo date {day} is in the future")
    if day == timezone.localdate():
        yield
        return
    real_now = timezone.now
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    ticks = itertools.count()
    timezone.now = lambda: start + datetime.timedelta(seconds=next(ticks))
    try:
        yield
    finally:
        timezone.now = real_now


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


class _Village:
    """Records one village's demo matters through the services, each event on its own day."""

    def __init__(self, *, village: Region, actor, supervisor, roster: VillageRoster, categories: dict,
                 today: datetime.date, photo: bytes, stats: dict):
        self.village, self.actor, self.supervisor, self.roster = village, actor, supervisor, roster
        self.categories, self.today, self.photo, self.stats = categories, today, photo, stats
        self.rng = random.Random(int(village.code))
        self.recorder = person_name(self.rng)
        self.director = person_name(self.rng)
        self.disclosure_days = services.rules_for(village).disclosure_days

    # -- one matter ---------------------------------------------------------------------------------

    def matter(self, template, until: str, *, last_on: datetime.date, reject_at: str | None = None,
               no_quorum_at: str | None = None, record_late: bool = False, resolve_late: bool = False,
               photos: float = 0.85, villager_objection: bool = False, open_objection: bool = False,
               amend: bool = False) -> Matter:
        """Takes a matter from registration to ``until`` (a step it waits at, or "completed"), or to a failed
        vote at ``reject_at``; its last event falls on ``last_on``."""
        category, title, content, amounts, resolution_body = template
        rng = self.rng
        stop = EVENTS.index(reject_at) if reject_at else DONE_UP_TO[until]
        gaps = {Step.PROPOSAL: rng.randint(1, 5), Step.CONSULTATION: rng.randint(3, 9),
                Step.REVIEW: rng.randint(4, 12), Step.RESOLUTION: rng.randint(3, 10),
                "post_resolution": rng.randint(1, 3), "close_resolution": self.disclosure_days,
                "post_result": rng.randint(15, 60), "close_result": self.disclosure_days}
        if resolve_late:  # more than the 60 days the default rules allow between proposal and resolution
            gaps[Step.REVIEW] = 40
            gaps[Step.RESOLUTION] = 30
        if no_quorum_at:
            gaps[no_quorum_at] = max(gaps[no_quorum_at], 9)
        if record_late:  # the last meeting is entered ten days after it was held
            gaps[EVENTS[stop]] = max(gaps[EVENTS[stop]], 3)
        days = [gaps[event] for event in EVENTS[1:stop + 1]]
        day = last_on - datetime.timedelta(days=sum(days) + (10 if record_late else 0))
        with _clock(day):
            matter = services.matter_register(
                actor=self.actor, village=self.village, category=self.categories[category], title=title,
                content=content.format(n=rng.randint(3, 12), km=rng.choice(["1.2", "1.8", "2.5", "3.1"]),
                                       area=rng.choice([600, 800, 1200, 1500]), mu=rng.choice([18, 26, 40, 120, 260]),
                                       price=rng.choice([500, 600, 700, 800]), low=rng.choice([300, 400]),
                                       high=rng.choice([500, 600]), sup=rng.choice([200, 300]),
                                       group=rng.randint(1, 6), wan=rng.choice([18, 26, 35, 42])),
                estimated_amount=Decimal(rng.randrange(*amounts, 100)) if amounts else None,
                proposed_by=rng.choice(["村党组织", "村党组织", "村民委员会", f"村民代表{person_name(rng)}等6人"]))
        self.stats["matters"] += 1
        resolution = None
        for event in EVENTS[1:stop + 1]:
            day += datetime.timedelta(days=gaps[event])
            if event in (Step.PROPOSAL, Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION):
                body = resolution_body if event == Step.RESOLUTION else MEETING_BODY[event]
                if event == no_quorum_at:
                    matter = self._meeting(matter, event, body, day - datetime.timedelta(days=7), outcome=None).matter
                late = record_late and event == EVENTS[stop]
                meeting = self._meeting(matter, event, body, day, outcome=event != reject_at,
                                        record_on=day + datetime.timedelta(days=10) if late else day)
                matter = meeting.matter
                if event == Step.RESOLUTION:
                    resolution = meeting
            elif event == "post_resolution":
                disclosure = self._post(matter, Disclosure.Kind.RESOLUTION, day, resolution=resolution,
                                        photo=rng.random() < photos)
                if villager_objection or open_objection:
                    self._villager_objection(disclosure, answer=not open_objection)
                matter = disclosure.matter
            elif event == "post_result":
                disclosure = self._post(matter, Disclosure.Kind.RESULT, day, photo=rng.random() < photos)
                if amend:
                    self._amend(disclosure, day + datetime.timedelta(days=3))
                matter = disclosure.matter
            else:  # the daily task closes an ended period the morning after
                kind = Disclosure.Kind.RESOLUTION if event == "close_resolution" else Disclosure.Kind.RESULT
                with _clock(day):
                    services.disclosure_period_close(disclosure=matter.disclosures.get(kind=kind), today=day)
                matter.refresh_from_db()
        self.stats[matter.status if matter.status != Matter.Status.OPEN else "open"] += 1
        return matter

    def _meeting(self, matter: Matter, step: str, body: str, held_on: datetime.date, *, outcome: bool | None,
                 record_on: datetime.date | None = None) -> Meeting:
        """A meeting with plausible counts: passed (True), failed vote (False) or without quorum (None)."""
        rng = self.rng
        entitled = self.roster.entitled_for(body)
        households_total = households_present = None
        against = abstain = 0
        if body in (Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES):
            present = entitled - rng.choice([0, 0, 0, 1])
            if outcome is None:
                present = entitled // 2
        elif body == Body.PARTY_CONGRESS:
            present = round(entitled * rng.uniform(0.72, 0.95))
            if outcome is None:
                present = entitled // 2 - rng.randint(0, 2)
        elif body == Body.REPRESENTATIVES:
            present = max(math.ceil(entitled * 2 / 3), round(entitled * rng.uniform(0.75, 0.97)))
            if outcome is None:
                present = math.ceil(entitled * 2 / 3) - 1 - rng.randint(0, 2)
        else:  # 村民会议 by household representatives
            households_total = self.roster.households
            households_present = math.ceil(households_total * rng.uniform(0.7, 0.86))
            present = households_present + rng.randint(0, 20)
            if outcome is None:
                households_present = households_total // 2
                present = min(households_present, self.roster.adults // 2)
        if outcome:
            against, abstain = rng.choice([0, 0, 1, 2]), rng.choice([0, 0, 0, 1])
            if body in (Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES):
                against, abstain = 0, rng.choice([0, 0, 1]) if present > 4 else 0
            votes_for = present - against - abstain
        elif outcome is False:
            votes_for = max(0, (entitled if body == Body.PARTY_CONGRESS else present) // 2 - rng.randint(0, 2))
            abstain = rng.randint(0, 2)
            against = present - votes_for - abstain
        else:
            votes_for = 0
        count = quorum.Count(entitled=entitled, present=present, votes_for=votes_for,
                             households_total=households_total, households_present=households_present)
        expected = (False, None) if outcome is None else (True, outcome)
        if quorum.evaluate(body, count) != expected:
            raise RuntimeError(f"demo meeting counts do not give {expected}: {body} {count}")
        chair = self.actor.real_name if step != Step.RESOLUTION else self.director
        data = services.MeetingInput(
            step=step, body=body, held_on=held_on, place=PLACES[body], chair=chair, recorder=self.recorder,
            entitled=entitled, present=present, votes_for=votes_for, votes_against=against, votes_abstain=abstain,
            minutes=MINUTES[step].format(title=matter.title), households_total=households_total,
            households_present=households_present)
        with _clock(record_on or held_on):
            meeting = services.meeting_record(actor=self.actor, matter=matter, version=matter.version, data=data)
        self.stats["meetings"] += 1
        return meeting

    def _post(self, matter: Matter, kind: str, posted_on: datetime.date, *, resolution: Meeting | None = None,
              photo: bool) -> Disclosure:
        if kind == Disclosure.Kind.RESOLUTION:
            vote = resolution or matter.meetings.get(step=Step.RESOLUTION, quorum_met=True)
            amount = f"，预计金额{matter.estimated_amount:,.0f}元" if matter.estimated_amount is not None else ""
            data = services.DisclosureInput(posted_on=posted_on, text=(
                f"经{vote.held_on:%Y年%m月%d日}{vote.get_body_display()}表决（应到{vote.entitled}人，"
                f"实到{vote.present}人，赞成{vote.votes_for}票），通过“{matter.title}”：{matter.content}{amount}。"
                f"公示期内如有意见，请向村务监督委员会反映。"))
        else:
            base = matter.estimated_amount if matter.estimated_amount is not None else Decimal(0)
            spent = (base * Decimal(self.rng.choice(["0.93", "0.96", "0.98", "1.00", "1.02"]))).quantize(
                Decimal("0.01"))
            data = services.DisclosureInput(
                posted_on=posted_on, spent_amount=spent,
                text=f"“{matter.title}”已按决议组织实施完毕，资金使用情况和验收结果公开如下。",
                acceptance=self.rng.choice(["经乡镇相关站所和村务监督委员会联合验收合格。",
                                            "村务监督委员会全程监督，经村民代表参与验收合格。",
                                            "已按合同履行，村务监督委员会核查无异议。"]))
        upload = SimpleUploadedFile("board.png", self.photo, content_type="image/png") if photo else None
        with _clock(posted_on):
            disclosure = services.disclosure_post(actor=self.actor, matter=matter, version=matter.version,
                                                  kind=kind, data=data, board_photo=upload)
        self.stats["disclosures"] += 1
        self.stats["without_photo"] += upload is None
        return disclosure

    def _amend(self, disclosure: Disclosure, day: datetime.date) -> None:
        """Corrects the posted spending (or, with nothing spent, the acceptance) a few days after posting."""
        if disclosure.spent_amount > 5000:
            field, reason = Amendment.Field.SPENT_AMOUNT, SPENT_REASON
            corrected = str(disclosure.spent_amount - self.rng.choice([1200, 1500, 2000, 3600]))
        else:
            field, reason = Amendment.Field.ACCEPTANCE, "原公示漏写验收日期，补充后重新公开。"
            corrected = f"{disclosure.acceptance.rstrip('。')}，验收日期{day - datetime.timedelta(days=5):%Y年%m月%d日}。"
        with _clock(day):
            services.amendment_create(actor=self.actor, disclosure=disclosure, field=field, corrected=corrected,
                                      reason=reason)
        self.stats["amendments"] += 1

    def _villager_objection(self, disclosure: Disclosure, *, answer: bool) -> None:
        summary, reply = self.rng.choice(VILLAGER_OBJECTIONS)
        received = min(disclosure.posted_on + datetime.timedelta(days=2), self.today)
        with _clock(received):
            objection = services.objection_record(actor=self.actor, disclosure=disclosure, received_on=received,
                                                  summary=summary)
        self.stats["objections"] += 1
        if answer:
            answered = received + datetime.timedelta(days=2)
            with _clock(answered):
                services.objection_answer(actor=self.actor, objection=objection, answer=reply, answered_on=answered)

    def opinion(self, matter: Matter, verdict: str, reason: str = "", *, on: datetime.date) -> None:
        with _clock(on):
            services.opinion_record(actor=self.supervisor, matter=matter, verdict=verdict, reason=reason)
        self.stats["opinions"] += 1

    # -- the village's set ---------------------------------------------------------------------------

    def full(self, index: int) -> None:
        """Two to four matters in varied states; which ones rotates with the village's place in the county."""
        rng, today = self.rng, self.today
        ago = lambda low, high: today - datetime.timedelta(days=rng.randint(low, high))  # noqa: E731
        if index == 0 and self.supervisor is not None:
            self._showcase(ago)
            return
        picks = iter(rng.sample(TEMPLATES, 4))
        self.matter(next(picks), "completed", last_on=ago(20, 150), villager_objection=rng.random() < 0.25,
                    amend=index % 10 == 3, resolve_late=index == 7, no_quorum_at=Step.RESOLUTION if index % 8 == 4
                    else None)
        step = OPEN_STEPS[index % len(OPEN_STEPS)]
        recent = ago(0, 5) if step in (Step.RESOLUTION_DISCLOSURE, Step.RESULT_DISCLOSURE) else ago(1, 20)
        self.matter(next(picks), step, last_on=recent,
                    record_late=index % 11 == 5 and step in (Step.CONSULTATION, Step.REVIEW, Step.RESOLUTION))
        if index % 5 == 1:
            self.matter(next(picks), "rejected", reject_at=rng.choice([Step.REVIEW, Step.RESOLUTION]),
                        last_on=ago(10, 90))
        elif index % 13 == 6:  # stuck: passed 党组织提议 long ago and nothing since
            self.matter(next(picks), Step.CONSULTATION, last_on=ago(45, 70))
        elif index % 4 == 2:
            self.matter(next(picks), "completed", last_on=ago(160, 230), photos=0.6)
        if index % 3 == 0:
            self.matter(next(picks), OPEN_STEPS[(index + 3) % len(OPEN_STEPS)], last_on=ago(0, 5))

    def _showcase(self, ago) -> None:
        """The first village, where the printed logins work: one of each thing a visitor may look for."""
        by_title = {t[1]: t for t in TEMPLATES}
        self.matter(by_title["村内道路硬化"], "completed", last_on=ago(40, 60), photos=1.0, villager_objection=True,
                    amend=True)
        square = self.matter(by_title["文化广场建设"], Step.REVIEW, last_on=self.today - datetime.timedelta(days=4))
        self.opinion(square, SupervisionOpinion.Verdict.OBJECT, SUPERVISION_OBJECTION,
                     on=self.today - datetime.timedelta(days=2))
        pond = self.matter(by_title["集体鱼塘承包"], Step.RESOLUTION_DISCLOSURE,
                           last_on=self.today - datetime.timedelta(days=2), photos=0.0, open_objection=True)
        self.opinion(pond, SupervisionOpinion.Verdict.AGREE, on=self.today - datetime.timedelta(days=1))
        self.matter(by_title["误工补贴标准调整"], "rejected", reject_at=Step.REVIEW, last_on=ago(25, 35))

    def simple(self) -> None:
        """One matter waiting for its proposal meeting and one a step or two further."""
        first, second = self.rng.sample(TEMPLATES, 2)
        self.matter(first, Step.PROPOSAL, last_on=self.today - datetime.timedelta(days=self.rng.randint(0, 12)))
        self.matter(second, self.rng.choice([Step.CONSULTATION, Step.REVIEW]),
                    last_on=self.today - datetime.timedelta(days=self.rng.randint(1, 20)))


def _roster_counts(rng: random.Random) -> services.RosterCounts:
    households = rng.randint(150, 800)
    return services.RosterCounts(
        branch_committee=rng.choice([3, 5, 5, 5, 7]), party_members=rng.randint(20, 80),
        committee_members=rng.randint(5, 9), representatives=rng.randint(20, 45),
        adults=min(2500, max(500, round(households * rng.uniform(2.2, 3.1)))), households=households)


def seed_after_centers(*, county: Region) -> list[str]:
    """Rosters and matters for every village of ``county`` that has none yet; returns lines to print."""
    categories_ensure()
    today = timezone.localdate()
    categories = {c.name: c for c in MatterCategory.objects.filter(region__isnull=True)}
    villages = list(Region.objects.filter(prefix__startswith=county.prefix, level=Level.VILLAGE).order_by("code"))
    posts = Post.objects.filter(region__in=villages, ended_on__isnull=True,
                                role__in=(Role.VILLAGE_SECRETARY, Role.VILLAGE_SUPERVISOR)
                                ).select_related("user").order_by("started_on", "id")
    secretaries, supervisors = {}, {}
    for post in posts:
        (secretaries if post.role == Role.VILLAGE_SECRETARY else supervisors).setdefault(post.region_id, post.user)
    rostered = set(VillageRoster.objects.filter(village__in=villages).values_list("village_id", flat=True))
    with_matters = set(Matter.objects.filter(village__in=villages).values_list("village_id", flat=True))
    stats = dict.fromkeys(["rosters", "matters", "meetings", "disclosures", "without_photo", "objections",
                           "amendments", "opinions", "open", "completed", "rejected"], 0)
    photo = _board_png()
    for index, village in enumerate(villages):
        actor = secretaries.get(village.pk)
        if actor is None:
            continue
        rng = random.Random(int(village.code) + 1)
        if village.pk not in rostered:
            valid_from = today - datetime.timedelta(days=rng.randint(360, 390))
            with _clock(valid_from):
                services.roster_record(actor=actor, village=village, valid_from=valid_from,
                                       counts=_roster_counts(rng))
            stats["rosters"] += 1
        if village.pk in with_matters:
            continue
        # The demo's earliest meetings are held up to 345 days ago; a roster recorded later by hand would not
        # cover them, so such a village gets no demo matters.
        roster = services.roster_on(village=village, day=today - datetime.timedelta(days=HISTORY_DAYS))
        if roster is None:
            continue
        builder = _Village(village=village, actor=actor, supervisor=supervisors.get(village.pk), roster=roster,
                           categories=categories, today=today, photo=photo, stats=stats)
        if index < FULL_DETAIL:
            builder.full(index)
        else:
            builder.simple()
    if not stats["rosters"] and not stats["matters"]:
        return []
    return [f"民主决策：登记{stats['rosters']}个村的人数，新增{stats['matters']}个事项（已完成{stats['completed']}个、"
            f"办理中{stats['open']}个、未通过{stats['rejected']}个），会议{stats['meetings']}次，公开公示"
            f"{stats['disclosures']}次（{stats['without_photo']}次未上传公开栏照片），村民异议{stats['objections']}条，"
            f"更正{stats['amendments']}处，村务监督意见{stats['opinions']}条。"]

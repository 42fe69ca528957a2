"""Democratic decisions (四议两公开) for the benchmark database: matters with everything that hangs on them.

Runs after ``bench/activity.py`` (it needs the villages and the ``sec<code>`` / ``cwh<code>`` cadres that
``people_import`` created), in one transaction with ``SET CONSTRAINTS ALL IMMEDIATE``, with ``bulk_create``
only (every table written here is insert-only or append-only: the triggers refuse UPDATE and DELETE of
meetings, attachments, disclosures, amendments, board photos, timeline events and supervision opinions, so
nothing is ever updated after its insert). The rows hanging off a matter carry its village (``village_id``,
set here although a trigger copies it from the parent on insert anyway). Then ``ANALYZE``.

* **rules and rosters**: a ``DecisionRules`` row per county (7 days' disclosure, the second county 10;
  resolution within 60 days, record within 7, stuck after 30); a ``VillageRoster`` per village from
  ``today - 720`` and, for 40 % of the villages, a second one from a day of the past year (a new
  committee), sizes drawn per village (5-9 branch committee members, 20-80 party members, ...).
* **matters**: 20 per village (30,000 at city scale, 8,000 at county scale), registered on a day of the
  past 540 days, over the eight statutory categories (data migration, ``region`` null) and one category
  each county adds. Each matter is played through the state machine of ``decisions.services`` with
  random gaps between steps: the proposal, consultation, review and resolution meetings (the resolution
  by the representatives, 15 % by the villagers' assembly), the resolution's disclosure, its period,
  implementation (10-150 days), the result's disclosure and its period. Whatever would happen after
  today does not happen, so recent matters stay open at every step. 4 % of meetings first fail for want
  of a quorum (recorded as not held, then held 5-15 days later); votes fail at 1-3 % per meeting (the
  matter ends as rejected; 1 % of the matters are re-proposals of rejected ones); 6 % of matters
  stall for 40-300 days at some step (stuck matters with an old ``step_since``, and late resolutions);
  1.5 % of meetings are recorded more than 7 days after they were held (``recorded_late``).
* **meetings**: counts drawn to pass, fail or miss the quorum and checked with ``decisions.quorum``
  (the same computation the service makes), ``entitled`` from the roster valid on the day (3 % adjusted
  with a reason), so they satisfy the check constraints; 25 % of held meetings have a signed attendance
  sheet (``MeetingAttachment``, a path string: no file is written).
* **disclosures**: the resolution's for every matter past its resolution, the result's for those past
  implementation (``ends_on = posted_on + days``, 民法典 第201条; the bench has no rest days to roll over); 81 % have one board photo, 8 % two (path strings,
  not served by the bench); 3 % an amendment (0.5 % two); 5 % one or two objections from villagers,
  answered within days except a few during running periods (whose matters wait).
* **timeline**: one ``MatterTimelineEvent`` per registration, meeting, disclosure, period end, completion,
  amendment and re-proposal, at the times and with the states and ``payload`` facts that
  ``decisions.workflows.MATTER`` (``apply``/``record``) would have written: meetings {body, entitled,
  present, votes_*} (no votes when not held), postings {posted_on, ends_on}, period end and completion
  {ends_on}, a re-proposal's registration {previous_id, previous_title} and the rejected matter's
  ``reproposed`` {new_id}, amendments {amendment_id, field, disclosure} with the reason in ``note``;
  ``version`` counts the transitions (``apply``), not the events ``record`` adds.
* **supervision opinions**: 40 % of matters get an "agree" at a step they went through, 3 % an
  "object" with a reason (recorded by the committee member: the bench has no supervisors).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

MATTERS_PER_VILLAGE = 20  # 30,000 for 1,500 villages, 8,000 for 400
HISTORY_DAYS = 540  # matters registered from today - 539 to today
ROSTER_DAYS_BEFORE = 720
REPROPOSED_SHARE = 0.01
CHUNK = 2000  # matters generated per flush
BATCH = 5000  # bulk_create batch size

PLACES = ["村党群服务中心会议室", "村委会议室", "村文化活动室", "村党员活动室"]
PROPOSERS = ["村党组织", "村民委员会", "十名以上村民联名", "五分之一以上村民代表联名"]
# Category name (the statutory ones, decisions.standards) -> (titles, content, amount range in yuan or None)
TOPICS = {
    "误工补贴人员及标准": (
        ["{y}年村干部误工补贴人员及标准", "{y}年网格员误工补贴标准调整"],
        "拟定误工补贴人员名单及每人每月补贴标准，资金从村集体经济收入列支。",
        (20_000, 80_000),
    ),
    "集体经济收益使用": (
        ["{y}年度集体经济收益分配方案", "村集体光伏电站收益使用方案", "集体厂房租金收益使用方案"],
        "按照提取公积金、公益金后按股分红的原则，拟定收益使用方案。",
        (50_000, 600_000),
    ),
    "公益事业的兴办和筹资筹劳方案及建设承包方案": (
        [
            "修建{g}组通组道路",
            "{g}组安装太阳能路灯",
            "村小学周边排水沟改造",
            "新建村级文化广场",
            "{g}组自来水管网改造",
        ],
        "群众反映强烈，拟通过一事一议筹资筹劳并申请财政奖补实施。",
        (30_000, 900_000),
    ),
    "土地承包经营方案": (
        ["{g}组机动地承包经营方案", "村集体荒坡地承包方案"],
        "拟将集体机动地公开发包，承包期五年，承包费按年收取。",
        None,
    ),
    "集体经济项目立项和承包": (
        ["村集体蔬菜大棚项目立项", "村集体鱼塘对外承包", "村级电商服务站建设项目"],
        "拟由村股份经济合作社实施，经营收益归村集体所有。",
        (80_000, 1_500_000),
    ),
    "宅基地使用方案": (
        ["{y}年宅基地使用安排方案", "{g}组新增宅基地分配方案"],
        "按照一户一宅、面积不超标准的原则，拟定申请户名单及位置。",
        None,
    ),
    "征地补偿费使用分配": (
        ["{g}组征地补偿费分配方案", "省道拓宽征地补偿费使用方案"],
        "征地补偿费扣除预留部分后，按人口平均分配到户。",
        (100_000, 3_000_000),
    ),
    "以借贷、租赁或者其他方式处分村集体财产": (
        ["出售村集体闲置旧校舍", "村集体旧办公用房对外出租", "报废村集体农用机械处置"],
        "经评估后公开竞价处置，所得收入纳入村集体账户管理。",
        (10_000, 400_000),
    ),
}
COUNTY_CATEGORY = (
    "村庄规划调整",
    ["{g}组村庄规划局部调整"],
    "拟对村庄规划局部进行调整，报乡镇审核后实施。",
    None,
)
NOT_HELD_NOTE = "到会人数不足，会议改期"
OBJECTIONS = [
    "对补偿分配人口的认定有不同意见",
    "认为预算金额偏高，要求公开明细",
    "反映施工路线占用自家承包地",
    "要求延长公示时间",
    "对承包方资格有疑问",
]
ANSWERS = [
    "已由村两委当面解释政策依据，群众表示理解",
    "已公开预算明细，经核实无误",
    "已调整施工路线，避开承包地",
    "经村务监督委员会核实，程序合规，已书面答复",
]
OPINION_REASONS = ["会议通知未提前张贴，程序有瑕疵", "预算未经第三方评估，建议复核", "部分党员未收到会议通知"]
ENTITLED_REASONS = ["1人长期外出务工，书面请假，不计入应到人数", "1人因病住院，经支部确认不计入应到人数"]
ACCEPTANCE = [
    "经村务监督委员会和乡镇验收合格",
    "已按方案实施完毕，群众代表参与验收",
    "经第三方验收合格，资料已归档",
]
STALL_SHARE = 0.06
NO_QUORUM_SHARE = 0.04
RECORDED_LATE_SHARE = 0.015
REJECT_SHARE = {"proposal": 0.01, "consultation": 0.02, "review": 0.02, "resolution": 0.03}


@dataclass
class Roster:
    valid_from: dt.date
    branch_committee: int
    party_members: int
    committee_members: int
    representatives: int
    adults: int
    households: int


@dataclass
class Plan:
    """One matter and its rows before insert (foreign keys to the matter are filled in at flush time)."""

    matter: object
    meetings: list = field(default_factory=list)  # (Meeting, [MeetingAttachment])
    disclosures: list = field(default_factory=list)  # (Disclosure, [BoardPhoto], [Amendment], [Objection])
    transitions: list = field(default_factory=list)  # MatterTimelineEvent rows
    amended: list = field(
        default_factory=list
    )  # (amended event, its Amendment): the id goes into the payload
    opinions: list = field(default_factory=list)


def _ceil_two_thirds(n: int) -> int:
    return (2 * n + 2) // 3


def meeting_counts(rng: random.Random, body: str, entitled: int, households: int | None, want: str) -> dict:
    """Attendance and votes for ``want`` in pass / fail / no_quorum, following decisions.quorum's rules."""
    from decisions.models import Body

    counts = {"households_total": None, "households_present": None}
    if body == Body.VILLAGERS:
        # The assembly meets by household representatives (adults are 2.5-3.5 times the households).
        counts["households_total"] = households
        if want == "no_quorum":
            present = rng.randint(households // 3, _ceil_two_thirds(households) - 1)
        else:
            present = rng.randint(_ceil_two_thirds(households), households)
        counts["households_present"] = present
    elif body == Body.REPRESENTATIVES:
        low = _ceil_two_thirds(entitled)
        present = (
            rng.randint(max(1, entitled // 3), low - 1)
            if want == "no_quorum"
            else max(low, entitled - rng.randint(0, entitled - low))
        )
    else:
        low = entitled // 2 + 1  # more than half
        if want == "no_quorum":
            present = rng.randint(max(1, entitled // 4), entitled // 2)
        elif body == Body.PARTY_CONGRESS:
            present = rng.randint(max(low, round(entitled * 0.7)), entitled)
        else:  # the small bodies mostly meet in full
            present = max(low, entitled - rng.choice((0, 0, 0, 1, 1, 2)))
    counts["present"] = present
    if want == "no_quorum":
        counts.update(votes_for=0, votes_against=0, votes_abstain=0)
        return counts
    # The congress and the two committees pass on half of all entitled members (DOMAIN_RULES C.1).
    base = (
        entitled if body in (Body.PARTY_CONGRESS, Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES) else present
    )
    if want == "pass":
        votes_for = rng.randint(max(base // 2 + 1, present - present // 5), present)
    else:
        votes_for = rng.randint(base // 4, min(base // 2, present))
    rest = present - votes_for
    against = rng.randint(0, rest) if want == "fail" else rng.randint(0, rest // 2)
    abstain = rng.randint(0, rest - against)
    counts.update(votes_for=votes_for, votes_against=against, votes_abstain=abstain)
    return counts


def populate(*, today: dt.date | None = None, seed: int = 17, progress=print) -> dict:
    """Creates the decisions data; returns counts and seconds. Needs Django set up and bench/activity.py run."""
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone

    from accounts.models import User
    from bench.activity import explicit_timestamps
    from decisions import quorum
    from decisions.models import (
        BODIES_OF_STEP,
        MEETING_STEPS,
        STEP_ORDER,
        Amendment,
        BoardPhoto,
        Body,
        DecisionRules,
        Disclosure,
        Matter,
        MatterCategory,
        MatterTimelineEvent,
        Meeting,
        MeetingAttachment,
        Objection,
        Step,
        SupervisionOpinion,
        VillageRoster,
    )
    from regions.models import Region
    from regions.roles import Level

    today = today or timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed)
    started = time.perf_counter()
    Kind, Status = MatterTimelineEvent.Kind, Matter.Status
    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", "code"))
    counties = list(Region.objects.filter(level=Level.COUNTY).order_by("code"))
    users = {
        u: (pk, name)
        for u, pk, name in User.objects.filter(username__regex=r"^(sec|cwh)\d{12}$").values_list(
            "username", "pk", "real_name"
        )
    }
    statutory = {c.name: c for c in MatterCategory.objects.filter(region__isnull=True)}
    if not villages or not counties or len(statutory) < len(TOPICS):
        raise SystemExit(
            "decisions populate: no villages, no counties or the statutory categories are missing"
        )

    counts = {
        name: 0
        for name in (
            "matters",
            "meetings",
            "attachments",
            "disclosures",
            "photos",
            "amendments",
            "objections",
            "events",
            "opinions",
            "rosters",
        )
    }
    status_counts: dict[str, int] = {}
    timestamp_fields = [
        Matter._meta.get_field("created_at"),
        MatterTimelineEvent._meta.get_field("at"),
        Meeting._meta.get_field("recorded_at"),
        MeetingAttachment._meta.get_field("uploaded_at"),
        Disclosure._meta.get_field("created_at"),
        BoardPhoto._meta.get_field("uploaded_at"),
        Amendment._meta.get_field("created_at"),
        SupervisionOpinion._meta.get_field("at"),
        VillageRoster._meta.get_field("recorded_at"),
    ]

    zone, latest = timezone.get_current_timezone(), now - dt.timedelta(minutes=5)

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """A time on ``day``, never after now (a step recorded today happened before the bench ran)."""
        return min(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone), latest)

    with transaction.atomic(), explicit_timestamps(*timestamp_fields):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as bench/activity.py: no deferred-check queue

        # County rules and categories ---------------------------------------------------------------
        rules = [
            DecisionRules(county=county, disclosure_days=10 if i == 1 else 7)
            for i, county in enumerate(counties)
        ]
        DecisionRules.objects.bulk_create(rules)
        rules_of = {county.prefix: rule for county, rule in zip(counties, rules, strict=True)}
        extra = MatterCategory.objects.bulk_create(
            [MatterCategory(region=county, name=COUNTY_CATEGORY[0], sort_order=200) for county in counties]
        )
        extra_of = {county.prefix: category for county, category in zip(counties, extra, strict=True)}

        # Rosters -------------------------------------------------------------------------------------
        rosters_of: list[list[Roster]] = []
        roster_rows = []
        for village_id, code in villages:
            households = rng.randint(200, 900)
            first = Roster(
                today - dt.timedelta(days=ROSTER_DAYS_BEFORE),
                rng.choice((5, 5, 7, 7, 9)),
                rng.randint(20, 80),
                rng.randint(5, 9),
                rng.randint(25, 60),
                round(households * rng.uniform(2.5, 3.5)),
                households,
            )
            own = [first]
            if rng.random() < 0.4:
                own.append(
                    Roster(
                        today - dt.timedelta(days=rng.randint(30, 360)),
                        first.branch_committee,
                        first.party_members + rng.randint(-2, 4),
                        first.committee_members,
                        first.representatives + rng.randint(-3, 3),
                        first.adults + rng.randint(-20, 40),
                        households + rng.randint(-5, 10),
                    )
                )
            rosters_of.append(own)
            for r in own:
                roster_rows.append(
                    VillageRoster(
                        village_id=village_id,
                        valid_from=r.valid_from,
                        branch_committee=r.branch_committee,
                        party_members=r.party_members,
                        committee_members=r.committee_members,
                        representatives=r.representatives,
                        # The bench's assemblies count the representatives alone (as its meetings do).
                        village_committee=0,
                        adults=r.adults,
                        households=r.households,
                        recorded_by_id=users[f"sec{code}"][0],
                        recorded_at=at(r.valid_from, 10),
                    )
                )
        VillageRoster.objects.bulk_create(roster_rows, batch_size=BATCH)
        counts["rosters"] = len(roster_rows)

        def roster_on(v: int, day: dt.date) -> Roster:
            return max((r for r in rosters_of[v] if r.valid_from <= day), key=lambda r: r.valid_from)

        entitled_attr = {
            Body.PARTY_ORGANIZATION: "branch_committee",
            Body.TWO_COMMITTEES: "committee_members",
            Body.PARTY_CONGRESS: "party_members",
            Body.REPRESENTATIVES: "representatives",
            Body.VILLAGERS: "adults",
        }
        topics = [(statutory[name], *topic) for name, topic in TOPICS.items()]

        # One matter through the state machine --------------------------------------------------------
        def play(v: int, registered: dt.date, *, previous=None, template=None) -> Plan:
            village_id, code = villages[v]
            sec_id, sec_name = users[f"sec{code}"]
            cwh_id, cwh_name = users[f"cwh{code}"]
            rule = rules_of[code[:6]]
            if template is not None:
                category_id, title, content, amount = template
            else:
                if rng.random() < 0.05:
                    category, titles, content, amounts = extra_of[code[:6]], *COUNTY_CATEGORY[1:]
                else:
                    category, titles, content, amounts = rng.choice(topics)
                category_id = category.pk
                title = rng.choice(titles).format(y=registered.year, g=rng.choice("一二三四五六七八"))
                amount = (
                    Decimal(rng.randrange(amounts[0], amounts[1], 100))
                    if amounts and rng.random() < 0.9
                    else None
                )
            matter = Matter(
                village_id=village_id,
                category_id=category_id,
                title=title,
                content=content,
                estimated_amount=amount,
                proposed_by=rng.choice(PROPOSERS),
                previous_id=previous,
                status=Status.OPEN,
                step=Step.PROPOSAL,
                step_since=registered,
                created_by_id=sec_id,
                created_at=at(registered, rng.randint(8, 11), rng.randrange(60)),
                version=1,
            )
            plan = Plan(matter)
            clock = matter.created_at  # the timeline's times never go back

            def event(
                kind, when: dt.datetime, from_state, to_state, payload=None, note="", actor=sec_id, bump=True
            ):
                """An event as MATTER.apply (``bump``: a transition, the version goes up) or MATTER.record
                (no bump) appends it: the states before and after, the facts in ``payload``."""
                nonlocal clock
                clock = max(clock + dt.timedelta(seconds=1), when)
                row = MatterTimelineEvent(
                    kind=kind,
                    from_state=from_state,
                    to_state=to_state,
                    actor_id=actor,
                    at=clock,
                    note=note[:300],
                    payload=payload or {},
                )
                plan.transitions.append(row)
                if bump:
                    matter.version += 1
                return row

            event(
                Kind.REGISTERED,
                matter.created_at,
                "",
                Step.PROPOSAL,
                bump=False,
                payload={"previous_id": previous, "previous_title": title} if previous else None,
            )
            stall = rng.choice(list(Step)) if rng.random() < STALL_SHARE else None
            intervals = []  # (step, first day, last day) the matter spent open at each step
            day = registered

            def delay(step, low: int, high: int) -> int:
                return rng.randint(low, high) + (rng.randint(40, 300) if step == stall else 0)

            def stop(step) -> Plan:
                matter.step, matter.step_since = step, day
                intervals.append((step, day, today))
                return finish()

            def finish() -> Plan:
                opinions(plan, intervals, cwh_id, village_id)
                return plan

            # The four meetings -------------------------------------------------------------------------
            gaps = {
                Step.PROPOSAL: (0, 10),
                Step.CONSULTATION: (2, 15),
                Step.REVIEW: (3, 20),
                Step.RESOLUTION: (2, 20),
            }
            for step in MEETING_STEPS:
                held = day + dt.timedelta(days=delay(step, *gaps[step]))
                body = (
                    (Body.VILLAGERS if rng.random() < 0.15 else Body.REPRESENTATIVES)
                    if step == Step.RESOLUTION
                    else BODIES_OF_STEP[step][0]
                )
                attempts = ["no_quorum"] if rng.random() < NO_QUORUM_SHARE else []
                attempts.append("fail" if rng.random() < REJECT_SHARE[step] else "pass")
                for want in attempts:
                    if held > today:
                        return stop(step)
                    roster = roster_on(v, held)
                    roster_entitled = getattr(roster, entitled_attr[body])
                    entitled, reason = roster_entitled, ""
                    if rng.random() < 0.03 and body != Body.VILLAGERS:
                        entitled, reason = roster_entitled - 1, rng.choice(ENTITLED_REASONS)
                    c = meeting_counts(rng, body, entitled, roster.households, want)
                    met, passed = quorum.evaluate(
                        body,
                        quorum.Count(
                            entitled=entitled,
                            present=c["present"],
                            votes_for=c["votes_for"],
                            households_total=c["households_total"],
                            households_present=c["households_present"],
                        ),
                    )
                    assert (met, passed) == {
                        "pass": (True, True),
                        "fail": (True, False),
                        "no_quorum": (False, None),
                    }[want], (body, entitled, c, want)
                    late = rng.random() < RECORDED_LATE_SHARE
                    recorded_day = min(
                        today,
                        held + dt.timedelta(days=rng.randint(8, 20) if late else rng.choice((0, 0, 1, 1, 2))),
                    )
                    recorded_at = at(recorded_day, rng.randint(14, 20), rng.randrange(60))
                    recorded_at = max(recorded_at, clock + dt.timedelta(minutes=1))
                    if (recorded_day - held).days > rule.record_within_days:
                        matter.recorded_late = True
                    meeting = Meeting(
                        village_id=village_id,
                        step=step,
                        body=body,
                        held_on=held,
                        place=rng.choice(PLACES),
                        chair=sec_name,
                        recorder=cwh_name,
                        entitled=entitled,
                        roster_entitled=roster_entitled,
                        entitled_reason=reason,
                        minutes=f"会议讨论了“{title}”，与会人员充分发表意见后进行表决。",
                        quorum_met=met,
                        passed=passed,
                        recorded_by_id=sec_id,
                        recorded_at=recorded_at,
                        # 组织法 第21条: the villagers are told at least ten days before (here 10-20).
                        notice_on=held - dt.timedelta(days=rng.randint(10, 20))
                        if body == Body.VILLAGERS
                        else None,
                        **c,
                    )
                    papers = []
                    if met and rng.random() < 0.25:
                        papers.append(
                            MeetingAttachment(
                                village_id=village_id,
                                kind=MeetingAttachment.Kind.ATTENDANCE,
                                file="decisions/meetings/bench/attendance.pdf",
                                content_type="application/pdf",
                                size=rng.randint(80_000, 900_000),
                                uploaded_by_id=sec_id,
                                uploaded_at=recorded_at,
                            )
                        )
                    plan.meetings.append((meeting, papers))
                    facts = {"body": str(body), "entitled": entitled, "present": c["present"]}
                    if c["households_total"]:
                        facts.update(
                            households_total=c["households_total"], households_present=c["households_present"]
                        )
                    if not met:
                        event(Kind.MEETING_NOT_HELD, recorded_at, step, step, facts)
                        held += dt.timedelta(days=rng.randint(5, 15))
                        continue
                    facts.update(
                        votes_for=c["votes_for"],
                        votes_against=c["votes_against"],
                        votes_abstain=c["votes_abstain"],
                    )
                    intervals.append((step, day, held))
                    if not passed:
                        matter.status, matter.step, matter.step_since = Status.REJECTED, step, day
                        event(Kind.REJECTED, recorded_at, step, step, facts)
                        return finish()
                    if step == Step.PROPOSAL:
                        matter.proposed_on = held
                    if step == Step.RESOLUTION:
                        matter.resolved_on = held
                        if (held - matter.proposed_on).days > rule.resolution_within_days:
                            matter.resolved_late = True
                    next_step = STEP_ORDER[STEP_ORDER.index(step) + 1]
                    event(Kind.MEETING_HELD, recorded_at, step, next_step, facts)
                    day = held

            # The two disclosures -----------------------------------------------------------------------
            for kind, step in (
                (Disclosure.Kind.RESOLUTION, Step.RESOLUTION_DISCLOSURE),
                (Disclosure.Kind.RESULT, Step.RESULT_DISCLOSURE),
            ):
                if kind == Disclosure.Kind.RESOLUTION:
                    posted = day + dt.timedelta(days=delay(step, 0, 5))
                    if posted > today:
                        return stop(Step.RESOLUTION_DISCLOSURE)
                    text = (
                        f"经{matter.resolved_on:%Y年%m月%d日}{Body(body).label}表决通过：{title}。{content}"
                    )
                    spent, acceptance = None, ""
                else:
                    posted = day + dt.timedelta(days=delay(Step.IMPLEMENTATION, 10, 150))
                    if posted > today:
                        return stop(Step.IMPLEMENTATION)
                    text = f"“{title}”已按决议组织实施完毕，现将实施结果公开如下。"
                    spent = (
                        (amount * Decimal(rng.randint(80, 105)) / 100).quantize(Decimal("0.01"))
                        if amount is not None
                        else Decimal("0.00")
                    )
                    acceptance = rng.choice(ACCEPTANCE)
                ends = posted + dt.timedelta(days=rule.disclosure_days)
                posted_at = at(posted, rng.randint(9, 17), rng.randrange(60))
                disclosure = Disclosure(
                    village_id=village_id,
                    kind=kind,
                    text=text,
                    spent_amount=spent,
                    acceptance=acceptance,
                    posted_on=posted,
                    ends_on=ends,
                    period_days=rule.disclosure_days,
                    posted_by_id=sec_id,
                    created_at=posted_at,
                )
                # Posting the resolution keeps the step (until its period ends); posting the result ends
                # the implementation.
                period = {"posted_on": posted.isoformat(), "ends_on": ends.isoformat()}
                if kind == Disclosure.Kind.RESOLUTION:
                    posting_kind, from_state = Kind.RESOLUTION_DISCLOSED, Step.RESOLUTION_DISCLOSURE
                    posting_step = Step.RESOLUTION_DISCLOSURE
                else:
                    posting_kind, from_state = Kind.RESULT_DISCLOSED, Step.IMPLEMENTATION
                    posting_step = Step.RESULT_DISCLOSURE
                event(posting_kind, posted_at, from_state, posting_step, period)
                if kind == Disclosure.Kind.RESOLUTION:
                    matter.disclosed_on = posted
                else:
                    intervals.append((Step.IMPLEMENTATION, day, posted))
                    matter.step, day = Step.RESULT_DISCLOSURE, posted
                photos = []
                for n in range(2 if rng.random() < 0.08 else 1 if rng.random() < 0.88 else 0):
                    photo_day = min(today, posted + dt.timedelta(days=rng.randint(0, 2)))
                    photos.append(
                        BoardPhoto(
                            village_id=village_id,
                            photo=f"decisions/boards/bench/board-{n + 1}.jpg",
                            uploaded_by_id=sec_id,
                            uploaded_at=max(posted_at, at(photo_day, 18, n)),
                        )
                    )
                objections, closes = [], ends + dt.timedelta(days=1)
                if rng.random() < 0.05:
                    for _ in range(rng.randint(1, 2)):
                        received = posted + dt.timedelta(days=rng.randint(0, rule.disclosure_days))
                        if received > today:
                            continue
                        answered = received + dt.timedelta(days=rng.randint(0, 6))
                        if answered > today or rng.random() < 0.05:
                            answered = None  # the matter waits at this step until it is answered
                        objections.append(
                            Objection(
                                village_id=village_id,
                                received_on=received,
                                summary=rng.choice(OBJECTIONS),
                                answer=rng.choice(ANSWERS) if answered else "",
                                answered_on=answered,
                                recorded_by_id=sec_id,
                                answered_by_id=sec_id if answered else None,
                            )
                        )
                        closes = max(closes, answered or dt.date.max)
                amendments = []
                if rng.random() < 0.03:
                    fields_ = (
                        [Amendment.Field.TEXT]
                        if kind == Disclosure.Kind.RESOLUTION
                        else [Amendment.Field.TEXT, Amendment.Field.SPENT_AMOUNT]
                    )
                    original = {"text": text, "spent_amount": str(spent)}
                    amended = posted_at
                    for _ in range(2 if rng.random() < 0.17 else 1):
                        amended = max(
                            amended + dt.timedelta(hours=1),
                            at(min(today, posted + dt.timedelta(days=rng.randint(1, 5))), 16),
                        )
                        if amended >= now:
                            break
                        which = rng.choice(fields_)
                        if which == Amendment.Field.TEXT:
                            corrected = original["text"] + "（更正：具体金额以实施结果公开为准。）"
                            reason = "原公示内容表述不准确"
                        else:
                            corrected = str(
                                (Decimal(original["spent_amount"]) + 1000).quantize(Decimal("0.01"))
                            )
                            reason = "漏记一笔材料费，补正实际支出"
                        amendment = Amendment(
                            village_id=village_id,
                            field=which,
                            original=original[which],
                            corrected=corrected,
                            # the corrected spent amount is kept as an amount too (decisions migration 0005)
                            amount=Decimal(corrected) if which == Amendment.Field.SPENT_AMOUNT else None,
                            reason=reason,
                            created_by_id=sec_id,
                            created_at=amended,
                        )
                        amendments.append(amendment)
                        original[which] = corrected
                        # MATTER.record: no state change; the amendment's id is filled in at flush time.
                        row = event(
                            Kind.AMENDED,
                            amended,
                            posting_step,
                            posting_step,
                            {"field": str(which), "disclosure": str(kind)},
                            note=reason,
                            bump=False,
                        )
                        plan.amended.append((row, amendment))
                plan.disclosures.append((disclosure, photos, amendments, objections))
                # The period closes the day after it ends (the daily task), once every objection is answered.
                if closes > today:
                    if kind == Disclosure.Kind.RESOLUTION:
                        matter.step = Step.RESOLUTION_DISCLOSURE
                    intervals.append((matter.step, day, today))
                    matter.step_since = day
                    return finish()
                closed_at = at(closes, 7, 30)
                ended = {"ends_on": ends.isoformat()}
                if kind == Disclosure.Kind.RESOLUTION:
                    intervals.append((Step.RESOLUTION_DISCLOSURE, day, ends))
                    day = ends + dt.timedelta(days=1)
                    event(
                        Kind.PERIOD_ENDED,
                        closed_at,
                        Step.RESOLUTION_DISCLOSURE,
                        Step.IMPLEMENTATION,
                        ended,
                        actor=None,
                    )
                else:
                    intervals.append((Step.RESULT_DISCLOSURE, day, ends))
                    matter.status, matter.completed_on = Status.COMPLETED, ends + dt.timedelta(days=1)
                    event(
                        Kind.COMPLETED,
                        closed_at,
                        Step.RESULT_DISCLOSURE,
                        Step.RESULT_DISCLOSURE,
                        ended,
                        actor=None,
                    )
            matter.step_since = day  # completed: the step stays 实施结果公开, since the result's posting
            return finish()

        def opinions(plan: Plan, intervals, cwh_id: int, village_id: int) -> None:
            """The supervision committee's opinions, while the matter was open at a step it went through."""
            for verdict, share in (
                (SupervisionOpinion.Verdict.AGREE, 0.4),
                (SupervisionOpinion.Verdict.OBJECT, 0.03),
            ):
                if not intervals or rng.random() >= share:
                    continue
                step, first, last = rng.choice(intervals)
                day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
                plan.opinions.append(
                    SupervisionOpinion(
                        village_id=village_id,
                        step=step,
                        verdict=verdict,
                        recorded_by_id=cwh_id,
                        at=at(min(day, today), 15),
                        reason=rng.choice(OPINION_REASONS)
                        if verdict == SupervisionOpinion.Verdict.OBJECT
                        else "",
                    )
                )

        # Flushing ----------------------------------------------------------------------------------
        def flush(plans: list[Plan]) -> None:
            Matter.objects.bulk_create([p.matter for p in plans], batch_size=BATCH)
            meetings, papers, disclosures, photos, amendments, objections, transitions, opinions_ = (
                [],
                [],
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for p in plans:
                mid = p.matter.pk
                for meeting, own in p.meetings:
                    meeting.matter_id = mid
                    meetings.append((meeting, own))
                for disclosure, own_photos, own_amendments, own_objections in p.disclosures:
                    disclosure.matter_id = mid
                    disclosures.append((disclosure, own_photos, own_amendments, own_objections))
                for row in (*p.transitions, *p.opinions):
                    row.matter_id = mid
                transitions.extend(p.transitions)
                opinions_.extend(p.opinions)
            Meeting.objects.bulk_create([m for m, _ in meetings], batch_size=BATCH)
            for meeting, own in meetings:
                for paper in own:
                    paper.meeting_id = meeting.pk
                    paper.file = f"decisions/meetings/{meeting.matter_id}/签到表-{meeting.pk}.pdf"
                papers.extend(own)
            Disclosure.objects.bulk_create([d for d, *_ in disclosures], batch_size=BATCH)
            for disclosure, own_photos, own_amendments, own_objections in disclosures:
                for n, photo in enumerate(own_photos, 1):
                    photo.disclosure_id = disclosure.pk
                    photo.photo = f"decisions/boards/{disclosure.matter_id}/board-{disclosure.pk}-{n}.jpg"
                for row in (*own_amendments, *own_objections):
                    row.disclosure_id = disclosure.pk
                photos.extend(own_photos)
                amendments.extend(own_amendments)
                objections.extend(own_objections)
            for model, rows in (
                (MeetingAttachment, papers),
                (BoardPhoto, photos),
                (Amendment, amendments),
                (Objection, objections),
            ):
                model.objects.bulk_create(rows, batch_size=BATCH)
            for p in plans:
                for row, amendment in p.amended:
                    row.payload = {"amendment_id": amendment.pk, **row.payload}
            for model, rows in ((MatterTimelineEvent, transitions), (SupervisionOpinion, opinions_)):
                model.objects.bulk_create(rows, batch_size=BATCH)
            for p in plans:
                key = str(p.matter.status) if p.matter.status != Status.OPEN else f"open {p.matter.step}"
                status_counts[key] = status_counts.get(key, 0) + 1
            for name, rows in (
                ("matters", plans),
                ("meetings", meetings),
                ("attachments", papers),
                ("disclosures", disclosures),
                ("photos", photos),
                ("amendments", amendments),
                ("objections", objections),
                ("events", transitions),
                ("opinions", opinions_),
            ):
                counts[name] += len(rows)

        total = len(villages) * MATTERS_PER_VILLAGE
        reproposals = round(total * REPROPOSED_SHARE)
        first_round = total - reproposals
        plan_days = sorted(
            (today - dt.timedelta(days=rng.randrange(HISTORY_DAYS)), rng.randrange(len(villages)))
            for _ in range(first_round)
        )
        plans: list[Plan] = []
        rejected: list[tuple[int, Plan]] = []
        for registered, v in plan_days:
            plan = play(v, registered)
            plans.append(plan)
            if plan.matter.status == Status.REJECTED:
                rejected.append((v, plan))
            if len(plans) >= CHUNK:
                flush(plans)
                plans = []
        if plans:
            flush(plans)

        # Re-proposals of rejected matters (they need the rejected matter's id) ----------------------
        candidates = [
            (v, p) for v, p in rejected if (today - max(t.at for t in p.transitions).date()).days > 10
        ]
        rng.shuffle(candidates)
        plans, olds = [], []
        for v, old in candidates[:reproposals]:
            rejected_on = max(t.at for t in old.transitions)
            again = min(today, rejected_on.date() + dt.timedelta(days=rng.randint(10, 60)))
            m = old.matter
            plans.append(
                play(
                    v, again, previous=m.pk, template=(m.category_id, m.title, m.content, m.estimated_amount)
                )
            )
            olds.append(m)
        if plans:
            flush(plans)
            # MATTER.record on the rejected matter (no state change, no version), once the new one has its id.
            events = [
                MatterTimelineEvent(
                    matter_id=m.pk,
                    kind=Kind.REPROPOSED,
                    from_state=m.step,
                    to_state=m.step,
                    actor_id=m.created_by_id,
                    payload={"new_id": p.matter.pk},
                    at=p.matter.created_at + dt.timedelta(seconds=1),
                )
                for m, p in zip(olds, plans, strict=True)
            ]
            MatterTimelineEvent.objects.bulk_create(events, batch_size=BATCH)
            counts["events"] += len(events)
        counts["reproposals"] = len(plans)
        counts["stuck"] = (
            Matter.objects.filter(status=Status.OPEN, step_since__lt=today - dt.timedelta(days=30))
            .exclude(step=Step.IMPLEMENTATION)
            .count()
        )
        counts["late"] = Matter.objects.filter(Q(resolved_late=True) | Q(recorded_late=True)).count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["by_status"] = dict(sorted(status_counts.items()))
    counts["total_s"] = time.perf_counter() - started
    progress(
        f"   decisions: {counts['matters']} matters ({counts['reproposals']} re-proposed), {counts['meetings']} "
        f"meetings, {counts['disclosures']} disclosures, {counts['photos']} board photos, {counts['amendments']} "
        f"amendments, {counts['objections']} objections, {counts['opinions']} opinions, "
        f"{counts['events']} timeline events, {counts['rosters']} rosters in {counts['total_s']:.1f} s"
    )
    progress(f"   matters by status: {counts['by_status']}; stuck {counts['stuck']}, late {counts['late']}")
    return counts

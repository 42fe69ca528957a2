"""Demo data of the mediation system for the demo county (``manage.py seed_demo`` calls ``seed`` through
the registry, after centers and decisions).

- Grids: every village one grid covering the whole village, except every ninth village, which has two or
  three grids of 50-100 households (one of them 130 households, outside the usual range: the warning).
  Grid posts (一格四员) for the grids of a few of those villages.
- A 人民调解委员会 per village (3-5 members, one 主任, a woman member; one village without a woman
  member, to show the warning); the demo village's committee counts the printed mediator and secretary.
- A year of disputes, about six per village, through the whole state machine: nearly all resolved
  (written and oral agreements, follow-ups, closure, a few settled otherwise, some at the township or
  the county), a few in every other state. They are built as the services would write them and
  inserted in bulk with their timeline events (the services cost dozens of queries a step), except in
  the demo village (吴集村, where the printed logins sit): there each case is written through
  mediation.services on its day (the clock reads that day while a service runs), a few in every state,
  a written agreement still missing signatures, a late 司法确认 and a petition open for over a year.

Idempotent: grids, committees and posts are added only where missing, and the cases only when the county
has none. The last printed line is the county's figure in the seed's shape, computed from the records.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from contextlib import contextmanager

from django.utils import timezone

from core import periods
from core.formats import Rate
from mediation import services as ms
from mediation.models import (
    Agreement,
    Application,
    CaseMediator,
    Committee,
    CommitteeMember,
    CommitteePosition,
    Dispute,
    DisputeTimelineEvent,
    DisputeType,
    Escalation,
    EscalationReason,
    FollowUp,
    Gender,
    JudicialConfirmation,
    Level,
    MediationRules,
    NotAcceptedReason,
    Party,
    Performance,
    PetitionLevel,
    Resolution,
    Session,
    Signature,
    Source,
    State,
    TransferTarget,
)
from mediation.services.disputes import FAILURE_ADVICE_DEFAULT
from regions.demo import person_name
from regions.models import Grid, Post, Region
from regions.roles import GRID_ROLES, Role
from regions.roles import Level as RegionLevel
from regions.services import post_grant
from regions.services.posts import WHOLE_VILLAGE_GRID
from regions.workdays import county_calendar

Kind = DisputeTimelineEvent.Kind
YEAR = 365
MULTI_GRID_EVERY = 9  # every ninth village has two or three grids
GRID_POST_VILLAGES = 3  # villages (with several grids) whose grids get grid posts
CASES_PER_VILLAGE = (4, 8)

SUMMARIES = {
    DisputeType.NEIGHBOURS: "邻居因宅前排水沟走向发生争执，多次口角",
    DisputeType.MARRIAGE_FAMILY: "夫妻因家庭琐事长期不和，女方要求分居",
    DisputeType.LAND_CONTRACT: "两户因承包地边界界桩移动发生争议",
    DisputeType.HOMESTEAD: "兄弟二人因老宅翻建占用宅基地发生纠纷",
    DisputeType.FOREST_WATER: "村民因灌溉用水先后顺序发生争执",
    DisputeType.DAMAGES: "饲养的牛损坏邻居麦苗，双方就赔偿数额有分歧",
    DisputeType.LABOUR: "村民在本村养殖场务工，工资拖欠三个月",
    DisputeType.SUPPORT_INHERITANCE: "三兄弟对老人赡养费分担意见不一",
    DisputeType.DEBT: "村民之间借款到期未还，双方对利息有争议",
    DisputeType.VILLAGE_AFFAIRS: "村民对道路硬化占地补偿标准有意见",
}
TERMS = (
    "双方自愿达成如下协议：{a}于约定日期前履行所承担的义务，{b}予以配合；协议履行后双方不再因此事发生争执。"
)
FACTS = "双方因{summary}发生纠纷，经调解员释法说理，双方认识到各自的责任。"
PLACES = ("村党群服务中心矛盾调解室", "当事人家中", "村委会会议室")


def seed(*, county: Region) -> list[str]:
    grids = _grids(county)
    posts = _grid_posts(county)
    committees = _committees(county)
    cases = 0
    if not Dispute.objects.filter(village__prefix__startswith=county.prefix).exists():
        cases = _bulk_cases(county) + _demo_village_cases(county)
    lines = []
    if grids or posts or committees or cases:
        lines.append(
            f"矛盾调解：新增网格{grids}个、网格职务{posts}个、人民调解委员会{committees}个、矛盾纠纷{cases}件。"
        )
    return [*lines, figure_line(county)]


def figure_line(county: Region, today: dt.date | None = None) -> str:
    """The seed's figure ([003]: "区、乡、村三级共排查出各类矛盾纠纷1393起，化解1372起，化解率98.5%")
    for the past year of the county, from the records (B.1.6: found in the period, resolved in it)."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=YEAR - 1)
    cases = Dispute.objects.filter(village__prefix__startswith=county.prefix)
    found = cases.filter(found_on__range=(start, today)).count()
    resolved = cases.filter(resolved_on__range=(start, today)).count()
    unit = county.name[-1] if county.name[-1] in "县区市" else "县"
    return (
        f"矛盾调解：近一年{unit}、乡、村三级共排查出各类矛盾纠纷{found}起，化解{resolved}起，"
        f"化解率{Rate(resolved, found)}。"
    )


# -- the network ------------------------------------------------------------------------------------


def _villages(county: Region) -> list[Region]:
    return list(
        Region.objects.filter(prefix__startswith=county.prefix, level=RegionLevel.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )


def _grids(county: Region) -> int:
    """Grids where a village has none: the whole village, or two or three of 50-100 households."""
    rng = random.Random(41)
    villages = _villages(county)
    have = set(Grid.objects.filter(village__in=villages).values_list("village_id", flat=True))
    rows, unusual = [], False
    for n, village in enumerate(villages):
        if village.pk in have:
            continue
        if n % MULTI_GRID_EVERY != MULTI_GRID_EVERY - 1:
            rows.append(Grid(village=village, name=WHOLE_VILLAGE_GRID, households=rng.randint(180, 420)))
            continue
        for k in range(rng.randint(2, 3)):
            households = rng.randint(50, 100)
            if not unusual:  # one grid outside the usual range ([004 咸宁]: 50-100 households)
                households, unusual = 130, True
            rows.append(
                Grid(
                    village=village,
                    name=f"第{'一二三'[k]}网格",
                    households=households,
                    area=f"第{2 * k + 1}、{2 * k + 2}村民小组",
                )
            )
    Grid.objects.bulk_create(rows)
    return len(rows)


def _grid_posts(county: Region) -> int:
    """一格四员 for the grids of the first villages with several grids (grid worker, assistant, police,
    supervisor), once: a grid that has posts keeps them."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from regions.management.commands.seed_demo import DEMO_PASSWORD

    multi = [v for n, v in enumerate(_villages(county)) if n % MULTI_GRID_EVERY == MULTI_GRID_EVERY - 1][
        :GRID_POST_VILLAGES
    ]
    grids = list(
        Grid.objects.filter(village__in=multi, is_active=True).select_related("village").order_by("id")
    )
    staffed = set(
        Post.objects.filter(grid__in=grids, ended_on__isnull=True).values_list("grid_id", flat=True)
    )
    rng = random.Random(43)
    password = make_password(DEMO_PASSWORD)
    made = 0
    roles = (Role.GRID_WORKER, Role.GRID_ASSISTANT, Role.GRID_POLICE, Role.GRID_SUPERVISOR)
    for grid in grids:
        if grid.pk in staffed:
            continue
        for role in roles:
            assert role in GRID_ROLES
            user, _ = User.objects.get_or_create(
                username=f"{role}_{grid.pk}",
                defaults={"real_name": person_name(rng), "password": password, "must_change_password": False},
            )
            post_grant(
                actor=None,
                user=user,
                role=role,
                region=grid.village,
                grid=grid,
                started_on=timezone.localdate() - dt.timedelta(days=300),
            )
            made += 1
    return made


def _committees(county: Region) -> int:
    """A 人民调解委员会 per village (term of three years), with 3-5 members, one 主任 and a woman member,
    except one village whose committee has no woman (the warning of 人民调解法 第8条)."""
    rng = random.Random(47)
    villages = _villages(county)
    have = set(
        Committee.objects.filter(region__in=villages, is_active=True).values_list("region_id", flat=True)
    )
    today = timezone.localdate()
    starts = today - dt.timedelta(days=420)
    ends = periods.add_months(starts, 36)
    new = [
        Committee(region=v, name=f"{v.name}人民调解委员会", term_starts_on=starts, term_ends_on=ends)
        for v in villages
        if v.pk not in have
    ]
    Committee.objects.bulk_create(new)
    demo_village = villages[0] if villages else None
    accounts = _demo_accounts(demo_village) if demo_village else {}
    members = []
    for n, committee in enumerate(new):
        size = rng.randint(3, 5)
        for k in range(size):
            position = CommitteePosition.CHAIR if k == 0 else CommitteePosition.MEMBER
            woman = k == 1 and n != 5  # the sixth village's committee has no woman member
            user = None
            if committee.region_id == getattr(demo_village, "pk", None):
                user = {0: accounts.get("secretary"), 1: accounts.get("mediator")}.get(k)
            members.append(
                CommitteeMember(
                    committee=committee,
                    name=user.real_name if user else person_name(rng),
                    user=user,
                    position=position,
                    gender=Gender.FEMALE if woman else Gender.MALE,
                    started_on=starts,
                )
            )
    CommitteeMember.objects.bulk_create(members)
    return len(new)


def _demo_accounts(village: Region) -> dict:
    from accounts.models import User

    users = User.objects.in_bulk(
        ["village_secretary", "village_mediator", "grid_worker", "township_justice"], field_name="username"
    )
    return {
        "secretary": users.get("village_secretary"),
        "mediator": users.get("village_mediator"),
        "grid_worker": users.get("grid_worker"),
        "justice": users.get("township_justice"),
    }


# -- the year of cases, in bulk -----------------------------------------------------------------------


@contextmanager
def _timestamps_as_given():
    """bulk_create keeps the times set on the rows (auto_now_add would stamp them all now)."""
    fields = [
        Dispute._meta.get_field("registered_at"),
        DisputeTimelineEvent._meta.get_field("at"),
        Session._meta.get_field("recorded_at"),
        Agreement._meta.get_field("recorded_at"),
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _at(day: dt.date, hour: int = 9, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour))) + dt.timedelta(seconds=second)


# A few bulk cases in each state that is not resolved; every other bulk case is resolved.
UNRESOLVED = (
    ["registered", "registered_red", "accepted", "mediating", "mediating_red", "mediating_yellow"]
    + ["escalated", "escalated_red", "township_mediating", "county_backlog", "failed", "failed"]
    + ["terminated", "not_accepted", "transferred_police", "transferred_court", "transferred_petition"]
    + ["written_unsigned"]
)


class _Bulk:
    """Rows of the bulk cases, built complete in Python and inserted once (timeline events and the
    signatures, sessions and follow-ups are append-only)."""

    def __init__(self, county: Region, rng: random.Random, today: dt.date):
        self.county, self.rng, self.today = county, rng, today
        self.rules = MediationRules.for_region(county)
        self.working = county_calendar(
            county=county, start=today - dt.timedelta(days=YEAR + 460), end=today + dt.timedelta(days=120)
        )
        self.disputes: list[Dispute] = []
        self.after: list = []  # callbacks (dispute) -> rows, run once the disputes have ids
        self.numbers: dict[dt.date, int] = {}
        taken = Dispute.objects.filter(number__startswith="TJ").values_list("number", flat=True)
        self.taken = set(taken)

    def number(self, day: dt.date) -> str:
        while True:
            serial = self.numbers.get(day, 0) + 1
            self.numbers[day] = serial
            number = f"TJ{day:%Y%m%d}{serial:04d}"
            if number not in self.taken:
                return number

    def accept_due(self, day: dt.date, days: int) -> dt.date:
        return periods.working_days_after(day, days, self.working)

    def month_due(self, day: dt.date) -> dt.date:
        return periods.period_end_months(day, self.rules.mediation_months, self.working)

    def days_after(self, day: dt.date, days: int) -> dt.date:
        return periods.period_end_days(day, days, self.working)


def _bulk_cases(county: Region) -> int:
    # The demo village's cases go through the services (_demo_village_cases).
    return year_of_cases(county, per_village=CASES_PER_VILLAGE, skip_first_village=True)


def year_of_cases(county: Region, *, per_village: tuple[int, int], skip_first_village: bool = False) -> int:
    """A year of cases for every village of ``county`` (``per_village`` a range), bulk-inserted; also
    the benchmark's generator (bench/mediation_activity.py)."""
    today = timezone.localdate()
    rng = random.Random(53)
    bulk = _Bulk(county, rng, today)
    villages = _villages(county)[1 if skip_first_village else 0 :]
    if not villages:
        return 0
    secretaries: dict[int, object] = {}
    justices: dict[int, object] = {}
    for post in (
        Post.objects.filter(
            region__prefix__startswith=county.prefix,
            role__in=(Role.VILLAGE_SECRETARY, Role.TOWNSHIP_JUSTICE, Role.COUNTY_POLITICS_LAW),
            ended_on__isnull=True,
        )
        .select_related("user")
        .order_by("started_on", "id")
    ):
        (secretaries if post.role == Role.VILLAGE_SECRETARY else justices).setdefault(
            post.region_id, post.user
        )
    grids: dict[int, Grid] = {}
    for grid in Grid.objects.filter(village__in=villages, is_active=True).order_by("id"):
        grids.setdefault(grid.village_id, grid)
    plans = []
    for village in villages:
        if village.pk not in secretaries:
            continue
        for _ in range(rng.randint(*per_village)):
            plans.append([village, "resolved"])
    for plan, outcome in zip(rng.sample(plans, len(UNRESOLVED)), UNRESOLVED, strict=True):
        plan[1] = outcome
    built = [
        _bulk_case(bulk, village, outcome, secretaries[village.pk], justices, grids.get(village.pk))
        for village, outcome in plans
    ]
    with _timestamps_as_given():
        Dispute.objects.bulk_create(bulk.disputes, batch_size=2000)
        rows: dict[type, list] = {}
        for dispute, make in built:
            for row in make(dispute):
                rows.setdefault(type(row), []).append(row)
        # Parents before children: parties and agreements before the signatures that name them.
        for model in (Party, CaseMediator, Session, Escalation, Agreement, FollowUp, JudicialConfirmation):
            model.objects.bulk_create(rows.get(model, []), batch_size=2000)
        signatures = [p.build() for p in rows.get(_PendingSignature, [])]
        Signature.objects.bulk_create(signatures, batch_size=2000)
        DisputeTimelineEvent.objects.bulk_create(rows.get(DisputeTimelineEvent, []), batch_size=2000)
    return len(bulk.disputes)


def _owned(row, dispute: Dispute):
    """A row hanging off the case, given its case and village once the case has its id."""
    row.dispute, row.village_id = dispute, dispute.village_id
    return row


class _PendingSignature:
    """A signature whose agreement and party get their ids only when inserted."""

    def __init__(self, agreement: Agreement, party: Party, signed_on: dt.date, by):
        self.agreement, self.party, self.signed_on, self.by = agreement, party, signed_on, by

    def build(self) -> Signature:
        return Signature(
            agreement_id=self.agreement.pk,
            party_id=self.party.pk,
            signed_on=self.signed_on,
            recorded_by=self.by,
            village_id=self.agreement.village_id,
        )


def _bulk_case(bulk: _Bulk, village: Region, outcome: str, secretary, justices: dict, grid: Grid | None):
    """One case as the services would have written it; returns (dispute, rows maker)."""
    rng, today, rules = bulk.rng, bulk.today, bulk.rules
    township, county = village.parent, bulk.county
    dispute_type = rng.choice(list(SUMMARIES))
    by_grid = grid is not None and rng.random() < 0.5
    age = {
        "registered": 1,
        "registered_red": 8,
        "accepted": 3,
        "mediating": 12,
        "mediating_red": 45,
        "escalated": 2,
        "escalated_red": 9,
        "township_mediating": 20,
        "county_backlog": 430,
        "written_unsigned": 6,
    }.get(outcome)
    if outcome == "mediating_yellow":
        # accepted on its registration day so that the month ends within the warning days
        age = (today - periods.add_months(today, -1)).days - 3
    registered = today - dt.timedelta(days=age if age is not None else rng.randint(8, YEAR - 1))
    found = registered - dt.timedelta(days=rng.choice((0, 0, 0, 1)))
    level = Level.GRID if by_grid else Level.VILLAGE
    events: list[tuple] = []  # (day, kind, from, to, actor, payload, note)
    d = Dispute(
        number=bulk.number(registered),
        village=village,
        grid=grid if by_grid else None,
        handling_region=village,
        level=level,
        state=State.REGISTERED,
        source=Source.GRID
        if by_grid
        else rng.choice([Source.VISIT, Source.VISIT, Source.HOTLINE, Source.ONLINE]),
        dispute_type=dispute_type,
        summary=SUMMARIES[dispute_type],
        people_involved=2,
        found_on=found,
        registered_at=_at(registered),
        registered_by=secretary,
        received_by=secretary,
        level_since=registered,
        accept_due_on=bulk.accept_due(registered, rules.accept_working_days),
    )
    events.append(
        (
            registered,
            Kind.REGISTERED,
            "",
            State.REGISTERED,
            secretary,
            {"source": d.source, "level": level},
            "",
        )
    )
    names = (person_name(rng), person_name(rng))
    mediator_name = person_name(rng)
    extra: list = []  # row makers beyond parties and timeline

    def accept(day: dt.date, kind=Kind.ACCEPTED, actor=secretary) -> None:
        before = d.state
        d.state, d.accepted_on, d.application = State.ACCEPTED, day, Application.ORAL
        d.first_accepted_on = d.first_accepted_on or day
        d.due_on = bulk.month_due(day)
        events.append(
            (day, kind, before, State.ACCEPTED, actor, {"level": d.level, "due_on": d.due_on.isoformat()}, "")
        )

    mediators: list[CaseMediator] = []

    def assign(day: dt.date, actor=secretary) -> None:
        d.state = State.MEDIATING
        mediator = CaseMediator(
            name=mediator_name if not mediators else person_name(rng),
            level=d.level,
            is_lead=True,
            assigned_on=day,
        )
        mediators.append(mediator)
        extra.append(lambda dispute: [_owned(mediator, dispute)])
        events.append(
            (
                day,
                Kind.MEDIATORS_ASSIGNED,
                State.ACCEPTED,
                State.MEDIATING,
                actor,
                {"names": [mediator_name]},
                "",
            )
        )

    def session(day: dt.date, actor=secretary) -> None:
        lvl = d.level
        extra.append(
            lambda dispute: [
                Session(
                    dispute=dispute,
                    village_id=dispute.village_id,
                    level=lvl,
                    held_on=day,
                    place=rng.choice(PLACES),
                    mediators=mediator_name,
                    parties_present="、".join(names),
                    rights_told=True,
                    notes="调解员听取双方陈述，释明相关法律规定，双方各自表达了诉求。",
                    recorded_by=actor,
                    recorded_at=_at(day, 16),
                )
            ]
        )
        events.append(
            (day, Kind.SESSION, State.MEDIATING, State.MEDIATING, actor, {"held_on": day.isoformat()}, "")
        )

    def escalate(day: dt.date, to_level: str, actor=secretary, accepted_on: dt.date | None = None) -> None:
        from_level, from_region = d.level, d.handling_region
        to_region = township if to_level == Level.TOWNSHIP else county
        due = bulk.accept_due(day, rules.escalated_accept_working_days)
        before = d.state
        for mediator in mediators:  # the lower level's mediators leave the case with it
            if mediator.withdrawn_on is None:
                mediator.withdrawn_on, mediator.withdrawn_reason = day, "纠纷已上报上级"
        d.state, d.level, d.handling_region, d.level_since = State.ESCALATED, to_level, to_region, day
        d.accept_due_on, d.accepted_on, d.due_on = due, None, None
        reason = EscalationReason.COMPLEX if to_level == Level.TOWNSHIP else EscalationReason.MAJOR_RISK
        extra.append(
            lambda dispute: [
                Escalation(
                    dispute=dispute,
                    village_id=dispute.village_id,
                    from_level=from_level,
                    to_level=to_level,
                    from_region=from_region,
                    to_region=to_region,
                    reason=reason,
                    escalated_on=day,
                    escalated_by=actor,
                    accept_due_on=due,
                    accepted_on=accepted_on,
                )
            ]
        )
        events.append(
            (
                day,
                Kind.ESCALATED,
                before,
                State.ESCALATED,
                actor,
                {"from": from_level, "to": to_level, "reason": reason, "accept_due_on": due.isoformat()},
                "",
            )
        )

    def conclude(day: dt.date, kind, state, note: str = "", actor=secretary, **changes) -> None:
        events.append((day, kind, d.state, state, actor, {}, note))
        d.state, d.concluded_on = state, day
        for key, value in changes.items():
            setattr(d, key, value)

    handler = secretary
    accept_day = min(today, registered + dt.timedelta(days=rng.randint(0, 2)))
    if outcome == "mediating_yellow":
        accept_day = registered
    if outcome in ("registered", "registered_red"):
        pass
    elif outcome == "not_accepted":
        conclude(
            accept_day,
            Kind.NOT_ACCEPTED,
            State.NOT_ACCEPTED,
            note="已告知当事人向人民法院起诉",
            not_accepted_reason=NotAcceptedReason.HANDLED_ELSEWHERE,
            failure_advice="已告知当事人向人民法院起诉",
        )
    elif outcome in ("escalated", "escalated_red"):
        escalate(
            registered + dt.timedelta(days=1) if outcome == "escalated_red" else registered, Level.TOWNSHIP
        )
    elif outcome == "transferred_police":
        accept(accept_day)
        conclude(
            accept_day,
            Kind.TRANSFERRED,
            State.TRANSFERRED,
            transferred_to=TransferTarget.POLICE,
            transferred_body=f"{county.name}公安局{township.name}派出所",
        )
    else:
        accept(accept_day)
        if outcome == "accepted":
            pass
        else:
            mediate_day = min(today, accept_day + dt.timedelta(days=rng.randint(0, 2)))
            if outcome in ("township_mediating", "county_backlog") or (
                outcome == "resolved" and rng.random() < 0.09
            ):
                to_level = (
                    Level.COUNTY
                    if outcome == "county_backlog" or (outcome == "resolved" and rng.random() < 0.1)
                    else Level.TOWNSHIP
                )
                assign(mediate_day)
                session(mediate_day)
                up_day = min(today, mediate_day + dt.timedelta(days=rng.randint(3, 8)))
                handler = justices.get((township if to_level == Level.TOWNSHIP else county).pk) or secretary
                taken_on = min(today, up_day + dt.timedelta(days=rng.randint(0, 2)))
                escalate(up_day, to_level, accepted_on=taken_on)
                accept(taken_on, kind=Kind.ESCALATION_ACCEPTED, actor=handler)
                mediate_day = taken_on
            if outcome == "terminated":
                assign(mediate_day)
                conclude(
                    min(today, mediate_day + dt.timedelta(days=4)),
                    Kind.TERMINATED,
                    State.TERMINATED,
                    note="申请人撤回调解申请",
                )
            elif outcome == "transferred_court":
                assign(mediate_day)
                session(mediate_day)
                conclude(
                    min(today, mediate_day + dt.timedelta(days=6)),
                    Kind.TRANSFERRED,
                    State.TRANSFERRED,
                    transferred_to=TransferTarget.COURT,
                    transferred_body=f"{county.name}人民法院",
                )
            elif outcome == "transferred_petition":
                assign(mediate_day)
                session(mediate_day)
                day = min(today, mediate_day + dt.timedelta(days=9))
                conclude(
                    day,
                    Kind.TRANSFERRED,
                    State.TRANSFERRED,
                    transferred_to=TransferTarget.PETITION,
                    transferred_body=f"{county.name}信访局",
                    petition_started_on=day,
                    petition_level=PetitionLevel.COUNTY,
                )
            elif outcome == "failed":
                assign(mediate_day)
                session(mediate_day)
                session(min(today, mediate_day + dt.timedelta(days=7)))
                conclude(
                    min(today, mediate_day + dt.timedelta(days=15)),
                    Kind.FAILED,
                    State.FAILED,
                    note=FAILURE_ADVICE_DEFAULT,
                    failure_advice=FAILURE_ADVICE_DEFAULT,
                )
            elif outcome in ("mediating", "mediating_red", "mediating_yellow", "township_mediating"):
                if d.state == State.ACCEPTED:
                    assign(mediate_day, actor=handler)
                session(mediate_day, actor=handler)
            elif outcome == "county_backlog":
                assign(mediate_day, actor=handler)
                session(mediate_day, actor=handler)
                d.petition_started_on = found
                d.petition_level = PetitionLevel.CITY
                d.petition_repeats = 3
                d.petition_threat = True
                d.risk_level = "major"
                events.append(
                    (
                        mediate_day,
                        Kind.PETITION,
                        d.state,
                        d.state,
                        handler,
                        {"started_on": found.isoformat(), "level": PetitionLevel.CITY},
                        "",
                    )
                )
            elif rng.random() < 0.03 and outcome == "resolved":
                # settled by the parties themselves, recorded with evidence (化解, not 调解成功)
                day = min(today, mediate_day + dt.timedelta(days=rng.randint(1, 10)))
                conclude(
                    day,
                    Kind.SETTLED,
                    State.CLOSED,
                    note="双方自行和解，提交了书面和解材料",
                    actor=handler,
                    resolution=Resolution.SETTLED,
                    resolved_on=day,
                    resolved_level=d.level,
                )
            else:
                _agreement_part(
                    bulk,
                    d,
                    outcome,
                    events,
                    extra,
                    names,
                    mediator_name,
                    handler,
                    mediate_day,
                    assign,
                    session,
                )

    def make(dispute: Dispute) -> list:
        parties = [
            Party(
                dispute=dispute,
                village_id=dispute.village_id,
                side=Party.Side.APPLICANT,
                name=names[0],
                address=f"{village.name}{rng.randint(1, 9)}组",
            ),
            Party(
                dispute=dispute,
                village_id=dispute.village_id,
                side=Party.Side.RESPONDENT,
                name=names[1],
                address=f"{village.name}{rng.randint(1, 9)}组",
            ),
        ]
        dispute._demo_parties = parties
        rows: list = list(parties)
        for maker in extra:
            rows += maker(dispute)
        for n, (day, kind, source, target, actor, payload, note) in enumerate(events):
            rows.append(
                DisputeTimelineEvent(
                    dispute=dispute,
                    kind=kind,
                    from_state=source,
                    to_state=target,
                    actor=actor,
                    at=_at(day, 10, n),
                    note=note,
                    payload=payload,
                    is_public=False,
                )
            )
        return rows

    d.version = 1 + sum(1 for e in events if e[2] != e[3] or e[1] in (Kind.SESSION, Kind.PETITION))
    bulk.disputes.append(d)
    return d, make


def _agreement_part(
    bulk, d, outcome, events, extra, names, mediator_name, handler, mediate_day, assign, session
):
    """Mediation to an agreement: sessions, the agreement (written or oral), signatures and seal, the
    follow-up visits and closure, as far as the dates reach today."""
    rng, today, rules = bulk.rng, bulk.today, bulk.rules
    if d.state == State.ACCEPTED:
        assign(mediate_day, actor=handler)
    session(mediate_day, actor=handler)
    reached = min(today, mediate_day + dt.timedelta(days=rng.randint(0, 20)))
    if d.due_on and reached > d.due_on:
        reached = d.due_on
    written = outcome == "written_unsigned" or rng.random() < 0.35
    performance_due = reached + dt.timedelta(days=rng.randint(5, 30)) if rng.random() < 0.6 else None
    form = Agreement.Form.WRITTEN if written else Agreement.Form.ORAL
    events.append(
        (
            reached,
            Kind.AGREED,
            State.MEDIATING,
            State.AGREED,
            handler,
            {"form": form, "reached_on": reached.isoformat()},
            "",
        )
    )
    d.state = State.AGREED
    effective = None
    signed_days: list[dt.date] = []
    sealed = None
    if written:
        if outcome == "written_unsigned":
            signed_days = [reached]  # one party signed; the other, the mediator and the seal are missing
        else:
            signed_days = [min(today, reached + dt.timedelta(days=rng.randint(0, 1))) for _ in names]
            sealed = max(signed_days)
            effective = sealed
        for k, day in enumerate(signed_days):
            events.append(
                (
                    day,
                    Kind.SIGNED,
                    State.AGREED,
                    State.AGREED,
                    handler,
                    {"party": names[k], "on": day.isoformat()},
                    "",
                )
            )
        if sealed:
            events.append(
                (sealed, Kind.SEALED, State.AGREED, State.AGREED, handler, {"on": sealed.isoformat()}, "")
            )
    else:
        effective = reached
    follow_due = None
    if effective:
        follow_due = (
            bulk.days_after(performance_due, rules.follow_up_after_performance_days)
            if performance_due
            else bulk.days_after(effective, rules.follow_up_after_effective_days)
        )
        events.append(
            (
                effective,
                Kind.EFFECTIVE,
                State.AGREED,
                State.AGREED,
                None,
                {"effective_on": effective.isoformat(), "follow_up_due_on": follow_due.isoformat()},
                "",
            )
        )
        d.resolution, d.resolved_on, d.resolved_level, d.concluded_on = (
            Resolution.MEDIATED,
            effective,
            d.level,
            effective,
        )
    level = d.level
    agreement = Agreement(
        form=form,
        level=level,
        facts=FACTS.format(summary=d.summary) if written else "",
        terms=TERMS.format(a=names[1], b=names[0]),
        performance_manner="分期履行" if performance_due else "当场履行",
        performance_due_on=performance_due,
        reached_on=reached,
        mediator_signed=bool(sealed),
        sealed_on=sealed,
        effective_on=effective,
        follow_up_due_on=follow_due,
        recorded_by=handler,
        recorded_at=_at(reached, 15),
        version=1 + (1 if sealed else 0) + (1 if effective else 0),
    )

    def agreement_rows(dispute: Dispute) -> list:
        agreement.dispute, agreement.village_id = dispute, dispute.village_id
        rows: list = [agreement]
        rows += [
            _PendingSignature(agreement, dispute._demo_parties[k], day, handler)
            for k, day in enumerate(signed_days)
        ]
        return rows

    extra.append(agreement_rows)
    if not effective or follow_due is None or follow_due > today:
        return
    # The first follow-up: on time mostly, a few late; most performed (closed), some partly (回访中).
    late = rng.random() < 0.06
    visited = (
        follow_due + dt.timedelta(days=rng.randint(1, 6))
        if late
        else follow_due - dt.timedelta(days=rng.randint(0, 3))
    )
    visited = max(effective, min(today, visited))
    performance = Performance.PARTIAL if rng.random() < 0.1 else Performance.PERFORMED
    visits = [(visited, performance, follow_due)]
    if performance == Performance.PARTIAL and visited + dt.timedelta(days=20) <= today and rng.random() < 0.5:
        visits.append((visited + dt.timedelta(days=20), Performance.PERFORMED, None))
    for day, perf, due in visits:
        extra.append(
            lambda dispute, day=day, perf=perf, due=due: [
                FollowUp(
                    dispute=dispute,
                    village_id=dispute.village_id,
                    visited_on=day,
                    due_on=due,
                    visitor=mediator_name,
                    performance=perf,
                    notes="当事人已按协议履行"
                    if perf == Performance.PERFORMED
                    else "已履行一部分，约定下月履行完毕",
                    recorded_by=handler,
                )
            ]
        )
        events.append(
            (
                day,
                Kind.FOLLOW_UP,
                d.state,
                State.FOLLOWING_UP,
                handler,
                {"visited_on": day.isoformat(), "performance": perf},
                "",
            )
        )
        d.state = State.FOLLOWING_UP
    last_day, last_perf, _ = visits[-1]
    if last_perf == Performance.PERFORMED:
        events.append((last_day, Kind.CLOSED, State.FOLLOWING_UP, State.CLOSED, handler, {}, ""))
        d.state = State.CLOSED
    if written and rng.random() < 0.05:
        applied = effective + dt.timedelta(days=rng.randint(3, 20))
        if applied <= today:
            extra.append(
                lambda dispute: [
                    JudicialConfirmation(
                        dispute=dispute,
                        village_id=dispute.village_id,
                        applied_on=applied,
                        court=f"{bulk.county.name}人民法院",
                        outcome=JudicialConfirmation.Outcome.VALID,
                        in_time=True,
                        recorded_by=handler,
                    )
                ]
            )
            events.append(
                (
                    applied,
                    Kind.CONFIRMATION,
                    d.state,
                    d.state,
                    handler,
                    {"applied_on": applied.isoformat(), "in_time": True},
                    "",
                )
            )


# -- the demo village, through the services --------------------------------------------------------


def _moment(day: dt.date, second: int) -> dt.datetime:
    return _at(day, 9, second)


@contextmanager
def _clock(day: dt.date):
    """Services called inside record as on ``day`` (from 09:00, a second per reading), not today."""
    if day >= timezone.localdate():
        yield
        return
    real_now, ticks = timezone.now, itertools.count()
    timezone.now = lambda: _moment(day, next(ticks))
    try:
        yield
    finally:
        timezone.now = real_now


def _demo_village_cases(county: Region) -> int:
    """The demo village's cases, each step through mediation.services on its day."""
    village = _villages(county)[0] if _villages(county) else None
    accounts = _demo_accounts(village) if village else {}
    secretary, mediator = accounts.get("secretary"), accounts.get("mediator")
    grid_worker, justice = accounts.get("grid_worker"), accounts.get("justice")
    if not all((village, secretary, mediator, grid_worker, justice)):
        return 0
    if not Post.objects.filter(user=secretary, region=village, ended_on__isnull=True).exists():
        return 0
    today = timezone.localdate()
    grid = Grid.objects.filter(village=village, is_active=True).order_by("id").first()
    rng = random.Random(59)
    story = _Story(village, secretary, mediator, grid_worker, justice, grid, today, rng)
    plans = [
        ("registered", 1),
        ("registered", 8),
        ("accepted", 2),
        ("mediating", 10),
        ("mediating", 40),
        ("escalated_to_village", 2),
        ("written_unsigned", 6),
        ("agreed_oral", 30),
        ("following_up", 60),
        ("closed", 90),
        ("closed", 150),
        ("closed_late_confirmation", 120),
        ("settled", 70),
        ("failed", 45),
        ("terminated", 33),
        ("not_accepted", 20),
        ("transferred_petition", 100),
        ("township", 30),
        ("backlog", 30),
    ]
    for outcome, ago in plans:
        story.play(outcome, today - dt.timedelta(days=ago))
    return len(plans)


class _Story:
    """One case of the demo village, step by step through the services on their days."""

    def __init__(self, village, secretary, mediator, grid_worker, justice, grid, today, rng):
        self.village, self.secretary, self.mediator = village, secretary, mediator
        self.grid_worker, self.justice, self.grid, self.today, self.rng = (
            grid_worker,
            justice,
            grid,
            today,
            rng,
        )

    def at(self, day: dt.date, call, **kwargs):
        day = min(day, self.today)
        with _clock(day):
            return call(today=day, **kwargs)

    def fresh(self, dispute: Dispute) -> Dispute:
        return Dispute.objects.select_related("village", "handling_region", "grid").get(pk=dispute.pk)

    def play(self, outcome: str, start: dt.date) -> Dispute:
        s, rng = self.secretary, self.rng
        dispute_type = rng.choice(list(SUMMARIES))
        names = (person_name(rng), person_name(rng))
        grid_case = outcome == "escalated_to_village"
        data = ms.DisputeInput(
            source=Source.GRID if grid_case else rng.choice([Source.VISIT, Source.HOTLINE]),
            dispute_type=dispute_type,
            summary=SUMMARIES[dispute_type],
            parties=[
                ms.PartyInput(
                    name=names[0], side=Party.Side.APPLICANT, phone=f"139{rng.randint(10000000, 99999999)}"
                ),
                ms.PartyInput(name=names[1], side=Party.Side.RESPONDENT),
            ],
            grid=self.grid if grid_case else None,
            found_on=start - dt.timedelta(days=390) if outcome == "backlog" else start,
            reported_by=self.grid_worker if grid_case else None,
        )
        actor = self.grid_worker if grid_case else s
        d = self.at(
            start,
            lambda today: ms.dispute_register(actor=actor, village=self.village, data=data, today=today),
        )
        if outcome == "registered":
            return d
        if outcome == "escalated_to_village":
            return self.at(
                start + dt.timedelta(days=1),
                lambda today: ms.dispute_escalate(
                    actor=self.grid_worker,
                    dispute=d,
                    version=d.version,
                    to_level=Level.VILLAGE,
                    reason=EscalationReason.FAILED_HERE,
                    note="网格调解一次未成",
                    today=today,
                ),
            )
        if outcome == "not_accepted":
            return self.at(
                start + dt.timedelta(days=1),
                lambda today: ms.dispute_refuse(
                    actor=s,
                    dispute=d,
                    version=d.version,
                    reason=NotAcceptedReason.HANDLED_ELSEWHERE,
                    advice="该纠纷已由人民法院立案受理，已告知当事人",
                    today=today,
                ),
            )
        day = start + dt.timedelta(days=1)
        d = self.at(
            day,
            lambda today: ms.dispute_accept(
                actor=s, dispute=d, version=d.version, application=Application.ORAL, today=today
            ),
        )
        if outcome == "accepted":
            return d
        if outcome == "township":
            d = self.at(
                day,
                lambda today: ms.dispute_escalate(
                    actor=s,
                    dispute=d,
                    version=d.version,
                    to_level=Level.TOWNSHIP,
                    reason=EscalationReason.COMPLEX,
                    today=today,
                ),
            )
            day += dt.timedelta(days=2)
            d = self.at(
                day,
                lambda today: ms.dispute_accept(
                    actor=self.justice,
                    dispute=d,
                    version=d.version,
                    application=Application.INITIATIVE,
                    today=today,
                ),
            )
            d = self.at(
                day,
                lambda today: ms.mediators_assign(
                    actor=self.justice,
                    dispute=d,
                    version=d.version,
                    mediators=[ms.MediatorInput(name="", user=self.justice, is_lead=True)],
                    today=today,
                ),
            )
            self.session(d, self.justice, day)
            return d
        d = self.at(
            day,
            lambda today: ms.mediators_assign(
                actor=s,
                dispute=d,
                version=d.version,
                mediators=[ms.MediatorInput(name="", user=self.mediator, is_lead=True)],
                today=today,
            ),
        )
        if outcome == "terminated":
            return self.at(
                day + dt.timedelta(days=3),
                lambda today: ms.mediation_terminate(
                    actor=s, dispute=d, version=d.version, reason="申请人撤回调解申请", today=today
                ),
            )
        self.session(d, self.mediator, day)
        d = self.fresh(d)
        if outcome == "mediating":
            return d
        if outcome == "backlog":
            with _clock(day):
                return ms.petition_record(
                    actor=s,
                    dispute=d,
                    version=d.version,
                    started_on=data.found_on,
                    level=PetitionLevel.CITY,
                    repeats=4,
                    note="当事人多次到市信访局反映",
                )
        if outcome == "failed":
            return self.at(
                day + dt.timedelta(days=12),
                lambda today: ms.mediation_fail(actor=s, dispute=d, version=d.version, today=today),
            )
        if outcome == "settled":
            return self.at(
                day + dt.timedelta(days=5),
                lambda today: ms.dispute_settle(
                    actor=s,
                    dispute=d,
                    version=d.version,
                    evidence="双方自行协商一致并签订和解书",
                    today=today,
                ),
            )
        if outcome == "transferred_petition":
            return self.at(
                day + dt.timedelta(days=9),
                lambda today: ms.dispute_transfer(
                    actor=s,
                    dispute=d,
                    version=d.version,
                    target=TransferTarget.PETITION,
                    body="县信访局",
                    petition_level=PetitionLevel.COUNTY,
                    today=today,
                ),
            )
        written = outcome in ("written_unsigned", "following_up", "closed_late_confirmation")
        reached = day + dt.timedelta(days=2)
        agreement_data = ms.AgreementInput(
            form=Agreement.Form.WRITTEN if written else Agreement.Form.ORAL,
            facts=FACTS.format(summary=d.summary),
            terms=TERMS.format(a=names[1], b=names[0]),
            performance_manner="当场履行",
            reached_on=min(reached, self.today),
        )
        with _clock(min(reached, self.today)):
            agreement = ms.agreement_record(
                actor=s, dispute=d, version=d.version, data=agreement_data, today=min(reached, self.today)
            )
        parties = list(d.parties.order_by("id"))
        if written:
            signers = parties[:1] if outcome == "written_unsigned" else parties
            for party in signers:
                self.at(
                    reached,
                    lambda today, party=party: ms.agreement_sign(
                        actor=s, dispute=d, party=party, signed_on=today, today=today
                    ),
                )
            if outcome == "written_unsigned":
                return d
            self.at(
                reached, lambda today: ms.agreement_seal(actor=s, dispute=d, sealed_on=today, today=today)
            )
        agreement.refresh_from_db()
        if outcome == "agreed_oral":
            return d
        visit = min(agreement.follow_up_due_on, self.today)
        performance = Performance.PARTIAL if outcome == "following_up" else Performance.PERFORMED
        d = self.fresh(d)
        self.at(
            visit,
            lambda today: ms.follow_up_record(
                actor=s,
                dispute=d,
                version=d.version,
                data=ms.FollowUpInput(
                    visited_on=today, visitor=self.mediator.real_name, performance=performance
                ),
                today=today,
            ),
        )
        if outcome == "following_up":
            return d
        d = self.fresh(d)
        with _clock(visit):
            d = ms.dispute_close(actor=s, dispute=d, version=d.version, note="协议已履行完毕")
        if outcome == "closed_late_confirmation":
            # 司法确认 applied for on the 35th day after the agreement took effect: out of time (第33条)
            applied = agreement.effective_on + dt.timedelta(days=35)
            self.at(
                applied,
                lambda today: ms.confirmation_record(
                    actor=s, dispute=d, applied_on=today, court="县人民法院", today=today
                ),
            )
        return d

    def session(self, d: Dispute, actor, day: dt.date) -> None:
        d = self.fresh(d)
        self.at(
            day,
            lambda today: ms.session_record(
                actor=actor,
                dispute=d,
                version=d.version,
                data=ms.SessionInput(
                    held_on=today,
                    place=PLACES[0],
                    mediators=actor.real_name,
                    parties_present="双方当事人",
                    notes="调解员听取双方陈述，释明相关法律规定。",
                    rights_told=True,
                ),
                today=today,
            ),
        )


__all__ = ["committees_ensure", "figure_line", "grids_ensure", "seed", "year_of_cases"]
grids_ensure, committees_ensure = _grids, _committees

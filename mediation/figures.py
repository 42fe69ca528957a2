"""The figures of dispute mediation (DOMAIN_RULES B.1.6, the B.4 矛盾调解 sheet): the read contract other
apps (the assessment app, the county report pack) read mediation through. Every figure is counted from the
records, never typed; rates are ``core.formats.Rate`` (numerator and denominator kept, one decimal, half
up, "—" on a zero denominator).

Attribution and period
    A dispute counts for the village where it arose (``Dispute.village``), whatever level handles it; a
    region's figures cover the disputes whose village prefix starts with the region's prefix (rows
    hanging off a dispute carry the same village). The period is [start, end], both days included.
    "Now" figures (在调's state, 超期, 积案) are read on ``today``.

Definitions
    排查 (found)            found_on in the period.
    受理 (accepted)         first_accepted_on in the period.
    化解 (resolved)         resolved_on in the period (resolution set): 调解成功 and otherwise settled.
    化解率                  化解 / 排查 of the same period ([003] 1372/1393 = 98.5%).
    调解成功 (mediated)     resolution "mediated", resolved_on in the period.
    调解不成 (failed)       state failed, concluded_on in the period.
    终止 (terminated)       state terminated, concluded_on in the period.
    调解成功率              调解成功 / (调解成功 + 调解不成 + 终止).
    在调 (open)             in OPEN_STATES now (like 超期, a figure of today, whatever the period).
    超期 (overdue)          受理超期: state registered or escalated with accept_due_on before today;
                            调解超期: state accepted or mediating with due_on before today; 超期 = both.
    上报 by level           Escalation rows with escalated_on in the period, by to_level.
    转信访                  transferred_to "petition", concluded_on in the period.
    村级化解率              resolved at grid or village level / 化解 ("小事不出村").
    乡级以下化解率          resolved at grid, village or township level / 化解 ("大事不出乡").
    县级以下化解率          resolved at any level up to the county / 化解 ("难事不出县").
    越级上访                petition_beyond_level with petition_started_on in the period (should be 0).
    协议 (written / oral)   effective agreements (a written one counts once every party signed and the seal
                            is on it) reached in the period, by form.
    司法确认                JudicialConfirmation.applied_on in the period; of them 确认有效 (outcome valid)
                            and 逾期申请 (in_time False).
    回访率                  agreements whose follow_up_due_on is in the period and that have a follow-up
                            visited on or before that date / agreements whose follow_up_due_on is in it.
    履行率                  agreements reached in the period whose latest follow-up says 已履行 /
                            agreements reached in the period with at least one follow-up.
    信访件数                petition_started_on in the period; against the same days a year earlier
                            (同比, one decimal, "—" when last year is 0).
    积案                    disputes open now whose petition started at least the county's backlog_days
                            (MediationRules) before today.
    积案化解                resolved in the period, the petition having started at least backlog_days
                            before resolved_on.
    最久信访                the earliest petition_started_on of the disputes open now (its age in days).
    网格 / 网格员           active grids; distinct users holding an active post of a grid role
                            (regions.roles.GRID_ROLES) in the region.
    调委会覆盖              villages with an active 人民调解委员会 / villages.

Costs: ``figures_for`` runs five aggregate queries and ``figures_by_village`` five grouped ones (one
more above county level, for the counties' rules), whatever the number of disputes and villages (no
per-row loops); ``breakdowns`` one. A region's grid workers are counted
distinct over the region: a person with grid posts in two villages counts once in the region and once in
each village; every other count of a region is the sum of its villages'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.formats import Rate
from mediation.models import (
    MEDIATION_CLOCK_STATES,
    OPEN_STATES,
    Agreement,
    Committee,
    Dispute,
    DisputeType,
    Escalation,
    FollowUp,
    JudicialConfirmation,
    Level,
    MediationRules,
    Performance,
    Resolution,
    Source,
    State,
    TransferTarget,
)
from regions.models import Grid, Post, Region
from regions.roles import GRID_ROLES
from regions.roles import Level as RegionLevel

ACCEPT_CLOCK_STATES = (State.REGISTERED, State.ESCALATED)


def _int_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(MediationFigures) if f.type == "int")


@dataclass(frozen=True)
class MediationFigures:
    """The mediation figures of one region (or village) and period: integers, and the rates derived from
    them as properties. ``a + b`` adds two regions' figures (the earliest open petition is kept)."""

    found: int = 0
    accepted: int = 0
    resolved: int = 0
    mediated: int = 0
    failed: int = 0
    terminated: int = 0
    open: int = 0
    overdue_accept: int = 0
    overdue_mediation: int = 0
    escalated_village: int = 0
    escalated_township: int = 0
    escalated_county: int = 0
    transferred_petition: int = 0
    resolved_grid: int = 0
    resolved_village: int = 0
    resolved_township: int = 0
    resolved_county: int = 0
    beyond_level: int = 0
    agreements_written: int = 0
    agreements_oral: int = 0
    confirmations: int = 0
    confirmations_valid: int = 0
    confirmations_late: int = 0
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    followed_up: int = 0
    performed: int = 0
    petitions: int = 0
    petitions_last_year: int = 0
    backlog: int = 0
    backlog_resolved: int = 0
    grids: int = 0
    grid_workers: int = 0
    villages: int = 0
    villages_with_committee: int = 0
    oldest_petition_on: dt.date | None = None
    today: dt.date | None = None

    def __add__(self, other: MediationFigures) -> MediationFigures:
        sums = {name: getattr(self, name) + getattr(other, name) for name in _int_fields()}
        dates = [d for d in (self.oldest_petition_on, other.oldest_petition_on) if d is not None]
        return MediationFigures(
            **sums, oldest_petition_on=min(dates, default=None), today=self.today or other.today
        )

    # -- derived figures ------------------------------------------------------------------------------

    @property
    def resolution_rate(self) -> Rate:
        """化解率 = 化解 / 排查."""
        return Rate(self.resolved, self.found)

    @property
    def concluded(self) -> int:
        """调解成功 + 调解不成 + 终止: the denominator of 调解成功率."""
        return self.mediated + self.failed + self.terminated

    @property
    def success_rate(self) -> Rate:
        return Rate(self.mediated, self.concluded)

    @property
    def overdue(self) -> int:
        return self.overdue_accept + self.overdue_mediation

    @property
    def escalated(self) -> int:
        return self.escalated_village + self.escalated_township + self.escalated_county

    @property
    def resolved_in_village(self) -> int:
        return self.resolved_grid + self.resolved_village

    @property
    def resolved_to_township(self) -> int:
        return self.resolved_in_village + self.resolved_township

    @property
    def resolved_to_county(self) -> int:
        return self.resolved_to_township + self.resolved_county

    @property
    def village_rate(self) -> Rate:
        """村级化解率 ("小事不出村")."""
        return Rate(self.resolved_in_village, self.resolved)

    @property
    def township_rate(self) -> Rate:
        """乡级以下化解率 ("大事不出乡")."""
        return Rate(self.resolved_to_township, self.resolved)

    @property
    def county_rate(self) -> Rate:
        """县级以下化解率 ("难事不出县")."""
        return Rate(self.resolved_to_county, self.resolved)

    @property
    def agreements(self) -> int:
        return self.agreements_written + self.agreements_oral

    @property
    def follow_up_rate(self) -> Rate:
        """回访率."""
        return Rate(self.follow_ups_on_time, self.follow_ups_due)

    @property
    def performance_rate(self) -> Rate:
        """履行率."""
        return Rate(self.performed, self.followed_up)

    @property
    def committee_coverage(self) -> Rate:
        return Rate(self.villages_with_committee, self.villages)

    @property
    def petition_change(self) -> Decimal | None:
        """信访件数 against a year earlier, percent to one decimal half up (None when last year had none)."""
        return change_percent(self.petitions, self.petitions_last_year)

    @property
    def petition_change_text(self) -> str:
        change = self.petition_change
        if change is None:
            return "—"
        return f"+{change}%" if change > 0 else f"{change}%"

    @property
    def oldest_petition_days(self) -> int | None:
        if self.oldest_petition_on is None or self.today is None:
            return None
        return (self.today - self.oldest_petition_on).days

    @property
    def oldest_petition_text(self) -> str:
        """The oldest open petition's age as users write it: 10年35天, 200天; "—" when none is open."""
        start, today = self.oldest_petition_on, self.today
        if start is None or today is None:
            return "—"
        # Whole years to the last anniversary (29 February's is 28 February), then the days since it.
        years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
        anniversary = _years_after(start, years)
        if anniversary > today:  # a 29 February start read on 28 February
            years -= 1
            anniversary = _years_after(start, years)
        rest = (today - anniversary).days
        return f"{years}年{rest}天" if years else f"{rest}天"

    @property
    def headline(self) -> str:
        """The seed's sentence ([003]): 排查出各类矛盾纠纷1393起，化解1372起，化解率98.5%."""
        return f"排查出各类矛盾纠纷{self.found}起，化解{self.resolved}起，化解率{self.resolution_rate}"


def change_percent(this: int, last: int) -> Decimal | None:
    """(this - last) / last in percent, one decimal, half up (away from zero); None when last is 0."""
    if not last:
        return None
    return (Decimal(this - last) * 100 / Decimal(last)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- the queries ------------------------------------------------------------------------------------


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year: the 28th
        return day.replace(year=day.year + years, day=28)


def _year_earlier(day: dt.date) -> dt.date:
    return _years_after(day, -1)


def _backlog_rules(region: Region) -> tuple[int, dict[str, int]]:
    """The backlog days in force: (the default, {county prefix: days} of the counties with their own).
    One query above county level, none (the cached county rules) at or below it."""
    if region.county_prefix is not None:
        return MediationRules.for_region(region).backlog_days, {}
    default = MediationRules._meta.get_field("backlog_days").default
    counties = MediationRules.objects.filter(county__prefix__startswith=region.prefix).values_list(
        "county__prefix", "backlog_days"
    )
    return default, dict(counties)


def _started_before(backlog: tuple[int, dict[str, int]], limit) -> Q:
    """petition_started_on at least backlog_days before ``limit`` (a date, or an expression giving one),
    with each county's own days."""
    default, own = backlog

    def condition(days: int) -> Q:
        if isinstance(limit, dt.date):
            return Q(petition_started_on__lte=limit - dt.timedelta(days=days))
        bound = ExpressionWrapper(limit - dt.timedelta(days=days), output_field=DateField())
        return Q(petition_started_on__lte=bound)

    q = condition(default)
    if own:
        listed = Q()
        for prefix in own:
            listed |= Q(village__prefix__startswith=prefix)
        q = q & ~listed
        for prefix, days in own.items():
            q |= Q(village__prefix__startswith=prefix) & condition(days)
    return Q(petition_started_on__isnull=False) & q


def _grouped(queryset: QuerySet, key: str | None, **aggregates) -> dict:
    """{key value: {name: value}} from one grouped query, or {None: {...}} from one aggregate."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    return {row.pop(key): row for row in queryset.order_by().values(key).annotate(**aggregates)}


def _dispute_figures(region: Region, start: dt.date, end: dt.date, today: dt.date, key: str | None) -> dict:
    period = (start, end)
    last_year = (_year_earlier(start), _year_earlier(end))
    resolved = Q(resolved_on__range=period) & ~Q(resolution="")
    open_now = Q(state__in=OPEN_STATES)
    backlog = _backlog_rules(region)

    def resolved_at(level: str) -> Count:
        return Count("pk", filter=resolved & Q(resolved_level=level))

    return _grouped(
        Dispute.objects.filter(village__prefix__startswith=region.prefix),
        key,
        found=Count("pk", filter=Q(found_on__range=period)),
        accepted=Count("pk", filter=Q(first_accepted_on__range=period)),
        resolved=Count("pk", filter=resolved),
        mediated=Count("pk", filter=resolved & Q(resolution=Resolution.MEDIATED)),
        failed=Count("pk", filter=Q(state=State.FAILED, concluded_on__range=period)),
        terminated=Count("pk", filter=Q(state=State.TERMINATED, concluded_on__range=period)),
        open=Count("pk", filter=open_now),
        overdue_accept=Count("pk", filter=Q(state__in=ACCEPT_CLOCK_STATES, accept_due_on__lt=today)),
        overdue_mediation=Count("pk", filter=Q(state__in=MEDIATION_CLOCK_STATES, due_on__lt=today)),
        transferred_petition=Count(
            "pk", filter=Q(transferred_to=TransferTarget.PETITION, concluded_on__range=period)
        ),
        resolved_grid=resolved_at(Level.GRID),
        resolved_village=resolved_at(Level.VILLAGE),
        resolved_township=resolved_at(Level.TOWNSHIP),
        resolved_county=resolved_at(Level.COUNTY),
        beyond_level=Count("pk", filter=Q(petition_beyond_level=True, petition_started_on__range=period)),
        petitions=Count("pk", filter=Q(petition_started_on__range=period)),
        petitions_last_year=Count("pk", filter=Q(petition_started_on__range=last_year)),
        backlog=Count("pk", filter=open_now & _started_before(backlog, today)),
        backlog_resolved=Count("pk", filter=resolved & _started_before(backlog, F("resolved_on"))),
        oldest_petition_on=Min("petition_started_on", filter=open_now),
    )


def _escalation_figures(region: Region, start: dt.date, end: dt.date, key: str | None) -> dict:
    return _grouped(
        Escalation.objects.filter(
            village__prefix__startswith=region.prefix, escalated_on__range=(start, end)
        ),
        key,
        escalated_village=Count("pk", filter=Q(to_level=Level.VILLAGE)),
        escalated_township=Count("pk", filter=Q(to_level=Level.TOWNSHIP)),
        escalated_county=Count("pk", filter=Q(to_level=Level.COUNTY)),
    )


def _agreement_figures(region: Region, start: dt.date, end: dt.date, key: str | None) -> dict:
    period = (start, end)
    reached = Q(reached_on__range=period)
    due = Q(follow_up_due_on__range=period)
    visited_in_time = FollowUp.objects.filter(
        dispute=OuterRef("dispute"), visited_on__lte=OuterRef("follow_up_due_on")
    )
    latest = FollowUp.objects.filter(dispute=OuterRef("dispute")).order_by("-visited_on", "-id")
    agreements = (
        Agreement.objects.filter(village__prefix__startswith=region.prefix)
        .filter(reached | due)
        .alias(
            visited_in_time=Exists(visited_in_time),
            latest_performance=Subquery(latest.values("performance")[:1]),
        )
    )
    return _grouped(
        agreements,
        key,
        agreements_written=Count(
            "pk", filter=reached & Q(form=Agreement.Form.WRITTEN, effective_on__isnull=False)
        ),
        agreements_oral=Count("pk", filter=reached & Q(form=Agreement.Form.ORAL, effective_on__isnull=False)),
        follow_ups_due=Count("pk", filter=due),
        follow_ups_on_time=Count("pk", filter=due & Q(visited_in_time=True)),
        followed_up=Count("pk", filter=reached & Q(latest_performance__isnull=False)),
        performed=Count("pk", filter=reached & Q(latest_performance=Performance.PERFORMED)),
    )


def _confirmation_figures(region: Region, start: dt.date, end: dt.date, key: str | None) -> dict:
    return _grouped(
        JudicialConfirmation.objects.filter(
            village__prefix__startswith=region.prefix, applied_on__range=(start, end)
        ),
        key,
        confirmations=Count("pk"),
        confirmations_valid=Count("pk", filter=Q(outcome=JudicialConfirmation.Outcome.VALID)),
        confirmations_late=Count("pk", filter=Q(in_time=False)),
    )


def _count_of(queryset: QuerySet, field: str = "pk", distinct: bool = False) -> Coalesce:
    """A correlated count (one value per outer row), 0 when there is none."""
    return Coalesce(Subquery(_count_subquery(queryset, field, distinct), output_field=IntegerField()), 0)


def _villages(region: Region) -> QuerySet:
    """The villages of the region in division-code order, with their township and their network: active
    grids, grid workers, an active mediation committee. One query."""
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE, prefix__startswith=region.prefix)
        .annotate(
            township_name=F("parent__name"),
            township_code=F("parent__code"),
            grid_count=_count_of(Grid.objects.filter(village=OuterRef("pk"), is_active=True)),
            worker_count=_count_of(
                Post.objects.filter(region=OuterRef("pk"), role__in=GRID_ROLES, ended_on__isnull=True),
                "user",
                distinct=True,
            ),
            has_committee=Exists(Committee.objects.filter(region=OuterRef("pk"), is_active=True)),
        )
        .order_by("code")
    )


def network_total(region: Region) -> dict:
    """The region's network in one query (correlated counts on the region's own row): villages, villages
    with an active committee, active grids and distinct grid workers."""
    prefix = region.prefix
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, prefix__startswith=prefix)
    row = (
        Region.objects.filter(pk=region.pk)
        .annotate(
            n_villages=_count_of(villages),
            n_committees=_count_of(
                villages.filter(Exists(Committee.objects.filter(region=OuterRef("pk"), is_active=True)))
            ),
            n_grids=_count_of(Grid.objects.filter(village__prefix__startswith=prefix, is_active=True)),
            n_workers=_count_of(
                Post.objects.filter(
                    region__prefix__startswith=prefix, role__in=GRID_ROLES, ended_on__isnull=True
                ),
                "user",
                distinct=True,
            ),
        )
        .values("n_villages", "n_committees", "n_grids", "n_workers")
        .get()
    )
    return {
        "villages": row["n_villages"],
        "villages_with_committee": row["n_committees"],
        "grids": row["n_grids"],
        "grid_workers": row["n_workers"],
    }


def _count_subquery(queryset: QuerySet, field: str = "pk", distinct: bool = False) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(n=Count(field, distinct=distinct))
        .values("n")
    )


def _figures(parts: Iterable[dict], today: dt.date) -> MediationFigures:
    values: dict = {}
    for part in parts:
        values.update({k: v for k, v in part.items() if v is not None})
    return MediationFigures(**values, today=today)


def figures_for(
    region: Region, start: dt.date, end: dt.date, today: dt.date | None = None
) -> MediationFigures:
    """The figures of ``region`` (a village, township, county, city ...) for [start, end]: five
    aggregate queries (see the module's docstring for each definition)."""
    today = today or timezone.localdate()
    return _figures(
        (
            _dispute_figures(region, start, end, today, None)[None],
            _escalation_figures(region, start, end, None)[None],
            _agreement_figures(region, start, end, None)[None],
            _confirmation_figures(region, start, end, None)[None],
            network_total(region),
        ),
        today,
    )


@dataclass(frozen=True)
class VillageFigures:
    """A village's figures with its names (rows of the figures page and the county sheet)."""

    village_id: int
    code: str
    name: str
    township: str
    township_code: str
    figures: MediationFigures


def figures_by_village(
    region: Region, start: dt.date, end: dt.date, today: dt.date | None = None
) -> dict[int, VillageFigures]:
    """The figures of every village of ``region`` (those without a dispute too), in division-code order:
    {village id: VillageFigures}. Five grouped queries whatever the number of villages and disputes."""
    today = today or timezone.localdate()
    key = "village_id"
    disputes = _dispute_figures(region, start, end, today, key)
    escalations = _escalation_figures(region, start, end, key)
    agreements = _agreement_figures(region, start, end, key)
    confirmations = _confirmation_figures(region, start, end, key)
    result = {}
    for village in _villages(region):
        parts = (
            disputes.get(village.pk, {}),
            escalations.get(village.pk, {}),
            agreements.get(village.pk, {}),
            confirmations.get(village.pk, {}),
            {
                "grids": village.grid_count,
                "grid_workers": village.worker_count,
                "villages": 1,
                "villages_with_committee": int(village.has_committee),
            },
        )
        result[village.pk] = VillageFigures(
            village_id=village.pk,
            code=village.code,
            name=village.name,
            township=village.township_name,
            township_code=village.township_code,
            figures=_figures(parts, today),
        )
    return result


def sum_figures(rows: Iterable[MediationFigures], today: dt.date | None = None) -> MediationFigures:
    total = MediationFigures(today=today)
    for figures in rows:
        total = total + figures
    return replace(total, today=today or total.today)


# -- breakdowns --------------------------------------------------------------------------------------


class _YearMonth(Func):
    """A date's month as text, '2026-09' (spelled out rather than cast, which would follow DateStyle)."""

    function = "to_char"
    template = "to_char(%(expressions)s, 'YYYY-MM')"
    output_field = CharField()


@dataclass(frozen=True)
class Breakdowns:
    """排查 and 化解 of a region's period by type, by source and by month: [(key, label, found, resolved)]
    in the choices' (or the months') order, every type and source listed, zeros included."""

    by_type: list[tuple[str, str, int, int]]
    by_source: list[tuple[str, str, int, int]]
    by_month: list[tuple[str, str, int, int]]


def _month_keys(start: dt.date, end: dt.date) -> list[str]:
    keys, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return keys


def month_pair() -> Func:
    """'2026-01|2026-03': the months a dispute was found and resolved in ('' for none)."""
    return Func(
        Coalesce(_YearMonth("found_on"), Value("")),
        Value("|"),
        Coalesce(_YearMonth("resolved_on"), Value("")),
        function="concat",
        output_field=CharField(),
    )


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def breakdown_rows(region: Region, start: dt.date, end: dt.date) -> QuerySet:
    """One UNION ALL query: rows (part, key, found, resolved) by type, by source, and by the pair (month
    found, month resolved) that the months' table splits (a dispute found in one month and resolved in
    another counts in each month for its own figure)."""
    period = (start, end)
    found = Q(found_on__range=period)
    resolved = Q(resolved_on__range=period) & ~Q(resolution="")
    base = Dispute.objects.filter(village__prefix__startswith=region.prefix).filter(found | resolved)
    counts = {"found": Count("pk", filter=found), "resolved": Count("pk", filter=resolved)}

    def part(name: str, key) -> QuerySet:
        return (
            base.annotate(part=Value(name), key=key)
            .order_by()
            .values("part", "key")
            .annotate(**counts)
            .values_list("part", "key", "found", "resolved")
        )

    return part("type", F("dispute_type")).union(
        part("source", F("source")), part("month", month_pair()), all=True
    )


def breakdowns(region: Region, start: dt.date, end: dt.date) -> Breakdowns:
    by_type: dict[str, list[int]] = {}
    by_source: dict[str, list[int]] = {}
    by_month = {key: [0, 0] for key in _month_keys(start, end)}
    for part, key, found, resolved in breakdown_rows(region, start, end):
        if part == "month":
            found_month, resolved_month = key.split("|")
            if found_month in by_month:
                by_month[found_month][0] += found
            if resolved_month in by_month:
                by_month[resolved_month][1] += resolved
        else:
            target = by_type if part == "type" else by_source
            target[key] = [found, resolved]

    def listed(choices, counts: dict) -> list[tuple[str, str, int, int]]:
        return [(value, label, *counts.get(value, (0, 0))) for value, label in choices]

    return Breakdowns(
        by_type=listed(DisputeType.choices, by_type),
        by_source=listed(Source.choices, by_source),
        by_month=[(key, month_label(key), f, r) for key, (f, r) in by_month.items()],
    )

"""The read contract's costs and the parts the page draws from it: a fixed number of queries whatever the
data, the breakdowns by type, source and month (a dispute found in one month and resolved in another counts
in each month for its own figure), the region-page chart, and each county's own backlog days above county
level."""

from __future__ import annotations

import datetime as dt

from core.charts import rows_of
from core.registry import charts_for
from mediation.charts import disputes_by_month_build, disputes_by_month_rows
from mediation.figures import breakdowns, figures_by_village, figures_for
from mediation.models import DisputeType, Level, MediationRules, Source
from regions.models import Region
from regions.roles import Level as RegionLevel
from tests.mediation import figure_builders as fb

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 4, 15)


def _fill(villages) -> None:
    on = dt.date(2026, 2, 1)
    for village in villages:
        d = fb.resolved(village, found_on=on, resolved_on=on, level=Level.TOWNSHIP)
        fb.agreement(d, reached_on=on, follow_up_due_on=on)
        fb.follow_up(d, visited_on=on)
        fb.confirmation(d, applied_on=on)
        fb.escalation(d, to_level=Level.TOWNSHIP, escalated_on=on)
        fb.grid(village, "二网格")
        fb.committee(village)


def test_the_read_contract_costs_the_same_queries_at_3_and_30_villages(world, django_assert_num_queries):
    MediationRules.for_region(world.county)  # the county's rules are read from the cache
    _fill([world.village_a1, world.village_a2, world.village_b1])
    with django_assert_num_queries(5):
        small = figures_by_village(world.county, START, END, today=TODAY)
    with django_assert_num_queries(5):
        figures_for(world.county, START, END, today=TODAY)
    _fill(fb.villages(world.township_b, 27))
    with django_assert_num_queries(5):
        large = figures_by_village(world.county, START, END, today=TODAY)
    with django_assert_num_queries(5):
        county = figures_for(world.county, START, END, today=TODAY)
    with django_assert_num_queries(1):
        breakdowns(world.county, START, END)
    assert (len(small), len(large)) == (3, 30)
    assert (county.found, county.escalated_township, county.confirmations, county.villages) == (
        30,
        30,
        30,
        30,
    )


def test_breakdowns_by_type_source_and_month(world):
    a1 = world.village_a1
    fb.resolved(a1, found_on=dt.date(2026, 1, 31), resolved_on=dt.date(2026, 3, 1))
    fb.dispute(a1, found_on=dt.date(2026, 3, 31), dispute_type=DisputeType.HOMESTEAD, source=Source.HOTLINE)
    fb.resolved(a1, found_on=dt.date(2025, 12, 31), resolved_on=dt.date(2026, 1, 1), source=Source.VISIT)
    fb.dispute(a1, found_on=dt.date(2026, 4, 1))  # after the period
    result = breakdowns(world.county, START, END)
    assert [(label, f, r) for _k, label, f, r in result.by_month] == [
        ("2026年1月", 1, 1),
        ("2026年2月", 0, 0),
        ("2026年3月", 1, 1),
    ]
    types = {key: (f, r) for key, _label, f, r in result.by_type}
    assert types[DisputeType.NEIGHBOURS] == (1, 2) and types[DisputeType.HOMESTEAD] == (1, 0)
    assert len(result.by_type) == len(DisputeType.choices)
    sources = {key: (f, r) for key, _label, f, r in result.by_source}
    assert (
        sources[Source.GRID] == (1, 1)
        and sources[Source.HOTLINE] == (1, 0)
        and sources[Source.VISIT] == (0, 1)
    )


def test_the_region_page_chart_counts_each_month_for_its_own_figure(world):
    today = dt.date(2026, 11, 30)
    fb.resolved(world.village_a1, found_on=dt.date(2026, 9, 30), resolved_on=dt.date(2026, 11, 2))
    fb.dispute(world.village_b1, found_on=dt.date(2025, 11, 30))  # before the twelve months
    fb.dispute(world.village_b1, found_on=dt.date(2025, 12, 1))
    (chart,) = [c for c in charts_for(RegionLevel.COUNTY) if c.key == "disputes_by_month"]
    rows = rows_of([chart], world.county, today)["disputes_by_month"]
    built = disputes_by_month_build(rows=rows, region=world.county, today=today)
    table = {row[0]: row[1:3] for row in built["table"].rows}
    assert len(table) == 12
    assert table["2025年12月"] == (1, 0)
    assert table["2026年9月"] == (1, 0)
    assert table["2026年11月"] == (0, 1)
    assert disputes_by_month_rows(region=world.township_a, today=today).count() == 1


def test_above_county_level_each_county_keeps_its_own_backlog_days(world):
    """A city reads each county's MediationRules.backlog_days (here 100 days) for its 积案."""
    city = Region.objects.create(code="419900000000", prefix="4199", name="测试市", level=RegionLevel.CITY)
    MediationRules.objects.create(county=world.county, backlog_days=100)
    fb.dispute(
        world.village_a1, found_on=dt.date(2026, 1, 5), petition_started_on=TODAY - dt.timedelta(days=100)
    )
    fb.dispute(
        world.village_a1, found_on=dt.date(2026, 1, 6), petition_started_on=TODAY - dt.timedelta(days=99)
    )
    assert figures_for(city, START, END, today=TODAY).backlog == 1
    assert figures_for(world.county, START, END, today=TODAY).backlog == 1

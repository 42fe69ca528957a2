"""The charts on the township and county pages: each chart's container, its data block and its table of
figures; drawn afresh after a change below the region; a system adds one through the registry alone."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db.models import Count, F, Value

from core import registry
from core.charts import Chart, ChartTable
from regions.models import Region
from regions.roles import Level
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@contextmanager
def on(day: dt.date):
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def page(world, user, region) -> str:
    with on(TODAY):
        response = world.client_for(user).get(f"/regions/{region.code}/")
    assert response.status_code == 200
    return response.content.decode()


def option_of(html: str, key: str) -> dict:
    found = re.search(rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no data block for {key}"
    return json.loads(found.group(1))


def table_of(html: str, key: str) -> list[list[str]]:
    """The rows of the chart's table, as text cells."""
    section = re.search(
        rf'<section class="card h-100 chart-card" id="chart-{key}">(.*?)</section>', html, re.S
    )
    assert section, f"no chart section {key}"
    body = re.search(r"<tbody>(.*?)</tbody>", section.group(1), re.S).group(1)
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def september_requests(world) -> None:
    with on(dt.date(2026, 9, 10)):
        on_time, _late = accept(world), accept(world, applicant_name="钱")
    with on(dt.date(2026, 9, 14)):
        transition(world, transition(world, on_time, "start"), "complete", result="已办好")


def test_township_page_shows_each_chart_with_its_data_and_table(world):
    september_requests(world)
    html = page(world, world.township_a_officer, world.township_a)
    assert 'id="charts"' in html and "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html
    for key in ("requests_by_month", "attendance_by_child", "matters_by_step"):
        assert f'data-chart="chart-data-{key}"' in html
    option = option_of(html, "requests_by_month")["baseOption"]
    assert option["xAxis"]["data"][0] == "2025年12月" and option["xAxis"]["data"][9] == "9月"
    assert option["series"][0]["data"][9] == 2 and option["series"][1]["data"][9] == 50.0
    assert option["series"][1]["data"][10] is None  # October: nothing to rate, no point
    rows = table_of(html, "requests_by_month")
    assert rows[9] == ["2026年9月", "2", "1", "1", "1", "0", "50.0%（1/2）"]
    assert len(rows) == 12
    # The figures are open until the chart is drawn (static/js/charts.js folds them).
    assert '<details class="chart-figures" open>' in html
    steps = table_of(html, "matters_by_step")
    assert steps[0] == ["党组织提议", "0"] and steps[-1] == ["合计", "0"]
    assert table_of(html, "attendance_by_child") == [["暂无数据"]]


def test_county_page_counts_every_township(world):
    september_requests(world)
    html = page(world, world.county_admin, world.county)
    assert table_of(html, "requests_by_month")[9] == ["2026年9月", "2", "1", "1", "1", "0", "50.0%（1/2）"]
    assert '<th scope="col">乡镇（街道）</th>' in html  # attendance by township below a county


def test_village_page_has_no_charts(world):
    html = page(world, world.village_a1_clerk, world.village_a1)
    assert 'id="charts"' not in html and "echarts.min.js" not in html


def test_a_chart_is_drawn_afresh_after_a_change_below_the_region(world):
    september_requests(world)
    assert table_of(page(world, world.township_a_officer, world.township_a), "requests_by_month")[9][1] == "2"
    with on(dt.date(2026, 9, 11)):
        accept(world, applicant_name="孙")  # the service bumps the requests topic of the village's regions
    assert table_of(page(world, world.township_a_officer, world.township_a), "requests_by_month")[9][1] == "3"


@pytest.fixture
def new_system():
    """A system registering a chart from its AppConfig.ready(): villages below the region by level."""

    def rows(*, region, today):
        return (
            Region.objects.filter(prefix__startswith=region.prefix)
            .annotate(key=F("level"), label=Value(""))
            .values("key", "label")
            .annotate(v1=Count("pk"))
        )

    def build(*, rows, region, today):
        counts = {row.key: row.values[0] for row in rows}
        return {
            "option": {
                "series": [{"type": "pie", "data": [{"name": k, "value": v} for k, v in counts.items()]}]
            },
            "table": ChartTable(("级别", "数量"), tuple(sorted(counts.items()))),
        }

    registry.contribute(
        registry.Contribution(
            app_label="chart_test_system",
            charts=(Chart("regions_by_level", "区划数量", (Level.TOWNSHIP,), rows, build, "children", 5),),
        )
    )
    yield
    registry._CONTRIBUTIONS.pop("chart_test_system")


def test_a_system_adds_a_chart_through_the_registry_alone(world, new_system):
    html = page(world, world.township_a_officer, world.township_a)
    assert table_of(html, "regions_by_level") == [["township", "1"], ["village", "2"]]
    assert option_of(html, "regions_by_level")["series"][0]["type"] == "pie"
    # Ordered by the charts' order: the new one (5) before the service center's (10).
    assert html.index('id="chart-regions_by_level"') < html.index('id="chart-requests_by_month"')
    # The other charts are still read with it (one statement for all of them).
    assert table_of(html, "matters_by_step")[-1] == ["合计", "0"]
    assert 'id="chart-regions_by_level"' not in page(world, world.county_admin, world.county)

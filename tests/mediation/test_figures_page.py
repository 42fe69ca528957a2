"""The figures page (mediation:figures), its spreadsheet (?format=xlsx) and its charts, through the real
URLs: the same numbers as the read contract, the county total equal to its townships', scope and query
budget."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation.exports import FIGURE_HEADERS
from mediation.figures import figures_for
from mediation.models import DisputeType, Level
from tests.mediation import figure_builders as fb

URL = reverse("mediation:figures")


def _period():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def _query(region, start, end, **extra) -> dict:
    return {"region": region.code, "from": start.isoformat(), "to": end.isoformat(), **extra}


def _some_disputes(world, on: dt.date) -> None:
    """A1: 3 found, 2 resolved (grid, township); A2: 1 found, transferred to 信访; B1: 2 found, 2 resolved."""
    fb.resolved(world.village_a1, found_on=on, resolved_on=on, level=Level.GRID)
    fb.resolved(world.village_a1, found_on=on, resolved_on=on, level=Level.TOWNSHIP)
    fb.dispute(world.village_a1, found_on=on, dispute_type=DisputeType.HOMESTEAD)
    fb.transferred_to_petition(world.village_a2, found_on=on, concluded_on=on)
    for _ in range(2):
        d = fb.resolved(world.village_b1, found_on=on, resolved_on=on)
        fb.agreement(d, reached_on=on, follow_up_due_on=on)
        fb.follow_up(d, visited_on=on)


def test_the_county_page_shows_the_headline_and_the_county_total(world):
    start, end = _period()
    _some_disputes(world, start)
    response = world.client_for(world.county_admin).get(URL, _query(world.county, start, end))
    assert response.status_code == 200
    html = response.content.decode()
    assert "共排查出各类矛盾纠纷6起，化解4起，化解率66.7%。" in html
    figures = response.context["total"]
    assert figures == figures_for(world.county, start, end)
    # by township at county level: the total row is the townships' sum
    table = response.context["table"]
    assert [r["label"] for r in table.rows] == [world.township_a.name, world.township_b.name]
    assert [r["found"] for r in table.rows] == [4, 2]
    assert table.total["found"] == 6 and table.total["resolved"] == 4
    assert str(table.total["resolution_rate"]) == "66.7%"
    assert str(table.total["village_rate"]) == "75.0%"  # grid 1 + village 2 of 4


def test_by_village_groups_villages_under_their_township_with_subtotals(world):
    start, end = _period()
    _some_disputes(world, start)
    response = world.client_for(world.county_admin).get(URL, _query(world.county, start, end, by="village"))
    table = response.context["table"]
    assert table.grouped
    subtotals = {g.label: g.subtotal["found"] for g in table.groups}
    assert subtotals == {world.township_a.name: 4, world.township_b.name: 2}
    assert sum(subtotals.values()) == table.total["found"] == 6
    html = response.content.decode()
    assert 'class="table table-sm bg-white sortable table-nowrap"' in html
    assert "全县合计" in html


def test_a_township_officer_sees_its_villages_and_not_the_other_township(world):
    start, end = _period()
    _some_disputes(world, start)
    client = world.client_for(world.township_a_officer)
    response = client.get(URL)  # default: the user's own region, year to date
    assert response.status_code == 200
    assert response.context["region"] == world.township_a
    assert [r["label"] for r in response.context["table"].rows] == [
        world.village_a1.name,
        world.village_a2.name,
    ]
    assert client.get(URL, {"region": world.township_b.code}).status_code == 404
    assert client.get(URL, {"region": world.village_b1.code, "format": "xlsx"}).status_code == 404


def test_anonymous_users_are_sent_to_log_in(world):
    response = world.client_for(None).get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_bad_dates_show_the_message_and_no_figures(world):
    response = world.client_for(world.county_admin).get(
        URL, {"region": world.county.code, "from": "2026-03-01", "to": "2026-02-01"}
    )
    assert response.status_code == 200
    assert 'id="scope-errors"' in response.content.decode()
    assert 'id="figures-headline"' not in response.content.decode()


def test_zero_found_reads_a_dash_on_the_page(world):
    start, end = _period()
    html = world.client_for(world.county_admin).get(URL, _query(world.county, start, end)).content.decode()
    assert "共排查出各类矛盾纠纷0起，化解0起，化解率—。" in html


def test_the_period_picker_offers_month_quarter_and_year_to_date(world):
    html = world.client_for(world.county_admin).get(URL, {"region": world.county.code}).content.decode()
    for label in ("本月", "上月", "本季度", "上季度", "本年（年初至今）", "上年"):
        assert f">{label}</a>" in html
    today = timezone.localdate()
    # the default period is the year to date, marked as chosen
    assert (
        f'active" href="?region={world.county.code}&amp;from={today.replace(month=1, day=1).isoformat()}'
        in html
    )


def test_the_charts_draw_the_months_and_the_types(world):
    start, end = _period()
    _some_disputes(world, start)
    response = world.client_for(world.county_admin).get(URL, _query(world.county, start, end))
    html = response.content.decode()
    assert 'id="chart-mediation-trend"' in html and 'id="chart-mediation-types"' in html
    assert "vendor/echarts/echarts.min.js" in html
    trend, share = response.context["charts"]
    first_month = trend["table"].rows[0]
    assert first_month[1:3] == (6, 4)
    types = {row[0]: row[1] for row in share["table"].rows}
    assert types["邻里纠纷"] == 5 and types["宅基地"] == 1


def test_the_spreadsheet_carries_the_page_s_numbers(world):
    start, end = _period()
    _some_disputes(world, start)
    client = world.client_for(world.county_admin)
    page = client.get(URL, _query(world.county, start, end))
    response = client.get(URL, _query(world.county, start, end, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按乡镇", "按村"]
    townships = list(book["按乡镇"].iter_rows(values_only=True))
    assert townships[0][0].startswith(f"{world.county.name}矛盾纠纷排查化解情况")
    header = townships[1]
    assert header[2:] == FIGURE_HEADERS
    col = {name: i for i, name in enumerate(header)}
    body, total = townships[2:-1], townships[-1]
    assert [r[0] for r in body] == [world.township_a.name, world.township_b.name]
    assert total[0] == "合计"
    figures = page.context["total"]
    assert total[col["排查"]] == figures.found == 6
    assert total[col["化解"]] == figures.resolved == 4
    assert total[col["化解率"]] == pytest.approx(figures.resolution_rate.fraction)
    assert total[col["转信访"]] == figures.transferred_petition == 1
    assert total[col["回访率"]] == pytest.approx(1.0)
    # the county total equals the sum of the townships
    for name in ("排查", "受理", "化解", "转信访", "书面协议", "网格"):
        assert total[col[name]] == sum(r[col[name]] for r in body)
    villages = list(book["按村"].iter_rows(values_only=True))
    vcol = {name: i for i, name in enumerate(villages[1])}
    rows = {r[vcol["村（社区）"]]: r for r in villages[2:] if r[vcol["村（社区）"]] not in (None, "小计")}
    assert rows[world.village_a1.name][vcol["排查"]] == 3
    assert rows[world.village_a2.name][vcol["转信访"]] == 1
    assert rows[world.village_a2.name][vcol["化解率"]] == 0
    assert rows[world.village_b1.name][vcol["化解率"]] == 1


def test_the_spreadsheet_escapes_names_excel_would_run(world):
    start, end = _period()
    (village,) = fb.villages(world.township_a, 1)
    village.name = "=HYPERLINK(1)"
    village.save()
    response = world.client_for(world.county_admin).get(URL, _query(world.county, start, end, format="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [r[1] for r in book["按村"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in names


def _page_queries(world, client, region) -> int:
    start, end = _period()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, _query(region, start, end, by="village")).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_at_3_and_30_villages(world):
    client = world.client_for(world.county_admin)
    start, _ = _period()
    _some_disputes(world, start)
    client.get(URL, {"region": world.county.code})  # warm the session and the grants
    small = _page_queries(world, client, world.county)
    for village in fb.villages(world.township_a, 27):
        d = fb.resolved(village, found_on=start, resolved_on=start)
        fb.agreement(d, reached_on=start, follow_up_due_on=start)
        fb.follow_up(d, visited_on=start)
        fb.confirmation(d, applied_on=start)
        fb.escalation(d, to_level=Level.TOWNSHIP, escalated_on=start)
        fb.grid(village, "一网格")
        fb.committee(village)
    large = _page_queries(world, client, world.county)
    assert small == large
    assert large <= 15


def test_the_county_page_shows_the_chart(world):
    today = timezone.localdate()
    fb.resolved(world.village_a1, found_on=today, resolved_on=today)
    fb.dispute(world.village_b1, found_on=today)
    html = world.client_for(world.county_admin).get(world.county.get_absolute_url()).content.decode()
    assert "矛盾纠纷排查与化解（近12个月）" in html
    # No column in the children table: the region page keeps its query budget (the figures page has the
    # rate by township and village).
    assert "本年矛盾纠纷化解率" not in html

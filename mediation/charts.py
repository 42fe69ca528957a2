"""Charts of mediation (core.charts, drawn by static/js/charts.js with the vendored ECharts): 排查 and 化解
by month with the month's 化解率, and the share of each dispute type. The region pages draw the first over
the last twelve months (registered in apps.py); the figures page draws both for its period from the rows
it already read (mediation.figures.breakdowns), at no query of their own.

The region-page chart's rows are one grouped query: disputes grouped by the pair (month found, month
resolved), so that a dispute found in one month and resolved in another counts in each month for its own
figure, as the figures page counts them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value

from core.charts import ChartRow, ChartTable
from core.formats import Rate
from mediation.figures import month_label, month_pair
from mediation.models import Dispute
from regions.models import Region

MONTHS = 12
RED, GREEN, GREY = "#c8161d", "#1f6f43", "#adb5bd"
PALETTE = (
    "#c8161d",
    "#e0a000",
    "#1f6f43",
    "#1f5fa8",
    "#7a4fa0",
    "#d9622b",
    "#2a9d8f",
    "#8d6e63",
    "#5c6f7f",
    "#b5838d",
    "#6a994e",
    "#adb5bd",
)
RATE_NOTE = "化解率 = 化解 ÷ 排查（同一时段）：本月化解的纠纷可能是以前排查出的，故单月化解率可能超过100%。"


@dataclass(frozen=True)
class PageChart:
    """The ``chart`` of templates/includes/chart.html for a chart drawn on a page of its own."""

    key: str
    title: str


def months_back(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last ``months`` months, the current one last."""
    firsts, year, month = [], today.year, today.month
    for _ in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def disputes_by_month_rows(*, region: Region, today: datetime.date) -> QuerySet:
    """Disputes of ``region`` found or resolved in the last twelve months, grouped by (month found, month
    resolved): v1 found in the window, v2 resolved in it. One grouped query."""
    window = (months_back(today)[0], today)
    found = Q(found_on__range=window)
    resolved = Q(resolved_on__range=window) & ~Q(resolution="")
    return (
        Dispute.objects.filter(village__prefix__startswith=region.prefix)
        .filter(found | resolved)
        .annotate(key=month_pair(), label=Value(""))
        .values("key", "label")
        .annotate(v1=Count("pk", filter=found), v2=Count("pk", filter=resolved))
    )


def by_month_of(rows: list[ChartRow], month_keys: list[str]) -> list[tuple[str, str, int, int]]:
    """[(month key, label, found, resolved)] from the pair rows, every month of ``month_keys`` listed."""
    counts = {key: [0, 0] for key in month_keys}
    for row in rows:
        found_month, resolved_month = row.key.split("|")
        if found_month in counts:
            counts[found_month][0] += row.values[0]
        if resolved_month in counts:
            counts[resolved_month][1] += row.values[1]
    return [(key, month_label(key), found, resolved) for key, (found, resolved) in counts.items()]


def trend_build_months(by_month: list[tuple[str, str, int, int]]) -> dict:
    """Bars of 排查 and 化解 per month and the month's 化解率 as a line; the same figures as a table."""
    labels, found, resolved, rates, table = [], [], [], [], []
    for index, (key, label, f, r) in enumerate(by_month):
        year, month = key.split("-")
        # The year on the axis where it starts and where it turns.
        labels.append(label if index == 0 or month == "01" else f"{int(month)}月")
        found.append(f)
        resolved.append(r)
        rate = Rate(r, f)
        rates.append(None if rate.rounded is None else float(rate.rounded))
        table.append((label, f, r, f"{rate}（{r}/{f}）" if f else str(rate)))
    base = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["排查", "化解", "化解率"], "top": 0},
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"hideOverlap": True}},
        "yAxis": [
            {"type": "value", "name": "起", "minInterval": 1},
            {"type": "value", "name": "%", "min": 0, "splitLine": {"show": False}},
        ],
        "series": [
            {"name": "排查", "type": "bar", "data": found, "itemStyle": {"color": GREY}},
            {"name": "化解", "type": "bar", "data": resolved, "itemStyle": {"color": RED}},
            {
                "name": "化解率",
                "type": "line",
                "yAxisIndex": 1,
                "data": rates,
                "connectNulls": False,
                "itemStyle": {"color": GREEN},
            },
        ],
    }
    narrow = {"grid": {"left": 24}, "xAxis": {"axisLabel": {"interval": 0, "rotate": 45, "fontSize": 11}}}
    wide = {"grid": {"left": 8}, "xAxis": {"axisLabel": {"interval": "auto", "rotate": 0, "fontSize": 12}}}
    return {
        "option": {
            "baseOption": base,
            "media": [{"query": {"maxWidth": 500}, "option": narrow}, {"option": wide}],
        },
        "table": ChartTable(("月份", "排查", "化解", "化解率"), tuple(table)),
        "note": RATE_NOTE,
    }


def disputes_by_month_build(*, rows: list[ChartRow], region: Region, today: datetime.date) -> dict:
    keys = [first.isoformat()[:7] for first in months_back(today)]
    return trend_build_months(by_month_of(rows, keys))


def type_share_build(by_type: list[tuple[str, str, int, int]]) -> dict:
    """A ring of 排查 by dispute type (the types with none left out of the ring, kept in the table)."""
    data = [
        {"name": label, "value": found, "itemStyle": {"color": PALETTE[index % len(PALETTE)]}}
        for index, (_key, label, found, _resolved) in enumerate(by_type)
        if found
    ]
    total = sum(found for _k, _l, found, _r in by_type)
    table = tuple(
        (label, found, str(Rate(found, total)), resolved, str(Rate(resolved, found)))
        for _key, label, found, resolved in by_type
    )
    option = {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}起（{d}%）"},
        "legend": {"type": "scroll", "bottom": 0},
        "series": [
            {
                "name": "纠纷类型",
                "type": "pie",
                "radius": ["35%", "65%"],
                "center": ["50%", "45%"],
                "data": data,
                "label": {"formatter": "{b}\n{d}%"},
            }
        ],
    }
    return {
        "option": option,
        "table": ChartTable(("纠纷类型", "排查", "占比", "化解", "化解率"), table),
        "height": 340,
        "note": "按排查（发现日期在本时段内）的纠纷统计各类型占比。",
    }


def page_charts(breakdowns) -> list[dict]:
    """The figures page's two charts as contexts of templates/includes/chart.html."""
    trend = trend_build_months(breakdowns.by_month)
    share = type_share_build(breakdowns.by_type)
    return [
        {
            "chart": PageChart("mediation-trend", "矛盾纠纷排查与化解（按月）"),
            "height": 300,
            **trend,
        },
        {"chart": PageChart("mediation-types", "纠纷类型占比"), **share},
    ]

"""Home-page charts: what each system draws on the region pages, and the shell that draws them.

A system contributes a ``Chart`` in its ``Contribution.charts`` (docs/adding-a-system.md): ``rows`` is
an aggregate queryset (GROUP BY month, child region, step ...) annotated with ``key``, ``label`` and up
to five integer figures ``v1`` .. ``v5``; ``build`` turns those rows into the ECharts option and the
table of figures shown beside the chart (templates/includes/chart.html, static/js/charts.js).

Each chart is cached like a panel: its HTML per region, day and version of its ``cache_topic``
(core.region_cache), so a change below the region draws it afresh. When any chart of a page has to be
computed, the rows of all of the page's charts are read in one UNION ALL statement: a page costs one
query for its charts however many systems draw one, which keeps the home pages within their budget.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import IntegerField, QuerySet, Value
from django.template.loader import render_to_string

from core import region_cache, registry

VALUE_COLUMNS = ("v1", "v2", "v3", "v4", "v5")
_COLUMNS = ("chart", "key", "label", *VALUE_COLUMNS)


@dataclass(frozen=True)
class ChartRow:
    """One group of a chart's query: its key (a month, a region prefix, a step), its label and figures."""

    key: str
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class ChartTable:
    """The figures of a chart as a table: a person reads them without the chart (and a test checks them)."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class Chart:
    """A home-page chart of the region pages of ``levels``.

    ``rows(region, today)``: an aggregate queryset with ``key`` and ``label`` (text) and the figures
    ``v1`` .. ``v5`` (integers; the ones it leaves out are 0), one row per group, no ordering.
    ``build(rows, region, today)``: {"option": the ECharts option (plain JSON, no functions), "table":
    a ChartTable, "height": the chart's height in px (optional), "note": a line under the chart}.
    """

    key: str
    title: str
    levels: tuple[str, ...]
    rows: Callable[..., QuerySet]
    build: Callable[..., dict]
    cache_topic: str
    order: int = 100


def _statement(charts: list[Chart], region, today: datetime.date) -> QuerySet:
    """The charts' row queries as one UNION ALL, each tagged with its chart's key, columns in one order."""
    parts = []
    for chart in charts:
        rows = chart.rows(region=region, today=today)
        missing = {
            name: Value(0, output_field=IntegerField())
            for name in VALUE_COLUMNS
            if name not in rows.query.annotations
        }
        parts.append(rows.annotate(chart=Value(chart.key), **missing).order_by().values_list(*_COLUMNS))
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def rows_of(charts: list[Chart], region, today: datetime.date) -> dict[str, list[ChartRow]]:
    """Every chart's rows, read in one query: {chart key: [ChartRow, ...]}."""
    found: dict[str, list[ChartRow]] = {chart.key: [] for chart in charts}
    if charts:
        for chart_key, key, label, *values in _statement(charts, region, today):
            found[chart_key].append(ChartRow(str(key), label or "", tuple(int(v or 0) for v in values)))
    return found


def chart_context(chart: Chart, rows: list[ChartRow], region, today: datetime.date) -> dict:
    built = chart.build(rows=rows, region=region, today=today)
    return {
        "chart": chart,
        "option": built["option"],
        "table": built["table"],
        "height": built.get("height", 300),
        "note": built.get("note", ""),
        "region": region,
    }


def render_for(region, today: datetime.date) -> list[tuple[Chart, str]]:
    """The region page's charts as HTML, from the cache (two round trips) or, for the ones whose topic
    changed, drawn afresh from one query for all of the page's charts."""
    charts = registry.charts_for(region.level)
    if not charts:
        return []

    @cache
    def all_rows() -> dict[str, list[ChartRow]]:
        return rows_of(charts, region, today)

    def draw(chart: Chart) -> str:
        return render_to_string(
            "includes/chart.html", chart_context(chart, all_rows()[chart.key], region, today)
        )

    html = region_cache.cached_many(
        region,
        [(c.cache_topic, f"chart:{c.key}:{today.isoformat()}", lambda c=c: draw(c)) for c in charts],
    )
    return list(zip(charts, html, strict=True))

"""The figures page of mediation (矛盾纠纷排查化解统计): a region (the user's own by default, VIEW on it; the
figures name nobody) and a period, the headline in the seeds' words, the figures by village or township,
the breakdowns and two charts; ``?format=xlsx`` downloads the same figures as the county's sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from core.formats import Rate
from core.tables import group_by_township
from mediation import figures as mf
from mediation.charts import page_charts
from mediation.models import Level
from regions.reports import report_scope
from regions.roles import Level as RegionLevel
from regions.selectors import region_breadcrumbs


@dataclass(frozen=True)
class TableColumn:
    key: str
    header: str
    rate: bool = False


# The page's table: the figures a township or county compares its villages by (the sheet has them all).
TABLE_COLUMNS = (
    TableColumn("found", "排查"),
    TableColumn("accepted", "受理"),
    TableColumn("resolved", "化解"),
    TableColumn("resolution_rate", "化解率", rate=True),
    TableColumn("mediated", "调解成功"),
    TableColumn("success_rate", "调解成功率", rate=True),
    TableColumn("open", "在调"),
    TableColumn("overdue", "超期"),
    TableColumn("escalated", "上报"),
    TableColumn("transferred_petition", "转信访"),
    TableColumn("village_rate", "村级化解率", rate=True),
    TableColumn("township_rate", "乡级以下化解率", rate=True),
    TableColumn("county_rate", "县级以下化解率", rate=True),
    TableColumn("beyond_level", "越级上访"),
    TableColumn("agreements_written", "书面协议"),
    TableColumn("agreements_oral", "口头协议"),
    TableColumn("confirmations", "司法确认"),
    TableColumn("follow_up_rate", "回访率", rate=True),
    TableColumn("performance_rate", "履行率", rate=True),
    TableColumn("petitions", "信访件数"),
    TableColumn("backlog", "积案"),
    TableColumn("grids", "网格"),
    TableColumn("grid_workers", "网格员"),
)
SUMS = tuple(c.key for c in TABLE_COLUMNS if not c.rate)
RATES = tuple(c.key for c in TABLE_COLUMNS if c.rate)
BY_CHOICES = {"village": "按村", "township": "按乡镇"}


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def quick_periods(today: dt.date) -> list[Period]:
    """The period picker's choices: this and last month, this and last quarter, year to date, last year."""
    month = _month_start(today)
    quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last_quarter = _month_start(quarter, 3)
    return [
        Period("本月", month, today),
        Period("上月", _month_start(today, 1), month - dt.timedelta(days=1)),
        Period("本季度", quarter, today),
        Period("上季度", last_quarter, quarter - dt.timedelta(days=1)),
        Period("本年（年初至今）", today.replace(month=1, day=1), today),
        Period("上年", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]


def _row(label: str, code: str, group: str, figures: mf.MediationFigures) -> dict:
    return {
        "label": label,
        "code": code,
        "group": group,
        **{key: getattr(figures, key) for key in SUMS},
        **{key: getattr(figures, key) for key in RATES},
    }


def _cells(values: dict) -> list[dict]:
    """A row's figures in the columns' order, each with its sort key and, for a rate, its fraction."""
    cells = []
    for column in TABLE_COLUMNS:
        value = values[column.key]
        if isinstance(value, Rate):
            cells.append(
                {"text": str(value), "sort": value.sort_key(), "title": f"{value.part}/{value.whole}"}
            )
        else:
            cells.append({"text": value, "sort": value, "title": ""})
    return cells


def _table(region, villages: list[mf.VillageFigures], by: str, today: dt.date):
    if by == "township":
        from mediation.exports import township_rows

        # One group: the townships themselves are the rows (a city's list them one after another).
        rows = [
            _row(name, code, region.name, figures) for name, code, figures in township_rows(villages, today)
        ]
    else:
        rows = [_row(v.name, v.code, v.township, v.figures) for v in villages]
    table = group_by_township(rows, township="group", sums=SUMS, rates=RATES)
    for group in table.groups:
        for row in group.rows:
            row["cells"] = _cells(row)
        group.cells = _cells(group.subtotal)
    table.total_cells = _cells(table.total) if rows else []
    return table


def _level_rows(total: mf.MediationFigures) -> list[tuple[str, int, int]]:
    """By level: resolved at the level, and escalated to it (a grid receives none)."""
    escalated = {
        Level.VILLAGE: total.escalated_village,
        Level.TOWNSHIP: total.escalated_township,
        Level.COUNTY: total.escalated_county,
    }
    resolved = {
        Level.GRID: total.resolved_grid,
        Level.VILLAGE: total.resolved_village,
        Level.TOWNSHIP: total.resolved_township,
        Level.COUNTY: total.resolved_county,
    }
    return [(level.label, resolved[level], escalated.get(level, 0)) for level in Level]


@login_required
def figures_page(request):
    today = timezone.localdate()
    scope = report_scope(request, today.replace(month=1, day=1))
    region = scope.region
    villages = (
        list(mf.figures_by_village(region, scope.start, scope.end, today).values()) if scope.valid else []
    )
    if scope.xlsx:
        from mediation.exports import mediation_sheet_to_xlsx
        from spreadsheets.writing import xlsx_response

        content = mediation_sheet_to_xlsx(
            villages, region=region, start=scope.start, end=scope.end, today=today
        )
        return xlsx_response(content, f"{region.name}矛盾纠纷排查化解情况.xlsx")
    above_township = region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
    by = request.GET.get("by", "")
    if by not in BY_CHOICES:
        by = "township" if above_township else "village"
    # A person with grid posts in two villages is one grid worker of the region (the sum counts two).
    total = replace(
        mf.sum_figures((v.figures for v in villages), today),
        grid_workers=mf.network_total(region)["grid_workers"],
    )
    breakdowns = mf.breakdowns(region, scope.start, scope.end) if scope.valid else None
    return render(
        request,
        "mediation/figures/page.html",
        {
            "scope": scope,
            "region": region,
            "start": scope.start,
            "end": scope.end,
            "today": today,
            "periods": quick_periods(today),
            "by": by,
            "by_choices": BY_CHOICES,
            "columns": TABLE_COLUMNS,
            "table": _table(region, villages, by, today),
            "total": total,
            "breakdowns": breakdowns,
            "levels": _level_rows(total),
            "charts": page_charts(breakdowns) if breakdowns else [],
            "breadcrumbs": region_breadcrumbs(user=request.user, region=region),
        },
    )


urlpatterns = [path("figures/", figures_page, name="figures")]

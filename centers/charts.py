"""Home-page charts of the service center system (registered in apps.py; see core.charts): requests
(代办) and their on-time rate by month of acceptance, and this month's duty attendance by child region.

The ``*_rows`` functions are the charts' selectors: one aggregate query each, run by the shell together
with the page's other charts.
"""

from __future__ import annotations

import datetime

from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import Substr

from centers.models import DutyShift, ProxyRequest
from core.charts import ChartRow, ChartTable
from core.formats import Rate
from regions.models import Region
from regions.roles import LEVEL_DEPTH, PREFIX_LENGTH, Level
from regions.selectors import CHILD_LEVEL

MONTHS = 12

ONTIME_NOTE = (
    "按受理月份统计，均按受理时的原承诺办结日期计算。按时办结率 = 按时办结 ÷（已办结 + 超期未办结）："
    "超过原承诺日期仍未办结的代办计为超期；经乡镇批准延期、在延期日期前办结的计为延期办结，不计入按时办结。"
)


def months_back(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last ``months`` months, the current one last."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


class _YearMonth(Func):
    """A date's month as text, '2026-09' (spelled out rather than cast, which would follow DateStyle)."""

    function = "to_char"
    template = "to_char(%(expressions)s, 'YYYY-MM')"
    output_field = CharField()


def requests_by_month_rows(*, region: Region, today: datetime.date) -> QuerySet:
    """Requests accepted below ``region`` in the last twelve months, by month of acceptance: v1 accepted,
    v2 done (办结 or 回复), v3 done by the original promise, v4 still open past the original promise (late
    by the on-time rule, DOMAIN_RULES C.10), v5 done after it but by an approved extension (延期办结). The
    conditions are ProxyRequest's (as centers.selectors.proxy_request_figures uses them). One grouped query."""
    return (
        ProxyRequest.objects.within(region)
        .filter(accepted_on__range=(months_back(today)[0], today))
        .annotate(key=_YearMonth("accepted_on"), label=Value(""))
        .values("key", "label")
        .annotate(
            v1=Count("pk"),
            v2=Count("pk", filter=ProxyRequest.done_q()),
            v3=Count("pk", filter=ProxyRequest.on_time_q()),
            v4=Count("pk", filter=ProxyRequest.overdue_open_q(today)),
            v5=Count("pk", filter=ProxyRequest.extended_q()),
        )
    )


def requests_by_month_build(*, rows: list[ChartRow], region: Region, today: datetime.date) -> dict:
    by_month = {row.key: row.values for row in rows}
    months, accepted, rates, table = [], [], [], []
    firsts = months_back(today)
    for first in firsts:
        received, done, on_time, overdue, extended = by_month.get(first.isoformat()[:7], (0, 0, 0, 0, 0))
        # The year on the axis where it starts and where it turns.
        months.append(
            f"{first.year}年{first.month}月" if first.month == 1 or first == firsts[0] else f"{first.month}月"
        )
        accepted.append(received)
        rate = Rate(on_time, done + overdue)
        rates.append(None if rate.rounded is None else float(rate.rounded))
        table.append(
            (
                f"{first.year}年{first.month}月",
                received,
                done,
                overdue,
                on_time,
                extended,
                f"{rate}（{on_time}/{done + overdue}）" if done + overdue else str(rate),
            )
        )
    base = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["受理", "按时办结率"], "top": 0},
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months, "axisLabel": {"hideOverlap": True}},
        "yAxis": [
            {"type": "value", "name": "件", "minInterval": 1},
            {"type": "value", "name": "%", "min": 0, "max": 100, "splitLine": {"show": False}},
        ],
        "series": [
            {"name": "受理", "type": "bar", "data": accepted, "itemStyle": {"color": "#c8161d"}},
            {
                "name": "按时办结率",
                "type": "line",
                "yAxisIndex": 1,
                "data": rates,
                "connectNulls": False,
                "itemStyle": {"color": "#1f6f43"},
            },
        ],
    }
    # On a phone every month still gets its label, turned aside (and room on the left for the first);
    # the item without a query puts the wide layout back when the window grows again.
    narrow = {"grid": {"left": 24}, "xAxis": {"axisLabel": {"interval": 0, "rotate": 45, "fontSize": 11}}}
    wide = {"grid": {"left": 8}, "xAxis": {"axisLabel": {"interval": "auto", "rotate": 0, "fontSize": 12}}}
    option = {
        "baseOption": base,
        "media": [{"query": {"maxWidth": 500}, "option": narrow}, {"option": wide}],
    }
    return {
        "option": option,
        "table": ChartTable(
            ("月份", "受理", "已办结", "超期未办结", "按时办结", "延期办结", "按时办结率"), tuple(table)
        ),
        "note": ONTIME_NOTE,
    }


def _child_grouping(region: Region) -> tuple[int, str]:
    """The prefix length of the region's child level and the path from a shift's village to that child's
    name (the village itself below a township, its township below a county ...)."""
    child_level = CHILD_LEVEL[region.level]
    hops = LEVEL_DEPTH[Level.VILLAGE] - LEVEL_DEPTH[child_level]
    return PREFIX_LENGTH[child_level], "village" + "__parent" * hops + "__name"


def attendance_by_child_rows(*, region: Region, today: datetime.date) -> QuerySet:
    """This month's duty shifts up to today below ``region``, by child region (village below a township,
    township below a county): v1 due, v2 attended (on time or late), v3 late, v4 absent. One query."""
    Attendance = DutyShift.Attendance
    length, name_path = _child_grouping(region)
    return (
        DutyShift.objects.within(region)
        .filter(date__range=(today.replace(day=1), today))
        .annotate(key=Substr("village__prefix", 1, length), label=F(name_path))
        .values("key", "label")
        .annotate(
            v1=Count("pk"),
            v2=Count("pk", filter=Q(attendance__in=(Attendance.ON_TIME, Attendance.LATE))),
            v3=Count("pk", filter=Q(attendance=Attendance.LATE)),
            v4=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        )
    )


def attendance_by_child_build(*, rows: list[ChartRow], region: Region, today: datetime.date) -> dict:
    rows = sorted(rows, key=lambda row: row.key)
    child_label = Level(CHILD_LEVEL[region.level]).label
    names = [row.label for row in rows]
    on_time, late, absent, pending = [], [], [], []
    table = []
    for row in rows:
        due, attended, late_count, absent_count, *_ = row.values
        on_time.append(attended - late_count)
        late.append(late_count)
        absent.append(absent_count)
        pending.append(due - attended - absent_count)
        table.append((row.label, due, attended, late_count, absent_count, str(Rate(attended, due))))
    stack = {"type": "bar", "stack": "shifts", "barMaxWidth": 22}
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": ["正常", "迟到", "缺勤", "待签到"], "top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        # Names down the side: a township has dozens of villages and a phone is narrow.
        "yAxis": {
            "type": "category",
            "data": names,
            "inverse": True,
            "axisLabel": {"width": 84, "overflow": "truncate"},
        },
        "xAxis": {"type": "value", "minInterval": 1},
        "series": [
            {**stack, "name": "正常", "data": on_time, "itemStyle": {"color": "#1f6f43"}},
            {**stack, "name": "迟到", "data": late, "itemStyle": {"color": "#e0a000"}},
            {**stack, "name": "缺勤", "data": absent, "itemStyle": {"color": "#c8161d"}},
            {**stack, "name": "待签到", "data": pending, "itemStyle": {"color": "#adb5bd"}},
        ],
    }
    return {
        "option": option,
        "table": ChartTable((child_label, "应值班", "出勤", "迟到", "缺勤", "出勤率"), tuple(table)),
        "height": max(200, 30 * len(rows) + 90),
        "note": f"{today.year}年{today.month}月1日至今天；本月未排班的{child_label}不列出。",
    }

"""The county's mediation sheet (DOMAIN_RULES B.4 矛盾调解): one sheet with a row per township and the total,
one with a row per village (its township beside it, a 小计 per township and the total), the same figures as
the figures page (mediation.figures), laid out by the shared writer (spreadsheets.sheets), cells
formula-escaped there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import groupby

from openpyxl import Workbook

from core.formats import zh_date
from mediation.figures import MediationFigures, VillageFigures, sum_figures
from regions.models import Region
from spreadsheets.sheets import INT, RATE, TEXT, Column, SheetSpec, period_text, sheet_write
from spreadsheets.writing import workbook_bytes

TOWNSHIP = "乡镇（街道）"
REPORT = "矛盾纠纷排查化解情况"


def _n(header: str, value: Callable[[MediationFigures], int]) -> tuple[Column, Callable]:
    return Column(header, INT, total=True), value


def _rate(header: str, part: str, whole: str, value: Callable) -> tuple[Column, Callable]:
    return Column(header, RATE, ratio=(part, whole)), lambda f: value(f).fraction


# The B.4 矛盾调解 columns, each with the figure it shows. A rate's part and whole are columns of their own,
# so the shared writer computes each subtotal's rate from the summed integers.
FIGURE_COLUMNS: tuple[tuple[Column, Callable[[MediationFigures], object]], ...] = (
    _n("排查", lambda f: f.found),
    _n("受理", lambda f: f.accepted),
    _n("化解", lambda f: f.resolved),
    _rate("化解率", "化解", "排查", lambda f: f.resolution_rate),
    _n("调解成功", lambda f: f.mediated),
    _n("调解不成", lambda f: f.failed),
    _n("终止调解", lambda f: f.terminated),
    _n("调解结案", lambda f: f.concluded),
    _rate("调解成功率", "调解成功", "调解结案", lambda f: f.success_rate),
    _n("在调", lambda f: f.open),
    _n("超期", lambda f: f.overdue),
    _n("其中受理超期", lambda f: f.overdue_accept),
    _n("其中调解超期", lambda f: f.overdue_mediation),
    _n("网格化解", lambda f: f.resolved_grid),
    _n("村级化解", lambda f: f.resolved_village),
    _n("乡级化解", lambda f: f.resolved_township),
    _n("县级化解", lambda f: f.resolved_county),
    _n("化解在村（含网格）", lambda f: f.resolved_in_village),
    _n("化解在乡及以下", lambda f: f.resolved_to_township),
    _n("化解在县及以下", lambda f: f.resolved_to_county),
    _rate("村级化解率", "化解在村（含网格）", "化解", lambda f: f.village_rate),
    _rate("乡级以下化解率", "化解在乡及以下", "化解", lambda f: f.township_rate),
    _rate("县级以下化解率", "化解在县及以下", "化解", lambda f: f.county_rate),
    _n("上报至村", lambda f: f.escalated_village),
    _n("上报至乡", lambda f: f.escalated_township),
    _n("上报至县", lambda f: f.escalated_county),
    _n("上报合计", lambda f: f.escalated),
    _n("转信访", lambda f: f.transferred_petition),
    _n("越级上访", lambda f: f.beyond_level),
    _n("书面协议", lambda f: f.agreements_written),
    _n("口头协议", lambda f: f.agreements_oral),
    _n("申请司法确认", lambda f: f.confirmations),
    _n("确认有效", lambda f: f.confirmations_valid),
    _n("逾期申请确认", lambda f: f.confirmations_late),
    _n("应回访", lambda f: f.follow_ups_due),
    _n("按期回访", lambda f: f.follow_ups_on_time),
    _rate("回访率", "按期回访", "应回访", lambda f: f.follow_up_rate),
    _n("已回访协议", lambda f: f.followed_up),
    _n("已履行", lambda f: f.performed),
    _rate("履行率", "已履行", "已回访协议", lambda f: f.performance_rate),
    _n("信访件数", lambda f: f.petitions),
    _n("去年同期信访件数", lambda f: f.petitions_last_year),
    # A change, not a share: no subtotal (the 信访 columns beside it carry the sums).
    (
        Column("信访同比", RATE),
        lambda f: None if f.petition_change is None else float(f.petition_change) / 100,
    ),
    _n("积案", lambda f: f.backlog),
    _n("积案化解", lambda f: f.backlog_resolved),
    (Column("最久未结信访（天）", INT), lambda f: f.oldest_petition_days),
    _n("网格", lambda f: f.grids),
    _n("网格员", lambda f: f.grid_workers),
    _n("村数", lambda f: f.villages),
    _n("有调委会的村", lambda f: f.villages_with_committee),
    _rate("调委会覆盖率", "有调委会的村", "村数", lambda f: f.committee_coverage),
)
FIGURE_HEADERS = tuple(column.header for column, _value in FIGURE_COLUMNS)

TOWNSHIPS = SheetSpec(
    "按乡镇",
    f"{REPORT}（按乡镇）",
    (Column(TOWNSHIP), Column("区划代码", TEXT), *(column for column, _value in FIGURE_COLUMNS)),
    total=True,
)
VILLAGES = SheetSpec(
    "按村",
    f"{REPORT}（按村）",
    (
        Column(TOWNSHIP),
        Column("村（社区）"),
        Column("区划代码", TEXT),
        *(column for column, _value in FIGURE_COLUMNS),
    ),
    total=True,
    township=TOWNSHIP,
)


def _values(figures: MediationFigures) -> list:
    return [value(figures) for _column, value in FIGURE_COLUMNS]


def township_rows(
    villages: Iterable[VillageFigures], today: dt.date
) -> list[tuple[str, str, MediationFigures]]:
    """[(township name, township code, its figures)] summed from its villages, in division-code order."""
    ordered = sorted(villages, key=lambda v: v.code)
    return [
        (members[0].township, members[0].township_code, sum_figures((v.figures for v in members), today))
        for members in (list(group) for _code, group in groupby(ordered, key=lambda v: v.township_code))
    ]


def mediation_sheet_write(
    workbook, villages: list[VillageFigures], *, region: Region, start: dt.date, end: dt.date, today: dt.date
) -> None:
    period = period_text(start, end, zh_date)
    sheet_write(
        workbook,
        TOWNSHIPS,
        ((name, code, *_values(figures)) for name, code, figures in township_rows(villages, today)),
        region=region.name,
        period=period,
    )
    sheet_write(
        workbook,
        VILLAGES,
        ((v.township, v.name, v.code, *_values(v.figures)) for v in sorted(villages, key=lambda v: v.code)),
        region=region.name,
        period=period,
    )


def mediation_sheet_to_xlsx(
    villages: list[VillageFigures], *, region: Region, start: dt.date, end: dt.date, today: dt.date
) -> bytes:
    workbook = Workbook(write_only=True)
    mediation_sheet_write(workbook, villages, region=region, start=start, end=end, today=today)
    return workbook_bytes(workbook)

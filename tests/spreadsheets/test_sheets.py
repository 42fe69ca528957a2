"""The layout every export shares (spreadsheets.sheets), read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook

from spreadsheets.reading import table_rows
from spreadsheets.sheets import DATE, INT, MONEY, RATE, Column, SheetSpec, sheet_write
from spreadsheets.writing import workbook_bytes
from tests.spreadsheets.layout import assert_layout, book_of, formats_of

SPEC = SheetSpec(
    "出勤",
    "坐班出勤",
    (
        Column("乡镇（街道）"),
        Column("村（社区）"),
        Column("日期", DATE),
        Column("应值班", INT, total=True),
        Column("已出勤", INT, total=True),
        Column("补助（元）", MONEY, total=True),
        Column("出勤率", RATE, ratio=("已出勤", "应值班")),
    ),
    total=True,
    township="乡镇（街道）",
)
HEADER = tuple(c.header for c in SPEC.columns)
DAY = dt.date(2026, 11, 2)


def written(spec: SheetSpec, rows, **title) -> bytes:
    workbook = Workbook(write_only=True)
    sheet_write(workbook, spec, rows, **title)
    return workbook_bytes(workbook)


def test_a_county_sheet_names_each_township_and_sums_it():
    """许楼村 is in two townships: each row says which, each township has its 小计, the county its 合计."""
    rows = [
        ("城关镇", "许楼村", DAY, 10, 9, Decimal("120.50"), 0.9),
        ("城关镇", "白马村", DAY, 10, 10, Decimal("1000"), 1.0),
        ("石桥乡", "许楼村", DAY, 5, 2, None, 0.4),
        ("石桥乡", "李庄村", DAY, 0, 0, Decimal("3"), None),
    ]
    content = written(SPEC, rows, region="临颍县", period="2026年11月2日至2026年11月6日")
    sheet = book_of(content).active
    body = assert_layout(
        sheet, title="临颍县坐班出勤（2026年11月2日至2026年11月6日）", header=HEADER, total=True
    )
    assert [r[:2] for r in body] == [
        ("城关镇", "许楼村"),
        ("城关镇", "白马村"),
        ("城关镇", "小计"),
        ("石桥乡", "许楼村"),
        ("石桥乡", "李庄村"),
        ("石桥乡", "小计"),
        ("合计", None),
    ]
    # Subtotal rates are the ratio of the sums, not a sum of rates; 0 due shows no rate.
    assert body[2][3:] == (20, 19, 1120.5, 0.95)
    assert body[5][3:] == (5, 2, 3, 0.4)
    assert body[6][3:] == (25, 21, 1123.5, 0.84)
    assert body[3][5] is None and body[4][6] is None
    # Dates are dates, amounts and rates numbers, each with the portal's format.
    assert isinstance(sheet["C3"].value, dt.datetime) and sheet["C3"].is_date
    assert formats_of(sheet, 3)[2:] == ["yyyy-mm-dd", "General", "General", "#,##0.00", "0.0%"]
    assert formats_of(sheet, 5)[3:] == ["General", "General", "#,##0.00", "0.0%"]
    assert all(sheet.cell(5, n).font.b for n in (1, 2, 4, 5, 6, 7)) and not sheet["A3"].font.b
    assert sheet.auto_filter.ref == "A2:G8"  # the subtotals filter with their township; the total stays


def test_texts_that_excel_would_run_are_escaped_and_widths_fit_them():
    spec = SheetSpec("表", "名单", (Column("姓名"), Column("说明")))
    long_note = "很长的说明" * 4
    sheet = book_of(written(spec, [("=1+1", long_note), ("@x", "-2")])).active
    body = assert_layout(sheet, title="名单", header=("姓名", "说明"), total=False)
    assert body == [("'=1+1", long_note), ("'@x", "'-2")]
    assert sheet.column_dimensions["B"].width == 42  # 20 Chinese characters and a margin


def test_a_sheet_with_no_rows_keeps_its_title_header_and_a_zero_total():
    spec = SheetSpec("登记", "代办登记簿", (Column("编号"), Column("用时", INT, total=True)), True, "件")
    sheet = book_of(written(spec, [], region="安乐镇")).active
    body = assert_layout(sheet, title="安乐镇代办登记簿", header=("编号", "用时"), total=True)
    assert body == [("合计（0件）", 0)]


def test_an_amount_written_as_text_shows_as_written_and_adds_nothing():
    spec = SheetSpec("事项", "事项", (Column("名称"), Column("金额", MONEY, total=True)), total=True)
    sheet = book_of(written(spec, [("甲", Decimal("10")), ("乙", "约五千")])).active
    assert list(sheet.values)[2:] == [("甲", 10), ("乙", "约五千"), ("合计", 10)]


@pytest.mark.parametrize("title", [True, False])
def test_an_export_reads_back_as_an_import(title):
    """A file with the exports' title row imports like one without: the header is the row under it."""
    spec = SheetSpec("表", "服务事项清单", (Column("事项名称"), Column("承诺时限", INT)))
    content = written(spec, [("低保申请", 5)], region="临颍县")
    if not title:
        workbook = Workbook()
        workbook.active.append(("事项名称", "承诺时限"))
        workbook.active.append(("低保申请", 5))
        content = workbook_bytes(workbook)
    rows = table_rows(content, "x.xlsx")
    assert [(r.number, r.cells) for r in rows] == [(3 if title else 2, ("低保申请", "5"))]

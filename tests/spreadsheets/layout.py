"""Reading an export back with openpyxl and checking the layout every export shares."""

from __future__ import annotations

import io
import unicodedata

from openpyxl import load_workbook


def book_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def text_width(value) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def assert_layout(sheet, *, title: str, header: tuple, total: bool) -> list[tuple]:
    """Title row, bold frozen header with an autofilter down to the row above the total, widths that fit
    the header and every text cell; returns the rows below the header (total row included)."""
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == title and sheet["A1"].font.b
    assert [str(r) for r in sheet.merged_cells.ranges] == [f"A1:{sheet.cell(2, len(header)).column_letter}1"]
    assert rows[1] == header
    assert all(sheet.cell(2, n).font.b for n in range(1, len(header) + 1))
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$1:$2"
    last_column = sheet.cell(2, len(header)).column_letter
    assert sheet.auto_filter.ref == f"A2:{last_column}{len(rows) - (1 if total else 0)}"
    for n, name in enumerate(header, start=1):
        width = sheet.column_dimensions[sheet.cell(2, n).column_letter].width
        assert width >= text_width(name) + 2, name
        texts = [r[n - 1] for r in rows[2:] if isinstance(r[n - 1], str)]
        assert all(width >= min(50, text_width(t)) for t in texts), name
    if total:
        assert str(rows[-1][0]).startswith("合计") and sheet.cell(len(rows), 1).font.b
    return rows[2:]


def formats_of(sheet, row: int) -> list[str]:
    return [sheet.cell(row, n).number_format for n in range(1, sheet.max_column + 1)]

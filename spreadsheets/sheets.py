"""The one layout of every Excel export, declared as a sheet spec and streamed to a write-only sheet.

A sheet has a title row naming the report, the region and the period; a bold header frozen below it with
an autofilter; column widths fitted to the header and the first rows; dates, amounts and rates as numbers
with number formats; township subtotal rows and a total row where the sheet sums. An export declares its
columns (a ``SheetSpec``) and hands rows of plain values, in the columns' order, to ``sheet_write``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.cell.cell import TIME_FORMATS, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from spreadsheets.writing import safe_cell, safe_row

TEXT, INT, MONEY, RATE, DATE, DATETIME = "text", "int", "money", "rate", "date", "datetime"

# The portal's one format per kind in Excel (pages write 2026年11月02日; Excel keeps real dates and numbers).
# Whole numbers keep Excel's General format, which shows them as they are.
NUMBER_FORMATS = {
    MONEY: "#,##0.00",
    RATE: "0.0%",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
DATE_TYPES = {DATE: dt.date, DATETIME: dt.datetime}
# Widths in Excel's character units: a Chinese character takes two.
MIN_WIDTH, MAX_WIDTH = 6, 50
FIT_ROWS = 500  # rows looked at to fit the widths before the sheet starts streaming
PROGRESS_EVERY = 5000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    """One column: its header, what its values are, and how it adds up.

    ``total``: summed in the subtotal and total rows. ``ratio``: a rate column's (part, whole) headers,
    so its subtotals are the sums' ratio rather than a sum of rates. ``width``: fixed, else fitted."""

    header: str
    kind: str = TEXT
    width: float | None = None
    total: bool = False
    ratio: tuple[str, str] | None = None


@dataclass(frozen=True)
class SheetSpec:
    """A sheet's declaration. ``total``: a 合计 row ends the sheet (``count_unit`` adds the row count, as in
    "合计 12件"). ``township``: the township column's header; rows come grouped by it (ordered by division
    code) and each township gets a 小计 row, labelled in the column after it."""

    name: str
    report: str
    columns: tuple[Column, ...]
    total: bool = False
    count_unit: str = ""
    township: str | None = None


def sheet_title(report: str, region: str = "", period: str = "") -> str:
    """临颍县坐班出勤（2026年11月16日至2026年11月20日）."""
    return f"{region}{report}" + (f"（{period}）" if period else "")


def _display_width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATE:
        return 10
    if kind == DATETIME:
        return 16
    if kind == MONEY and isinstance(value, int | float | Decimal):
        return len(f"{value:,.2f}")
    if kind == RATE and isinstance(value, int | float | Decimal):
        return len(f"{value:.1%}")
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _fitted_widths(spec: SheetSpec, sample: list[Sequence]) -> list[float]:
    widths = []
    for index, column in enumerate(spec.columns):
        if column.width is not None:
            widths.append(column.width)
            continue
        # The header's filter button takes about two characters.
        longest = _display_width(column.header, TEXT) + 2
        for row in sample:
            longest = max(longest, _display_width(row[index], column.kind))
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    if spec.total and spec.columns[0].width is None:
        # The first column also carries the total's label, whose count is known only at the end.
        digits = "0" * (len(str(len(sample))) if len(sample) < FIT_ROWS else 7)
        widths[0] = max(widths[0], _display_width(_total_label(spec, digits), TEXT) + 2)
    return widths


def _total_label(spec: SheetSpec, count) -> str:
    return f"合计（{count}{spec.count_unit}）" if spec.count_unit else "合计"


class _Styles:
    """One style array per (column, row kind), made once: each cell copies its array rather than looking
    up fonts and formats again (a 100,000-row export makes millions of cells)."""

    def __init__(self, sheet, spec: SheetSpec):
        def array(*, number_format=None, font=None, fill=None, alignment=None):
            cell = Cell(sheet)
            if number_format:
                cell.number_format = number_format
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if alignment:
                cell.alignment = alignment
            return cell._style

        bold = Font(bold=True)
        formats = [NUMBER_FORMATS.get(c.kind) for c in spec.columns]
        self.title = array(font=Font(bold=True, size=14))
        self.header = array(
            font=bold, fill=HEADER_FILL, alignment=Alignment(horizontal="center", vertical="center")
        )
        # A plain date already takes openpyxl's default yyyy-mm-dd: date columns stay on the cheap path.
        self.data = [
            array(number_format=f) if f and f != TIME_FORMATS.get(DATE_TYPES.get(c.kind)) else None
            for c, f in zip(spec.columns, formats, strict=True)
        ]
        self.total = [array(number_format=f, font=bold) for f in formats]
        if not any(self.data):
            self.data = None


def _cell(sheet, value, style) -> Cell:
    # A write-only sheet takes a styled cell after failing to copy it as a value; that failure's message
    # names the cell's position, so it needs one (the sheet sets the real one).
    return Cell(sheet, row=1, column=1, value=value, style_array=style)


def _cells(sheet, values: Sequence, styles: Sequence | None) -> list:
    """Values as cells: styled where the column has a format, plain otherwise (the cheap path); ``None``
    when no column has a style (a register of text, numbers and dates)."""
    if styles is None:
        return safe_row(values)
    row = []
    for value, style in zip(values, styles, strict=True):
        if isinstance(value, str):
            value = safe_cell(value)
        if value is None or style is None:
            row.append(value)
        else:
            row.append(_cell(sheet, value, style))
    return row


class _Sums:
    """Running sums of the summed columns and of the parts and wholes of rates."""

    def __init__(self, spec: SheetSpec):
        headers = [c.header for c in spec.columns]
        self.summed = [i for i, c in enumerate(spec.columns) if c.total]
        self.rates = [
            (i, headers.index(c.ratio[0]), headers.index(c.ratio[1]))
            for i, c in enumerate(spec.columns)
            if c.ratio
        ]
        self.needed = sorted({*self.summed, *(j for _, p, w in self.rates for j in (p, w))})
        self.reset()

    def reset(self) -> None:
        self.sums = dict.fromkeys(self.needed, 0)

    def add(self, values: Sequence) -> None:
        for i in self.needed:
            # A value that is not a number (an amount written as text) shows as it is and adds nothing.
            if isinstance(values[i], int | float | Decimal):
                self.sums[i] += values[i]

    def row(self, width: int, labels: dict[int, str]) -> list:
        values: list = [None] * width
        for i in self.summed:
            values[i] = self.sums[i]
        for i, part, whole in self.rates:
            values[i] = self.sums[part] / self.sums[whole] if self.sums[whole] else None
        for i, label in labels.items():
            values[i] = label
        return values


def sheet_write(
    workbook,
    spec: SheetSpec,
    rows: Iterable[Sequence],
    *,
    region: str = "",
    period: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Streams ``rows`` (plain values in the columns' order) into a new sheet of the write-only ``workbook``
    under the spec's title and header, with subtotal and total rows; returns the number of data rows."""
    sheet = workbook.create_sheet(spec.name)
    width = len(spec.columns)
    last_column = get_column_letter(width)
    rows = iter(rows)
    sample = list(itertools.islice(rows, FIT_ROWS))
    # Widths and the frozen pane are written before the first row: a write-only sheet cannot go back.
    for index, fitted in enumerate(_fitted_widths(spec, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = fitted
    sheet.freeze_panes = "A3"
    sheet.merged_cells.add(f"A1:{last_column}1")
    # Printed for a meeting: landscape, all columns on the page's width, the header on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:2"
    styles = _Styles(sheet, spec)
    sheet.append([_cell(sheet, sheet_title(spec.report, region, period), styles.title)])
    sheet.append([_cell(sheet, c.header, styles.header) for c in spec.columns])

    headers = [c.header for c in spec.columns]
    township = headers.index(spec.township) if spec.township else None
    total, group = _Sums(spec), _Sums(spec)
    written = count = 0  # rows below the header (subtotals included), data rows

    def subtotal() -> None:
        nonlocal written
        labels = {township: current, township + 1: "小计"}
        sheet.append(_cells(sheet, group.row(width, labels), styles.total))
        written += 1

    current = None
    for values in itertools.chain(sample, rows):
        if township is not None and (not count or values[township] != current):
            if count:
                subtotal()
            current = values[township]
            group.reset()
        sheet.append(_cells(sheet, values, styles.data))
        total.add(values)
        group.add(values)
        count += 1
        written += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if township is not None and count:
        subtotal()
    # The filter covers the header and every row above the total, so filtering by township keeps its 小计.
    sheet.auto_filter.ref = f"A2:{last_column}{2 + written}"
    if spec.total:
        sheet.append(_cells(sheet, total.row(width, {0: _total_label(spec, count)}), styles.total))
    return count


def period_text(start: dt.date | None, end: dt.date | None, zh_date: Callable[[dt.date], str]) -> str:
    """A period as the portal writes it, in the date format it is given (core.formats.zh_date)."""
    if start and end:
        return f"{zh_date(start)}至{zh_date(end)}"
    return zh_date(start or end) if (start or end) else ""

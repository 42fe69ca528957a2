"""Reading uploaded tables (CSV in UTF-8 or GBK, or XLSX) into rows of text, for all-or-nothing imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

NOT_A_TABLE = "文件不是CSV或XLSX格式，或无法识别其编码（CSV请使用UTF-8或GBK编码）。"
EMPTY_TABLE = "文件中没有数据行（第一行应为表头）。"
MAX_ROWS = 200_000
TOO_MANY_ROWS = "文件超过{n}行，请分成几个文件导入。"


class TableReadError(ValueError):
    """The file as a whole cannot be read as a table: one clear message, nothing imported."""


@dataclass(frozen=True)
class Row:
    number: int  # the row number a user sees in Excel: the header is row 1
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableReadError(NOT_A_TABLE) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:4096]:
        raise TableReadError(NOT_A_TABLE)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableReadError(NOT_A_TABLE)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def table_rows(data: bytes, filename: str = "") -> list[Row]:
    """All data rows (the header, and a title row above it, skipped), blank rows dropped, each with its
    spreadsheet row number."""
    is_zip = data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))
    lowered = filename.lower()
    if lowered.endswith((".xls",)) or (lowered and not lowered.endswith((".csv", ".xlsx", ".txt"))):
        raise TableReadError(NOT_A_TABLE)
    raw = _xlsx_rows(data) if is_zip else _csv_rows(data)
    rows = []
    header = 1
    for number, values in enumerate(raw, start=1):
        if number > MAX_ROWS + header:
            raise TableReadError(TOO_MANY_ROWS.format(n=MAX_ROWS))
        cells = tuple(_text(v) for v in values)
        if number == 1 and sum(1 for c in cells if c) == 1:
            header = 2  # an export's title row (one cell) above the header: the file reads back as it was
        if number <= header or not any(cells):
            continue
        rows.append(Row(number=number, cells=cells))
    if not rows:
        raise TableReadError(EMPTY_TABLE)
    return rows

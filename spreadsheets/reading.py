"""Reading uploaded tables (CSV in UTF-8 or GBK, or XLSX) into rows of text, for all-or-nothing imports.

Reading is bounded whatever the file says: an XLSX is a zip archive whose declared sizes, dimension and row
numbers are chosen by whoever made it, so before openpyxl touches it the archive's directory is checked (total
unpacked size, compression ratio, member and sheet counts, the size of each part), every XML part openpyxl
will parse is scanned for nesting depth and DTDs, and the rows are read with the import's own column and row
limits instead of the sheet's declared dimension. Every refusal is one clear message; nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

NOT_A_TABLE = "文件不是CSV或XLSX格式，或无法识别其编码（CSV请使用UTF-8或GBK编码）。"
EMPTY_TABLE = "文件中没有数据行（第一行应为表头）。"
MAX_ROWS = 200_000
MAX_COLUMNS = 50
TOO_MANY_ROWS = "文件超过{n}行上限，请分批导入。"
TOO_LARGE_UNPACKED = "文件解压后超过{mb}MB，请分批导入。"
PART_TOO_LARGE = "文件中的{part}解压后超过{mb}MB，请分批导入。"
ODD_COMPRESSION = "文件中有压缩比异常的内容，不是正常的表格文件，未导入。"
TOO_MANY_SHEETS = "文件中的工作表过多（最多{n}个），请只保留要导入的工作表后再上传。"
TOO_MANY_PARTS = "文件包含的部件过多（最多{n}个），不是正常的表格文件，未导入。"
ODD_STRUCTURE = "文件结构异常（嵌套过深或含有DTD声明），不是正常的表格文件，未导入。"
BAD_CELL = "第{n}行有无法读取的单元格（如类型与内容不符的公式），请在Excel中检查该行并另存后再导入。"
DAMAGED = "文件已损坏或不完整（压缩包校验失败），请在Excel中重新保存后再上传。"
FIELD_TOO_LONG = "文件第{n}行有超长的内容，请检查文件。"

# Limits of the archive, far above any real import (a 100,000-row division table is about 8 MB unpacked).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024
MAX_OTHER_PART_BYTES = 10 * 1024 * 1024  # workbook, styles, theme, relationships...
MAX_RATIO = 100  # deflate reaches 10-30:1 on real sheets; a bomb reaches 1000:1
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts (a theme, a tiny sheet) may compress better: no harm there
MAX_MEMBERS = 200
MAX_SHEETS = 20
MAX_XML_DEPTH = 64  # real parts nest under 15 deep; ElementTree keeps a whole row's subtree in memory

CSV_FIELD_LIMIT = 1024 * 1024


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


# -- the archive ----------------------------------------------------------------------------------------


class _OddXml(Exception):
    pass


class _Enough(Exception):
    """The worksheet's rows past what the reader will take: the rest is never parsed."""


def _xml_scan(stream, *, stop_after_rows: int | None = None) -> None:
    """Streams one XML part through expat (no tree is built): refuses DTDs (entity expansion) and nesting
    deeper than MAX_XML_DEPTH. A worksheet is scanned only as far as the rows the reader will take."""
    parser = expat.ParserCreate()
    depth = rows = 0

    def start(name: str, attrs) -> None:
        nonlocal depth, rows
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _OddXml
        if stop_after_rows is not None and depth == 3 and name.rpartition(":")[2] == "row":
            rows += 1
            if rows > stop_after_rows:
                raise _Enough

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*args) -> None:
        raise _OddXml

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    try:
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Enough:
        return
    except (_OddXml, expat.ExpatError) as exc:
        raise TableReadError(ODD_STRUCTURE) from exc


def _archive_open(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo], list[zipfile.ZipInfo]]:
    """Opens the zip and refuses one whose directory declares more than any real import holds. The sizes
    checked are the central directory's, which zipfile enforces while reading (a member that unpacks to more
    than it declares is cut there and fails its CRC), so a lying header cannot get past them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableReadError(NOT_A_TABLE) from exc
    if len(members) > MAX_MEMBERS:
        raise TableReadError(TOO_MANY_PARTS.format(n=MAX_MEMBERS))
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        raise TableReadError(TOO_MANY_SHEETS.format(n=MAX_SHEETS))
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise TableReadError(TOO_LARGE_UNPACKED.format(mb=MAX_UNPACKED_BYTES // (1024 * 1024)))
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise TableReadError(ODD_COMPRESSION)
        if member.filename == "xl/sharedStrings.xml" and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise TableReadError(
                PART_TOO_LARGE.format(part="共享字符串表", mb=MAX_SHARED_STRINGS_BYTES // (1024 * 1024))
            )
        if member not in sheets and member.file_size > MAX_OTHER_PART_BYTES:
            raise TableReadError(PART_TOO_LARGE.format(part="部件", mb=MAX_OTHER_PART_BYTES // (1024 * 1024)))
    return archive, members, sheets


def _archive_check(data: bytes, *, max_rows: int) -> None:
    """The directory's limits, then every XML part openpyxl may parse streamed through expat."""
    archive, members, sheets = _archive_open(data)
    try:
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as stream:
                # The reader takes the header, a title row above it and one row past the limit.
                _xml_scan(stream, stop_after_rows=max_rows + 3 if member in sheets else None)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:  # bad CRC, encrypted, truncated
        # A part longer than its declared size ends here too: zipfile stops at that size and the CRC fails.
        raise TableReadError(DAMAGED) from exc


def _xlsx_rows(data: bytes, *, max_rows: int, max_columns: int) -> Iterator[tuple]:
    from openpyxl import load_workbook

    _archive_check(data, max_rows=max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableReadError(NOT_A_TABLE) from exc
    # The declared <dimension> is the file's word, not a fact: read with the import's own bounds instead.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=1, max_row=max_rows + 3, max_col=max_columns, values_only=True)
    number = 0
    try:
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a cell whose type and content disagree (a formula cached as text...)
                raise TableReadError(BAD_CELL.format(n=number + 1)) from exc
            number += 1
            yield values
    finally:
        workbook.close()


def _csv_rows(data: bytes, *, max_columns: int) -> Iterator[list[str]]:
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
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for values in reader:
            yield values[:max_columns]
    except csv.Error as exc:  # a NUL byte, or a field past the limit (an unclosed quote, say)
        raise TableReadError(FIELD_TOO_LONG.format(n=reader.line_num)) from exc


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))


def _check_name(filename: str) -> None:
    lowered = filename.lower()
    if lowered.endswith((".xls",)) or (lowered and not lowered.endswith((".csv", ".xlsx", ".txt"))):
        raise TableReadError(NOT_A_TABLE)


def table_precheck(data: bytes, filename: str = "") -> None:
    """The checks that cost next to nothing (the name, the zip's directory): run in the request before a
    large file is queued, so a bomb is refused at once."""
    _check_name(filename)
    if _is_zip(data):
        _archive_open(data)


def table_rows(
    data: bytes,
    filename: str = "",
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    progress: Callable[[int], None] | None = None,
) -> list[Row]:
    """All data rows (the header, and a title row above it, skipped), blank rows dropped, each with its
    spreadsheet row number and at most ``max_columns`` cells. A file with more than ``max_rows`` data rows is
    refused at the first row past the limit. ``progress(rows read)`` is called every 1,000 rows."""
    _check_name(filename)
    raw = (
        _xlsx_rows(data, max_rows=max_rows, max_columns=max_columns)
        if _is_zip(data)
        else _csv_rows(data, max_columns=max_columns)
    )
    rows = []
    header = 1
    for number, values in enumerate(raw, start=1):
        if number > max_rows + header:
            raise TableReadError(TOO_MANY_ROWS.format(n=max_rows))
        if progress is not None and number % 1000 == 0:
            progress(number)
        if number > 2 and all(v is None for v in values):
            continue  # a blank row (a gap before a far row is a million of them): nothing to convert
        cells = [_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()  # the reader pads a row to the columns asked for
        cells = tuple(cells)
        if number == 1 and sum(1 for c in cells if c) == 1:
            header = 2  # an export's title row (one cell) above the header: the file reads back as it was
        if number <= header or not any(cells):
            continue
        rows.append(Row(number=number, cells=cells))
    if not rows:
        raise TableReadError(EMPTY_TABLE)
    return rows

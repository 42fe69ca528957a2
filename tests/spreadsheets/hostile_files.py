"""Hostile XLSX files built from scratch (zipfile), each small on the wire and costly to a naive reader.

Used by the tests of the import reader and by the bench (bench/hostile.py)."""

from __future__ import annotations

import io
import zipfile

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(sheets: int, shared: bool) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    if shared:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )


def _write(archive: zipfile.ZipFile, name: str, content) -> None:
    """A part given as text, bytes, or an iterable of byte chunks (written as it comes: a bomb of
    hundreds of megabytes is built without holding it)."""
    if isinstance(content, (str, bytes)):
        archive.writestr(name, content)
        return
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in content:
            part.write(chunk)


def xlsx_from_parts(
    sheet_xml,
    *,
    shared_strings=None,
    extra: dict[str, bytes] | None = None,
    level: int = 9,
) -> bytes:
    """A minimal workbook around the given worksheet XML (one or several sheets) and shared strings."""
    sheets = sheet_xml if isinstance(sheet_xml, list) else [sheet_xml]  # a part each (see _write)
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_REL_NS}><sheets>'
        + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
        + "</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{_DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets), shared_strings is not None))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        for i, xml in enumerate(sheets, start=1):
            _write(archive, f"xl/worksheets/sheet{i}.xml", xml)
        if shared_strings is not None:
            _write(archive, "xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(rows: str, dimension: str = "A1:B2") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="{dimension}"/>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


_TWO_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c><c r="B1" t="inlineStr"><is><t>名称</t></is></c></row>'
    '<row r="2"><c r="A2"><v>419901000000</v></c><c r="B2" t="inlineStr"><is><t>示例县</t></is></c></row>'
)


def dimension_declared() -> bytes:
    """Two real rows of two cells, declaring the whole sheet (A1:XFD1048576) as its size: reads as two rows."""
    return xlsx_from_parts(_sheet(_TWO_ROWS, "A1:XFD1048576"))


def dimension_bomb() -> bytes:
    """The attack: the dimension A1:XFD1048576 and two cells, at A1 and XFD1048576 (a naive reader pads
    a million rows to 16,384 cells each)."""
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    return xlsx_from_parts(_sheet(rows, "A1:XFD1048576"))


def shared_string_bomb(megabytes: int = 400) -> bytes:
    """One shared string of ``megabytes`` MB of the same letter: about 1 KB per MB on the wire."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS.encode() + b' count="1" uniqueCount="1"><si><t>'
    )
    chunks = [head, *([b"a" * (1024 * 1024)] * megabytes), b"</t></si></sst>"]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return xlsx_from_parts(_sheet(rows), shared_strings=chunks, level=1)


def deep_xml(depth: int = 100_000) -> bytes:
    """A cell whose inline string nests ``depth`` elements deep (100,000: 700 KB unpacked, under the size
    where a compression ratio is judged; ElementTree holds the whole nest in memory)."""
    nested = "<r>" * depth + "x" + "</r>" * depth
    rows = _TWO_ROWS + f'<row r="3"><c r="A3" t="inlineStr"><is>{nested}</is></c></row>'
    return xlsx_from_parts(_sheet(rows))


def entity_bomb() -> bytes:
    """The billion laughs: entities that expand to 10^9 letters."""
    entities = '<!ENTITY a0 "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]><worksheet {_NS}>'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'
    )
    return xlsx_from_parts(xml)


def many_sheets(count: int = 100) -> bytes:
    """A workbook of ``count`` sheets."""
    return xlsx_from_parts([_sheet(_TWO_ROWS)] * count)


def ratio_bomb(megabytes: int = 20) -> bytes:
    """A sheet whose one cell holds ``megabytes`` MB of spaces inside a value: a huge compression ratio."""
    head = _sheet(_TWO_ROWS).replace("</sheetData></worksheet>", '<row r="3"><c r="A3"><v>1').encode()
    chunks = [head, *([b" " * (1024 * 1024)] * megabytes), b"</v></c></row></sheetData></worksheet>"]
    return xlsx_from_parts([chunks], level=1)


def formula_without_type() -> bytes:
    """Cells holding a formula and no type, one with a cached text value where a number is implied."""
    rows = (
        _TWO_ROWS
        + '<row r="3"><c r="A3"><f>1+1</f></c><c r="B3"><f>A1&amp;"x"</f><v>代码x</v></c></row>'
        + '<row r="4"><c r="A4" t="e"><v>#REF!</v></c><c r="B4" t="d"><v>不是日期</v></c></row>'
    )
    return xlsx_from_parts(_sheet(rows))


def lying_sizes(megabytes: int = 60) -> bytes:
    """A shared-string bomb whose zip directory declares its shared strings 1 KB unpacked (the local header
    too): the size checks pass, and reading must stop at the declared size."""
    import struct

    head = '<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + ' count="1" uniqueCount="1"><si><t>'
    body = head + "a" * (megabytes * 1024 * 1024) + "</t></si></sst>"
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    data = bytearray(xlsx_from_parts(_sheet(rows), shared_strings=body))
    name = b"xl/sharedStrings.xml"
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 1024)
            at += 4
    return bytes(data)


HOSTILE_FILES = {
    "dimension_bomb": dimension_bomb,
    "shared_string_bomb": shared_string_bomb,
    "deep_xml": deep_xml,
    "entity_bomb": entity_bomb,
    "many_sheets": many_sheets,
    "ratio_bomb": ratio_bomb,
    "formula_without_type": formula_without_type,
    "lying_sizes": lying_sizes,
}

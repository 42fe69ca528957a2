"""Importing the division-code table: formats, every bad-row kind, idempotence, renames, scope, counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from centers.models import ServiceCenter
from regions.models import Region
from regions.services import regions_import
from spreadsheets.reading import TableReadError, table_rows
from tests.conftest import rows_of, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = "code,name\n"


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return (HEADER + "".join(f"{c},{n}\n" for c, n in rows)).encode(encoding)


def county_table(townships=16, villages=367):
    """A county shaped like 临颍县: 16 townships, 367 villages (generated, not an official table)."""
    rows = [("411199000000", "示例县")]
    per, extra = divmod(villages, townships)
    for t in range(1, townships + 1):
        rows.append((f"411199{100 + t:03d}000", f"第{t}镇"))
        for v in range(1, per + (1 if t <= extra else 0) + 1):
            rows.append((f"411199{100 + t:03d}{200 + v:03d}", f"第{t}镇{v}村"))
    return rows


def test_county_of_16_townships_and_367_villages_gives_exactly_those_counts(tmp_path):
    path = tmp_path / "county.csv"
    path.write_bytes(csv_bytes(county_table()))
    call_command("import_regions", str(path))
    imported = Region.objects.filter(prefix__startswith="411199")  # the module's world may be there too
    assert imported.filter(level="county").count() == 1
    assert imported.filter(level="township").count() == 16
    assert imported.filter(level="village").count() == 367
    assert ServiceCenter.objects.filter(region__prefix__startswith="411199").count() == 1 + 16 + 367
    village = Region.objects.get(code="411199101201")
    assert village.prefix == "411199101201" and village.parent.code == "411199101000"
    assert village.parent.parent.code == "411199000000"


def test_reimport_creates_nothing_and_changes_nothing(tmp_path):
    from pghistory.models import Events

    rows = rows_of(county_table(3, 10))
    regions_import(rows=rows)
    events_before = Events.objects.count()
    result = regions_import(rows=rows)
    assert (result.created, result.renamed, result.unchanged) == (0, 0, 14)
    assert Events.objects.count() == events_before


def test_renamed_region_is_updated_not_duplicated():
    regions_import(rows=rows_of(county_table(1, 2)))
    renamed = [r if r[0] != "411199101201" else (r[0], "新名村") for r in county_table(1, 2)]
    result = regions_import(rows=rows_of(renamed))
    assert result.renamed == 1 and result.created == 0
    assert Region.objects.get(code="411199101201").name == "新名村"
    assert Region.objects.filter(name="第1镇1村").count() == 0


def test_six_and_nine_digit_codes_are_accepted():
    result = regions_import(
        rows=rows_of([("411199", "示例县"), ("411199101", "一镇"), ("411199101201", "一村")])
    )
    assert result.created == 3
    assert Region.objects.get(code="411199101000").level == "township"


@pytest.mark.parametrize(
    "rows,message",
    [
        (
            [("411199000000", "示例县"), ("4111AB101000", "坏镇")],
            "第3行：区划代码“4111AB101000”不是数字（应为半角数字0-9）",
        ),
        (
            [("411199000000", "示例县"), ("41119910100", "坏镇")],
            "第3行：区划代码“41119910100”长度为11位，应为6、9或12位",
        ),
        ([("411199000000", "示例县"), ("411199101000", "")], "第3行：名称为空"),
        (
            [("411199000000", "示例县"), ("411199101000", "甲镇"), ("411199101000", "乙镇")],
            "第4行：区划代码411199101000与第3行相同但名称不同（“乙镇”与“甲镇”）",
        ),
        (
            [("411199000000", "示例县"), ("411199102201", "孤村")],
            "第3行：上级区划（代码411199102000）既不在文件中也不在系统中",
        ),
    ],
)
def test_each_kind_of_bad_row_is_named_and_nothing_is_written(rows, message):
    before = Region.objects.count()
    result = regions_import(rows=rows_of(rows))
    assert message in result.errors
    assert Region.objects.count() == before


def test_all_bad_rows_are_reported_in_row_order():
    rows = [("411199000000", "示例县"), ("x", "坏"), ("411199101000", "一镇"), ("123", "")]
    result = regions_import(rows=rows_of(rows))
    assert [e.split("：")[0] for e in result.errors] == ["第3行", "第5行"]
    assert "名称为空" in result.errors[1] and "长度为3位" in result.errors[1]


def test_same_code_with_same_name_twice_is_harmless():
    result = regions_import(rows=rows_of([("411199000000", "示例县"), ("411199000000", "示例县")]))
    assert result.errors == [] and result.created == 1


def test_parent_may_come_from_the_database():
    regions_import(rows=rows_of([("411199000000", "示例县"), ("411199101000", "一镇")]))
    result = regions_import(rows=rows_of([("411199101000", "一镇"), ("411199101201", "一村")]))
    assert result.errors == [] and result.created == 1
    assert Region.objects.get(code="411199101201").parent.code == "411199101000"


def test_region_outside_the_uploaders_scope_is_refused(world):
    rows = rows_of([("419901101203", "新村"), ("419901102202", "越界村")])
    result = regions_import(rows=rows, scope_prefixes=("419901101",))
    assert result.errors == ["第3行：区划419901102202不在您的管辖范围内"]
    assert not Region.objects.filter(code="419901101203").exists()


def test_gbk_csv_and_xlsx_are_read():
    gbk = table_rows(csv_bytes([("411199000000", "示例县")], "gbk"), "a.csv")
    assert gbk[0].cells == ("411199000000", "示例县")
    xlsx = table_rows(xlsx_bytes([("code", "name"), (411199000000, "示例县")]), "a.xlsx")
    assert xlsx[0].cells == ("411199000000", "示例县") and xlsx[0].number == 2


@pytest.mark.parametrize(
    "data,name",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00garbage", "photo.png"),
        (b"PK\x03\x04 not really a zip", "table.xlsx"),
        ("code,name\n411199000000,示例县\n".encode("utf-16"), "table.csv"),
        (b"code,name\n", "empty.csv"),
    ],
)
def test_a_file_that_is_not_a_table_gets_one_clear_message(data, name):
    with pytest.raises(TableReadError):
        table_rows(data, name)


def test_command_reports_bad_rows_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([("411199000000", "示例县"), ("abc", "坏")]))
    before = Region.objects.count()
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_regions", str(path))
    assert "第3行" in capsys.readouterr().err
    assert Region.objects.count() == before


def test_upload_page_imports_within_scope(world):
    client = world.client_for(world.county_admin)
    upload = SimpleUploadedFile(
        "t.xlsx", xlsx_bytes([("code", "name"), ("419901103000", "新兴镇"), ("419901103201", "新兴村")])
    )
    response = client.post("/regions/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert "新增 <strong>2</strong> 个" in response.content.decode()
    assert ServiceCenter.objects.filter(region__code="419901103201").exists()


def test_upload_page_refuses_out_of_scope_and_bad_files(world):
    client = world.client_for(world.county_admin)
    outside = SimpleUploadedFile("t.csv", csv_bytes([("419902000000", "邻县")]))
    response = client.post("/regions/import/", {"file": outside})
    assert "第2行：区划419902000000不在您的管辖范围内" in response.content.decode()
    assert not Region.objects.filter(code="419902000000").exists()
    garbage = SimpleUploadedFile("t.doc", b"\xd0\xcf\x11\xe0 word file")
    response = client.post("/regions/import/", {"file": garbage})
    assert "文件不是CSV或XLSX格式" in response.content.decode()


def test_upload_page_is_for_county_administrators_only(world):
    assert world.client_for(world.township_a_officer).get("/regions/import/").status_code == 403


@pytest.mark.parametrize("code", ["411122000201", "410000100000", "000000000000", "411100000201"])
def test_codes_with_digits_below_an_empty_level_are_refused(code):
    result = regions_import(rows=rows_of([("411122000000", "县"), (code, "怪码")]))
    assert result.errors == [f"第3行：区划代码“{code}”不是有效的区划代码"]


def test_uploader_cannot_create_orphans_inside_the_scope(world):
    """A township-level file from a county admin needs its township; the county itself needs no parent."""
    orphan = regions_import(rows=rows_of([("419901109201", "孤村")]), scope_prefixes=("419901",))
    assert orphan.errors == ["第2行：上级区划（代码419901109000）既不在文件中也不在系统中"]
    own_county = regions_import(
        rows=rows_of([("419901000000", "测试县"), ("419901109000", "新镇")]), scope_prefixes=("419901",)
    )
    assert own_county.errors == [] and own_county.created == 1

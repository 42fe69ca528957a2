"""A county administrator uploads a division-code table through the 导入区划 page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centers.models import ServiceCenter
from regions.models import Region
from tests.browser.conftest import log_in, screenshot
from tests.conftest import xlsx_bytes

pytestmark = pytest.mark.browser

HEADER = ("区划代码", "名称")


def open_import_page(page, world):
    log_in(page, world.county_admin.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.county.name)
    page.get_by_role("main").get_by_role("link", name="导入区划").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入统计用区划代码")


def upload(page, path):
    page.get_by_label("文件").set_input_files(path)
    page.get_by_role("button", name="上传并导入").click()


def test_county_admin_imports_a_new_township(world, live_server, open_page, tmp_path):
    table = tmp_path / "新兴镇区划.xlsx"
    table.write_bytes(
        xlsx_bytes(
            [
                HEADER,
                ("419901103000", "新兴镇"),
                ("419901103201", "新兴村"),
                ("419901103202", "东风村"),
            ]
        )
    )
    page = open_page("desktop")
    open_import_page(page, world)

    upload(page, table)

    result = page.locator("#import-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("新增 3")
    expect(page.locator("#import-errors")).to_have_count(0)
    screenshot(page, "region-import-ok-county_org-desktop")

    page.goto(world.county.get_absolute_url())
    townships = page.locator("#panel-children table")
    row = townships.get_by_role("row").filter(has_text="新兴镇")
    expect(row).to_have_count(1)
    screenshot(page, "region-import-county-page-county_org-desktop")

    row.get_by_role("link", name="新兴镇").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新兴镇")
    expect(page.locator("#panel-children")).to_contain_text("新兴村")
    expect(page.locator("#panel-children")).to_contain_text("东风村")

    new = Region.objects.filter(code__startswith="419901103")
    assert sorted(new.values_list("code", "name", "parent__code")) == [
        ("419901103000", "新兴镇", "419901000000"),
        ("419901103201", "新兴村", "419901103000"),
        ("419901103202", "东风村", "419901103000"),
    ]
    assert ServiceCenter.objects.filter(region__in=new).count() == 3


def test_bad_table_names_every_bad_row_and_imports_nothing(world, live_server, open_page, tmp_path):
    table = tmp_path / "有错误的区划.xlsx"
    table.write_bytes(
        xlsx_bytes(
            [
                HEADER,
                ("41A", "错误代码村"),
                ("419901103201", ""),
                ("419901103000", "新兴镇"),
            ]
        )
    )
    regions_before = Region.objects.count()
    page = open_page("desktop")
    open_import_page(page, world)

    upload(page, table)

    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("文件有2处错误，未导入任何数据")
    items = errors.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("第2行")
    expect(items.nth(0)).to_contain_text("41A")
    expect(items.nth(1)).to_contain_text("第3行")
    expect(items.nth(1)).to_contain_text("名称为空")
    expect(page.locator("#import-result")).to_have_count(0)
    screenshot(page, "region-import-errors-county_org-desktop")

    assert Region.objects.count() == regions_before
    assert not Region.objects.filter(code__startswith="419901103").exists()

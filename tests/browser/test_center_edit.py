"""A village secretary keeps their service center up to date from a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centers.models import ChecklistEntry, ServiceCenter
from tests.browser.conftest import log_in, screenshot
from tests.conftest import png_bytes

pytestmark = pytest.mark.browser

ITEM = "门头标识统一规范"


def test_village_secretary_edits_center_and_fills_checklist_on_phone(world, live_server, open_page, tmp_path):
    center = ServiceCenter.objects.get(region=world.village_a1)
    photo = tmp_path / "门头.png"
    photo.write_bytes(png_bytes(size=(160, 120)))
    page = open_page("phone")

    log_in(page, world.village_a1_clerk.username)
    expect(page).to_have_url(f"{live_server.url}{world.village_a1.get_absolute_url()}")
    page.locator("#panel-center").get_by_role("link", name=center.name).click()
    expect(page).to_have_url(f"{live_server.url}/centers/{center.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(center.name)

    # 编辑信息: the duty phone.
    page.get_by_role("link", name="编辑信息").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"编辑：{center.name}")
    page.get_by_label("值班电话", exact=True).fill("0395-1234567")
    screenshot(page, "center-edit-form-village_secretary-phone")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(f"{live_server.url}/centers/{center.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("党群服务中心信息已保存。")
    expect(page.get_by_role("link", name="0395-1234567")).to_have_attribute("href", "tel:0395-1234567")

    # 填报 one checklist item: met, with a photo.
    row = page.get_by_role("row").filter(has_text=ITEM)
    expect(row.locator(".badge")).to_have_text("未达标")
    row.get_by_role("link", name="填报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM)
    page.get_by_label("是否达标").check()
    page.get_by_label("照片", exact=True).set_input_files(photo)
    screenshot(page, "checklist-entry-form-village_secretary-phone")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(f"{live_server.url}/centers/{center.pk}/")
    expect(page.get_by_role("alert")).to_contain_text(f"“{ITEM}”已保存。")
    row = page.get_by_role("row").filter(has_text=ITEM)
    expect(row.locator(".badge")).to_have_text("达标")
    thumbnail = row.get_by_role("img", name=f"{ITEM}照片")
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/checklist-photos/\d+/$"))
    page.wait_for_function("img => img.complete && img.naturalWidth === 160", arg=thumbnail.element_handle())
    # Only the one item is met; the others stay 未达标.
    expect(page.locator("tbody .badge", has_text=re.compile(r"^达标$"))).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "center-detail-after-checklist-village_secretary-phone")

    center.refresh_from_db()
    assert center.duty_phone == "0395-1234567"
    entry = ChecklistEntry.objects.get(center=center, item__name=ITEM)
    assert entry.is_met and entry.photo and entry.updated_by == world.village_a1_clerk

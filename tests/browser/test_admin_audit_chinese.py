"""On a desktop: the admin's index and the audit log read in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.browser


def test_admin_index_and_audit_log_in_chinese(world, live_server, open_page):
    transition(world, accept(world), "start", office="乡镇民政办")
    admin = open_page("desktop")
    log_in(admin, "sysadmin")
    admin.goto("/admin/")
    expect(admin.locator("#content-main")).to_contain_text("登录保护")
    expect(admin.locator("#content-main")).to_contain_text("登录失败与锁定")
    expect(admin.locator("#content-main")).not_to_contain_text("Axes")
    screenshot(admin, "i9b-admin-index-desktop")

    county = open_page("desktop")
    log_in(county, "county_admin")
    county.goto("/audit/?model=centers.ProxyRequestEvent")
    expect(county.locator("tbody")).to_contain_text("状态：已受理 → 承办中")
    expect(county.locator("tbody")).to_contain_text("联系电话：138****5678")
    screenshot(county, "i9b-audit-log-desktop")

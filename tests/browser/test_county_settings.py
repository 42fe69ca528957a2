"""The county settings page in the browser: the county administrator finds it under 管理, changes the duty
rules and the disclosure period side by side, and a bad value is refused with its message, nothing saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centers.models import DutyRules
from decisions.models import DecisionRules
from tests.browser.conftest import log_in, open_menu_if_collapsed, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_county_admin_sets_duty_and_decision_rules(world, live_server, open_page, width):
    page = open_page(width)
    log_in(page, world.county_admin.username)
    expect(page).to_have_url(f"{live_server.url}{world.county.get_absolute_url()}")

    open_menu_if_collapsed(page)
    page.get_by_role("button", name="管理").click()
    page.get_by_role("link", name="县级设置").click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"县级设置 · {world.county.name}")

    duty = page.locator("#duty")
    decisions = page.locator("#decisions")
    expect(duty.locator(".card-header")).to_contain_text("默认值")
    expect(decisions.get_by_label("公示天数")).to_have_value("7")

    # A cutoff after the end of the day is refused, with the rule's own message; nothing is saved.
    duty.get_by_label("签到截止").fill("18:00")
    duty.get_by_role("button", name="保存坐班规定").click()
    expect(page.locator("#duty .alert-danger")).to_contain_text("签到截止时间应在上班时间和下班时间之间。")
    assert not DutyRules.objects.exists()

    page.locator("#duty").get_by_label("签到截止").fill("09:15")
    page.locator("#duty").get_by_role("button", name="保存坐班规定").click()
    expect(page.locator(".alert-success")).to_contain_text("坐班规定已保存。")

    page.locator("#decisions").get_by_label("公示天数").fill("10")
    page.locator("#decisions").get_by_role("button", name="保存四议两公开规定").click()
    expect(page.locator(".alert-success")).to_contain_text("四议两公开规定已保存。")
    expect(page.locator("#decisions").get_by_label("公示天数")).to_have_value("10")
    expect(page.locator("#duty").get_by_label("签到截止")).to_have_value("09:15")
    screenshot(page, f"county-settings-{width}")

    rules = DutyRules.objects.get(county=world.county)
    assert rules.cutoff.strftime("%H:%M") == "09:15" and rules.starts_at.strftime("%H:%M") == "08:30"
    assert DecisionRules.objects.get(county=world.county).disclosure_days == 10

"""延期申请 on phones: a village cadre asks for a later promised date on a proxy request's page; the township's
organisation member sees 延期待批 on the home panel, opens the filtered list and approves it; the request then
shows the new promise and keeps the original one beside it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from centers.models import ProxyRequest
from core.formats import zh_date
from tests.browser.conftest import log_in, screenshot
from tests.centers.builders import accept

pytestmark = pytest.mark.browser

REASON = "需到县档案馆调取原始档案，档案馆本月闭馆整理"


def test_village_asks_for_an_extension_and_the_township_approves_it_on_phone(
    world, live_server, open_page, own_page
):
    request = accept(world)
    promised = request.promised_date
    extended = promised + timedelta(days=10)

    cadre = open_page("phone")
    log_in(cadre, world.village_a1_clerk.username)
    expect(cadre).to_have_url(f"{live_server.url}{world.village_a1.get_absolute_url()}")
    cadre.goto(f"/requests/{request.pk}/")
    ask = cadre.locator("details", has=cadre.locator("summary", has_text="申请延期"))
    ask.locator("summary").click()
    ask.get_by_label("申请延期至", exact=False).fill(extended.isoformat())
    ask.get_by_placeholder("延期理由（必填）").fill(REASON)
    ask.scroll_into_view_if_needed()
    screenshot(cadre, "i10-extension-ask-village_secretary-phone")
    ask.get_by_role("button", name="确定").click()
    expect(cadre.get_by_role("alert")).to_contain_text("已保存。")
    pending = cadre.locator("#extension-pending")
    expect(pending).to_contain_text(f"申请将承诺办结日期由 {zh_date(promised)} 延至 {zh_date(extended)}")
    expect(pending).to_contain_text(REASON)
    expect(pending.locator("#extension-decide")).to_have_count(0)  # the village cannot approve its own
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(cadre, "i10-extension-pending-village_secretary-phone")
    request.refresh_from_db()
    assert (request.promised_date, request.extension_to) == (promised, extended)

    # The township's organisation member: the home panel counts it, the link filters the list.
    township = own_page("phone")  # its own phone: the cadre stays signed in on theirs
    log_in(township, world.township_a_officer.username)
    expect(township).to_have_url(f"{live_server.url}{world.township_a.get_absolute_url()}")
    count = township.locator("#extension-pending-count")
    expect(count).to_contain_text("延期待批 1")
    count.scroll_into_view_if_needed()
    screenshot(township, "i10-extension-home-panel-township-phone")
    count.click()
    expect(township).to_have_url(re.compile(r"/requests/\?extension=pending"))
    rows = township.locator(".list-group-item-action")
    expect(rows).to_have_count(1)
    expect(rows.locator(".extension-pending")).to_have_text("延期待批")
    screenshot(township, "i10-extension-list-township-phone")
    rows.first.click()
    decide = township.locator("#extension-decide")
    decide.get_by_label("批准延期").check()
    decide.get_by_label("审批意见").fill("同意，请按期办结")
    screenshot(township, "i10-extension-decide-township-phone")
    decide.get_by_role("button", name="提交审批").click()
    expect(township.get_by_role("alert")).to_contain_text("已批准延期，已通知村里。")
    expect(township.locator("#extension-pending")).to_have_count(0)

    # The village sees the new promise, and the original one kept beside it.
    cadre.reload()
    expect(cadre.locator("dd", has_text="经乡镇批准延期")).to_contain_text(zh_date(extended))
    expect(cadre.locator("#original-promise")).to_have_text(zh_date(promised))
    screenshot(cadre, "i10-extension-granted-village_secretary-phone")
    request = ProxyRequest.objects.get(pk=request.pk)
    assert (request.promised_date, request.original_promised_date) == (extended, promised)
    assert not request.extension_pending

"""On a phone: the cadre replies with the outcome for the applicant; the villager's lookup shows it; a mistyped
address shows the Chinese 404 page with a way to the lookup."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.browser


def test_reply_outcome_reaches_the_public_lookup(world, live_server, open_page):
    request = accept(world)
    request = transition(world, transition(world, request, "start"), "complete", result="低保已批准")
    cadre = open_page("phone")
    log_in(cadre, "village_a1_clerk")
    cadre.goto(f"/requests/{request.pk}/")
    reply = cadre.locator("details", has_text="回复申请人")
    expect(reply.get_by_label("告知申请人的办理结果", exact=False)).to_have_value("低保已批准")
    reply.get_by_label("告知申请人的办理结果", exact=False).fill("低保已批准，12月起每月发放到一卡通")
    reply.get_by_label("满意度").select_option("satisfied")
    screenshot(cadre, "i9b-reply-form-phone")
    reply.get_by_role("button", name="确定").click()
    expect(cadre.locator("body")).to_contain_text("已保存。")

    villager = open_page("phone")
    villager.goto(f"/lookup/?code={request.receipt_code}")
    villager.get_by_label("手机号后四位").fill("5678")
    villager.get_by_role("button", name="查询").click()
    expect(villager.locator("#lookup-outcome")).to_contain_text("低保已批准，12月起每月发放到一卡通")
    expect(villager.locator("#lookup-result")).to_contain_text("已回复")
    assert "5678" not in villager.url
    screenshot(villager, "i9b-lookup-outcome-phone")

    villager.goto("/lookup/typo/")
    expect(villager.locator("#error-page")).to_contain_text("没有找到这个页面")
    screenshot(villager, "i9b-404-phone")
    villager.get_by_role("link", name="办件进度查询").click()
    expect(villager.get_by_role("heading", name="办件进度查询")).to_be_visible()

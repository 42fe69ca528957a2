"""On phones: a villager goes from the village's today-on-duty page to its service catalog, reads what an
item needs, then leaves a suggestion and gets a receipt code; a village cadre answers it from 问题建议; the
villager reads the answer with the code. No account for the villager, no name or phone shown publicly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centers.models import Suggestion
from centers.services import center_update
from tests.browser.conftest import SCREENSHOTS, log_in, open_menu_if_collapsed, screenshot
from tests.centers.builders import center_of

pytestmark = pytest.mark.browser

SUGGESTION = "村东头路灯坏了好几天，晚上老人出门看不见路，希望尽快修好。"
ANSWER = "已联系电工，本周五前修好，谢谢您的反映。"


def test_villager_reads_the_catalog_leaves_a_suggestion_and_reads_the_answer_on_phone(
    world, live_server, open_page, own_page
):
    village = world.village_a1
    center = center_of(village)
    center_update(
        actor=world.village_a1_clerk,
        center=center,
        version=center.version,
        name="白马村党群服务中心",
        address="白马村村委会大院",
        duty_phone="0395-1234567",
        opening_hours="周一至周五 8:30-17:30",
        rooms=[],
    )

    villager = own_page("phone")  # signed out throughout, beside the cadre's phone
    villager.goto(f"/duty/{village.code}/today/")
    expect(villager.locator("#duty-today")).to_contain_text("白马村党群服务中心")
    screenshot(villager, "i10-duty-today-phone")
    villager.locator("#link-catalog").click()
    expect(villager).to_have_url(f"{live_server.url}/catalog/{village.code}/")
    expect(villager.get_by_role("heading", level=1)).to_have_text("白马村党群服务中心 · 服务事项清单")
    expect(villager.locator("#catalog-duty-phone")).to_have_text("0395-1234567")
    screenshot(villager, "i10-catalog-phone")

    # One item as the villager reads it: conditions, materials, steps, promised days.
    item = villager.locator(
        ".catalog-item", has=villager.get_by_role("heading", name=re.compile("^高龄补贴申请"))
    )
    expect(item).to_have_count(1)
    item.scroll_into_view_if_needed()
    expect(item.locator("dt")).to_have_text(
        ["办理条件", "所需材料", "办理流程", "承诺时限", "责任科室", "联系方式"]
    )
    expect(item).to_contain_text("银行卡复印件")
    expect(item.locator(".catalog-flow li").first).to_be_visible()
    expect(item).to_contain_text("个工作日")
    expect(item).to_contain_text("村党群服务中心值班电话 0395-1234567")
    # Nothing on a phone is wider than the screen.
    assert villager.evaluate("document.documentElement.scrollWidth") <= 390
    expect(item).to_contain_text("本地户籍、年满80周岁的老年人。")
    item.screenshot(path=str(SCREENSHOTS / "i10-catalog-item-phone.png"))

    # The suggestions box, from the catalog's header.
    villager.get_by_role("link", name="问题建议", exact=True).click()
    expect(villager).to_have_url(f"{live_server.url}/suggest/{village.code}/")
    villager.get_by_label("问题或建议").fill(SUGGESTION)
    villager.get_by_label("姓名（可不填）").fill("王大妈")
    villager.get_by_label("手机号（可不填，便于村里联系您）").fill("13912345678")
    screenshot(villager, "i10-suggest-form-phone")
    villager.get_by_role("button", name="提交").click()
    expect(villager.locator("#suggestion-receipt")).to_contain_text("已收到您的问题建议，谢谢！")
    code = villager.locator("#suggestion-code").inner_text().strip()
    suggestion = Suggestion.objects.get()
    assert code == suggestion.receipt_code and suggestion.village == village
    assert villager.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(villager, "i10-suggest-receipt-phone")
    villager.get_by_role("link", name="查看答复", exact=True).click()
    villager.get_by_role("button", name="查询").click()
    expect(villager.locator("#suggestion-waiting")).to_have_text("村里正在处理，尚未答复。")

    # The village's secretary answers it from the menu's 问题建议.
    cadre = open_page("phone")
    log_in(cadre, world.village_a1_clerk.username)
    expect(cadre).to_have_url(f"{live_server.url}{village.get_absolute_url()}")
    open_menu_if_collapsed(cadre)
    cadre.locator("#mainNav").get_by_role("link", name="问题建议").click()
    expect(cadre.get_by_role("heading", level=1)).to_have_text("问题建议")
    row = cadre.locator("#suggestion-rows a", has_text="村东头路灯坏了")
    expect(row).to_contain_text("未答复")
    expect(row).to_contain_text("139****5678")
    screenshot(cadre, "i10-suggestion-list-village_secretary-phone")
    row.click()
    expect(cadre.locator("#suggestion-content")).to_have_text(SUGGESTION)
    cadre.get_by_label("答复").fill(ANSWER)
    screenshot(cadre, "i10-suggestion-answer-village_secretary-phone")
    cadre.get_by_role("button", name="提交答复").click()
    expect(cadre.get_by_role("alert")).to_contain_text("已答复，群众可凭查询码查看答复。")
    expect(cadre.locator("#suggestion-answer")).to_have_text(ANSWER)
    suggestion.refresh_from_db()
    assert suggestion.answer == ANSWER and suggestion.answered_by == world.village_a1_clerk

    # The villager comes back later and types the code.
    villager.goto("/suggest/answer/")
    villager.get_by_label("查询码").fill(code.lower())
    villager.get_by_role("button", name="查询").click()
    expect(villager.locator("#suggestion-answer")).to_contain_text(ANSWER)
    expect(villager.get_by_role("button", name="展开菜单")).to_have_count(0)  # still signed out
    body = villager.locator("body")
    expect(body).not_to_contain_text("王大妈")
    expect(body).not_to_contain_text("13912345678")
    screenshot(villager, "i10-suggestion-answered-lookup-phone")

"""On phones: a villager objects to a running posting on the public bulletin and sees the objection listed with
name and phone masked; the village secretary upholds it on the matter page and the matter goes back to 决议
for a second round. And the 村务监督委员会 objects to a posting's content before it is posted (with a reason),
the village answers and sends a revised text, the committee agrees, and only then is 张贴 offered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import DisclosureReview, Matter, Objection, Step
from regions.roles import Role
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_user
from tests.decisions.builders import TITLE, disclose, matter_register, resolve, review_submit, roster_for

pytestmark = pytest.mark.browser

SUMMARY = "广场选址占用了东组村民的集体晒场，东组没有征求意见"
UPHELD = "经核实，东组晒场确被占用，需重新表决选址"
REVIEW_OBJECTION = "决议文本未写明资金来源和工期，群众看不明白"
REVISED = "决议：修建村东头文化广场，预算12万元，资金来源为村集体收入，工期3个月。"


def _wide(page) -> int:
    """How far the page reaches sideways (a 390px phone must not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_villager_objects_on_the_bulletin_and_the_village_upholds_it_on_phone(
    world, live_server, open_page, own_page
):
    village = world.village_a1
    secretary = world.village_a1_clerk
    roster_for(village, actor=secretary)
    today = timezone.localdate()
    matter = resolve(secretary, matter_register(secretary, village), held_on=today - timedelta(days=5))
    posting = disclose(secretary, matter, posted_on=today - timedelta(days=1))

    villager = own_page("phone")
    villager.goto(f"/bulletin/{village.code}/")
    entry = villager.locator(".bulletin-entry", has_text=TITLE)
    expect(entry).to_contain_text("（公示中）")
    entry.get_by_role("link", name="对本公示提出异议").click()
    expect(villager).to_have_url(
        f"{live_server.url}/bulletin/{village.code}/postings/{posting.pk}/objection/"
    )
    expect(villager.get_by_role("heading", level=1)).to_have_text("对公示提出异议")
    villager.get_by_label("姓名").fill("张三")
    villager.get_by_label("联系电话").fill("138 1234 5678")
    villager.get_by_label("异议内容").fill(SUMMARY)
    screenshot(villager, "i10-objection-form-phone")
    villager.get_by_role("button", name="提交异议").click()
    expect(villager).to_have_url(re.compile(r"/objection/\?filed=1$"))
    expect(villager.locator("#objection-filed")).to_contain_text("您的异议已提交")
    listed = villager.locator(".public-objection")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(f"张*（138****5678）：{SUMMARY}")
    expect(listed).to_contain_text("待答复")
    expect(villager.locator("body")).not_to_contain_text("张三")
    expect(villager.locator("body")).not_to_contain_text("13812345678")
    assert _wide(villager) <= 390
    screenshot(villager, "i10-objection-filed-phone")
    objection = Objection.objects.get()
    assert (objection.source, objection.disclosure) == ("public", posting)

    # The secretary upholds it on the matter page: the matter goes back to 决议, round 2.
    cadre = open_page("phone")
    log_in(cadre, secretary.username)
    cadre.goto(f"/decisions/matters/{matter.pk}/")
    expect(cadre.locator("#matter-status")).to_have_text("决议公开")
    filed = cadre.locator(f"#objection-{objection.pk}")
    expect(filed).to_contain_text("村民在线提出：张* 138****5678")
    filed.get_by_label("答复内容").fill(UPHELD)
    filed.scroll_into_view_if_needed()
    assert _wide(cadre) <= 390
    screenshot(cadre, "i10-objection-answer-village_secretary-phone")
    filed.get_by_role("button", name="异议成立（重新决议）").click()
    expect(cadre.get_by_role("alert")).to_contain_text(
        "已认定异议成立，事项退回“村民（代表）会议决议”环节，请重新召开会议表决。"
    )
    expect(cadre.locator("#matter-status")).to_have_text("村民（代表）会议决议")
    expect(cadre.locator("#matter-round")).to_contain_text("（第2轮）")
    expect(cadre.locator("#next-step")).to_have_text("录入“村民（代表）会议决议”会议")
    expect(cadre.locator(f"#objection-{objection.pk}")).to_contain_text(f"认定异议成立：{UPHELD}")
    superseded = cadre.locator("#disclosure-resolution-1")
    expect(superseded).to_contain_text("异议成立，已重新决议")
    expect(superseded).not_to_contain_text("公示中")  # its dates still run, but it no longer does
    assert _wide(cadre) <= 390
    screenshot(cadre, "i10-objection-upheld-village_secretary-phone")
    matter.refresh_from_db()
    assert (matter.step, matter.round) == (Step.RESOLUTION, 2)

    # The villager's page shows the answer; the bulletin marks the posting as superseded.
    villager.reload()
    expect(villager.locator(".public-objection")).to_contain_text(f"认定异议成立：{UPHELD}")
    expect(villager.locator("#objection-form")).to_have_count(0)  # no more filings on a superseded posting
    screenshot(villager, "i10-objection-upheld-public-phone")
    villager.goto(f"/bulletin/{village.code}/")
    expect(villager.locator(".bulletin-entry", has_text=TITLE)).to_contain_text("异议成立，已重新决议")
    screenshot(villager, "i10-objection-upheld-bulletin-phone")


def test_supervision_committee_objects_to_a_postings_content_then_agrees_to_the_revision_on_phone(
    world, live_server, open_page, own_page
):
    village = world.village_a1
    secretary = world.village_a1_clerk
    supervisor = make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, village, real_name="孙监督")
    roster_for(village, actor=secretary)
    matter = resolve(
        secretary, matter_register(secretary, village), held_on=timezone.localdate() - timedelta(days=2)
    )
    review_submit(secretary, matter, "resolution")

    # The committee member objects, with the reason (a bare objection is refused).
    member = own_page("phone")
    log_in(member, supervisor.username)
    member.goto(f"/decisions/matters/{matter.pk}/")
    decide = member.locator(".review-decide")
    expect(decide).to_have_count(1)
    decide.get_by_label("有异议").check()
    decide.get_by_role("button", name="提交审核意见").click()
    expect(member.locator("body")).to_contain_text("提出异议须写明理由")
    review = DisclosureReview.objects.get()
    assert review.is_pending
    decide = member.locator(".review-decide")
    decide.get_by_label("有异议").check()
    decide.get_by_label("异议理由").fill(REVIEW_OBJECTION)
    decide.scroll_into_view_if_needed()
    screenshot(member, "i10-review-object-village_supervisor-phone")
    decide.get_by_role("button", name="提交审核意见").click()
    expect(member.get_by_role("alert")).to_contain_text("审核意见已记录，已通知村里。")
    card = member.locator(f"#review-{review.pk}")
    expect(card.locator(".badge")).to_have_text("有异议 · 待答复")
    expect(card).to_contain_text("审核：有异议（孙监督，")
    expect(card).to_contain_text(REVIEW_OBJECTION)
    expect(member.locator(".review-decide")).to_have_count(0)
    assert _wide(member) <= 390
    screenshot(member, "i10-review-objected-village_supervisor-phone")

    # The secretary answers, then sends the revised text; nothing can be posted meanwhile.
    cadre = open_page("phone")
    log_in(cadre, secretary.username)
    cadre.goto(f"/decisions/matters/{matter.pk}/")
    card = cadre.locator(f"#review-{review.pk}")
    card.get_by_label("答复审核异议").fill("已补充资金来源和工期，重新送审。")
    screenshot(cadre, "i10-review-answer-village_secretary-phone")
    card.get_by_role("button", name="答复异议").click()
    expect(cadre.get_by_role("alert")).to_contain_text("答复已记录，已通知村务监督委员会。")
    expect(cadre.locator(f"#review-{review.pk}").locator(".badge")).to_have_text("有异议 · 已答复")
    # An answered objection lets the village post the text as it was, or revise it and send it again.
    expect(cadre.locator("#next-step")).to_have_text("修改后重新送审（决议公开）")
    expect(cadre.locator("#next-step-2")).to_have_text("张贴决议公开")
    screenshot(cadre, "i10-review-answered-village_secretary-phone")
    cadre.locator("#next-step").click()
    expect(cadre.get_by_role("heading", level=1)).to_have_text("决议公开 · 送村务监督委员会审核")
    cadre.get_by_label("公开内容").fill(REVISED)
    screenshot(cadre, "i10-review-resubmit-village_secretary-phone")
    cadre.get_by_role("button", name="提交审核").click()
    expect(cadre.get_by_role("alert")).to_contain_text("已送村务监督委员会审核")
    expect(cadre.locator("#review-waiting")).to_contain_text("审核后才能张贴")
    expect(cadre.locator("#next-step")).to_have_count(0)

    # The committee agrees to the revision: the posting is offered, with the agreed text.
    member.reload()
    decide = member.locator(".review-decide")
    expect(decide).to_have_count(1)
    expect(member.locator(".review").last).to_contain_text(REVISED)
    decide.get_by_label("同意公开").check()
    decide.get_by_role("button", name="提交审核意见").click()
    expect(member.get_by_role("alert")).to_contain_text("审核意见已记录")
    expect(member.locator(".review-decide")).to_have_count(0)
    screenshot(member, "i10-review-agreed-village_supervisor-phone")
    cadre.reload()
    expect(cadre.locator("#next-step")).to_have_text("张贴决议公开")
    cadre.locator("#next-step").click()
    expect(cadre.get_by_label("公开内容")).to_have_value(REVISED)
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE and matter.status == Matter.Status.OPEN
    assert list(DisclosureReview.objects.order_by("id").values_list("verdict", flat=True)) == [
        "object",
        "agree",
    ]

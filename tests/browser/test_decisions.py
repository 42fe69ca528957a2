"""四议两公开 in the browser: a village secretary takes a matter through every step on a phone, a villager
reads the public bulletin without logging in, and the township sees a stuck matter on its oversight page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from decisions.models import BoardPhoto, Disclosure, Matter, MatterCategory, Meeting, Step
from decisions.services import MeetingInput, RosterCounts, matter_register, meeting_record, roster_record
from regions.roles import Role
from tests.browser.conftest import WIDTHS, log_in, screenshot
from tests.conftest import make_user, png_bytes

pytestmark = pytest.mark.browser

COUNTS = RosterCounts(
    branch_committee=5,
    party_members=41,
    committee_members=7,
    representatives=30,
    adults=900,
    households=300,
    village_committee=0,
)
TITLE = "修建村东头文化广场"
CATEGORY = "公益事业的兴办和筹资筹劳方案及建设承包方案"
SECRETARY_NAME = "赵建国"
CHAIR, RECORDER = "王德明", "李秀兰"


def _meeting(
    page: Page,
    *,
    heading: str,
    held_on,
    entitled: int,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    votes_abstain: int = 0,
    body: str | None = None,
    rule: str | None = None,
    screenshot_as: str | None = None,
) -> None:
    """From the matter page: the next-step button, then the meeting form of the current step, saved."""
    page.locator("#next-step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if body:
        page.get_by_role("group", name="会议形式").get_by_role("link", name=body, exact=True).click()
        expect(
            page.get_by_role("group", name="会议形式").get_by_role("link", name=body, exact=True)
        ).to_have_class(re.compile(r"\bbtn-danger\b"))
    if rule:
        expect(page.locator("#quorum-rule")).to_contain_text(rule)
    expect(page.locator("#id_entitled")).to_have_value(str(entitled))  # prefilled from the roster
    page.fill("#id_held_on", held_on.isoformat())
    page.get_by_label("地点").fill("村委会会议室")
    page.get_by_label("主持人").fill(CHAIR)
    page.get_by_label("记录人").fill(RECORDER)
    page.get_by_label("实到人数").fill(str(present))
    page.get_by_label("赞成票").fill(str(votes_for))
    page.get_by_label("反对票").fill(str(votes_against))
    page.get_by_label("弃权票").fill(str(votes_abstain))
    page.locator("#id_minutes").fill("会议讨论了修建文化广场的选址和预算，与会人员充分发表意见后表决。")
    if screenshot_as:
        screenshot(page, screenshot_as)
    page.get_by_role("button", name="下一步：核对结果").click()
    expect(page.locator("#meeting-outcome")).to_contain_text(f"实到 {present} 人，赞成 {votes_for} 票，通过")
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_role("alert")).to_contain_text("已录入：通过")


def _send_for_review(page: Page, *, posting: str, fill: dict[str, str] | None = None) -> None:
    """From the matter page: the next-step button sends the posting's content to the supervision committee."""
    expect(page.locator("#next-step")).to_have_text(f"送村务监督委员会审核（{posting}）")
    page.locator("#next-step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{posting} · 送村务监督委员会审核")
    for label, value in (fill or {}).items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("已送村务监督委员会审核")
    expect(page.locator("#review-waiting")).to_contain_text("审核后才能张贴")
    expect(page.locator("#next-step")).to_have_count(0)


def _committee_agrees(browser, live_server, supervisor, matter: Matter) -> None:
    """A member of the 村务监督委员会, on a phone of their own, agrees to the submitted content."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **WIDTHS["phone"])
    try:
        member = context.new_page()
        log_in(member, supervisor.username)
        member.goto(matter.get_absolute_url())
        form = member.locator(".review-decide")
        expect(form).to_have_count(1)
        form.get_by_label("同意公开").check()
        form.get_by_role("button", name="提交审核意见").click()
        expect(member.get_by_role("alert")).to_contain_text("审核意见已记录")
        expect(member.locator(".review-decide")).to_have_count(0)
    finally:
        context.close()


def test_secretary_takes_matter_through_four_meetings_and_two_disclosures_on_phone(
    world, live_server, open_page, browser, tmp_path
):
    village = world.village_a1
    secretary = make_user("baima_secretary", Role.VILLAGE_SECRETARY, village, real_name=SECRETARY_NAME)
    supervisor = make_user("baima_supervisor", Role.VILLAGE_SUPERVISOR, village, real_name="孙监督")
    roster_record(
        actor=secretary, village=village, valid_from=timezone.localdate() - timedelta(days=400), counts=COUNTS
    )
    today = timezone.localdate()
    photo = tmp_path / "公开栏.png"
    photo.write_bytes(png_bytes(size=(160, 120)))

    page = open_page("phone")
    log_in(page, secretary.username)
    expect(page).to_have_url(f"{live_server.url}{village.get_absolute_url()}")
    panel = page.locator("#panel-decisions")
    expect(panel).to_contain_text("没有办理中的决策事项。")
    panel.get_by_role("link", name="＋ 登记决策事项").click()

    # The matter.
    expect(page.get_by_role("heading", level=1)).to_have_text("登记决策事项")
    page.get_by_label("事项类别").select_option(label=CATEGORY)
    page.get_by_label("事项名称").fill(TITLE)
    page.get_by_label("事项内容").fill("在村东头空地修建约800平方米的文化广场，含健身器材。")
    page.get_by_label("预计金额（元）").fill("120000")
    expect(page.get_by_label("提议人")).to_have_value("村党组织")
    screenshot(page, "decision-matter-form-village_secretary-phone")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("事项已登记，下一步：录入党组织提议会议。")
    matter = Matter.objects.get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/decisions/matters/{matter.pk}/")
    expect(page.locator("#matter-status")).to_have_text("党组织提议")
    expect(page.locator("#next-step")).to_have_text("录入“党组织提议”会议")

    # The four meetings, on consecutive days well before the posting (dates never go backwards).
    _meeting(
        page, heading="党组织提议", held_on=today - timedelta(days=14), entitled=5, present=5, votes_for=5
    )
    expect(page.locator("#matter-status")).to_have_text("两委商议")
    _meeting(
        page,
        heading="两委商议",
        held_on=today - timedelta(days=13),
        entitled=7,
        present=7,
        votes_for=6,
        votes_abstain=1,
    )
    _meeting(
        page,
        heading="党员大会审议",
        held_on=today - timedelta(days=12),
        entitled=41,
        present=38,
        votes_for=36,
        votes_against=1,
        votes_abstain=1,
    )

    _meeting(
        page,
        heading="村民（代表）会议决议",
        held_on=today - timedelta(days=11),
        entitled=30,
        present=27,
        votes_for=25,
        votes_against=2,
        body="村民代表会议",
        rule="村民代表会议组成人员（村民委员会成员和村民代表）三分之二以上到会方可开会",
        screenshot_as="decision-meeting-form-resolution-phone",
    )
    expect(page.locator("#matter-status")).to_have_text("决议公开")
    expect(page.locator("#step-bar li")).to_have_count(7)
    expect(page.locator(".meeting")).to_have_count(4)
    screenshot(page, "decision-matter-after-resolution-phone")

    # 一监督: the resolution's text goes to the supervision committee, which agrees, before it is posted.
    _send_for_review(page, posting="决议公开")
    _committee_agrees(browser, live_server, supervisor, matter)
    page.reload()
    expect(page.locator("#next-step")).to_have_text("张贴决议公开")

    # 决议公开, posted ten days ago with the board photo: the 7-day period has run, the matter moves on.
    page.locator("#next-step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("决议公开")
    expect(page.get_by_label("公开内容")).to_have_value(re.compile(TITLE))  # prefilled from the matter
    page.fill("#id_posted_on", (today - timedelta(days=10)).isoformat())
    screenshot(page, "decision-disclosure-form-phone")
    page.get_by_role("button", name="下一步：核对结果").click()
    # 民法典 第201条: seven days from the day after posting; a weekend end moves to the Monday.
    posted, ends = today - timedelta(days=10), today - timedelta(days=3)
    while ends.weekday() >= 5:
        ends += timedelta(days=1)
    expect(page.locator("#disclosure-outcome")).to_contain_text(
        f"公示期：{posted.year}年{posted.month}月{posted.day}日张贴，自张贴次日起7日，"
        f"至{ends.year}年{ends.month}月{ends.day}日"
    )
    page.get_by_label("公开栏照片").set_input_files(str(photo))  # chosen on the confirmation
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_role("alert")).to_contain_text("决议公开已登记，公示期7天。")
    resolution = page.locator("#disclosure-resolution")
    expect(resolution.get_by_role("img", name="公开栏照片")).to_be_visible()
    expect(resolution).to_contain_text("已期满")
    expect(page.locator("#matter-status")).to_have_text("组织实施")

    # 实施结果公开, today (after the resolution's period ended), reviewed by the committee first.
    _send_for_review(
        page,
        posting="实施结果公开",
        fill={
            "公开内容": "文化广场已建成，健身器材已安装到位。",
            "实际支出（元）": "118500",
            "验收情况": "镇村联合验收合格",
        },
    )
    _committee_agrees(browser, live_server, supervisor, matter)
    page.reload()
    page.locator("#next-step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("实施结果公开")
    # The form carries the reviewed content.
    expect(page.get_by_label("公开内容")).to_have_value("文化广场已建成，健身器材已安装到位。")
    expect(page.get_by_label("实际支出（元）")).to_have_value("118500.00")
    expect(page.get_by_label("验收情况")).to_have_value("镇村联合验收合格")
    expect(page.locator("#id_posted_on")).to_have_value(today.isoformat())
    page.get_by_role("button", name="下一步：核对结果").click()
    expect(page.locator("#disclosure-outcome")).to_contain_text("实际支出 118,500.00元（预计 120,000.00元）")
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_role("alert")).to_contain_text("实施结果公开已登记")
    expect(page.locator("#matter-status")).to_have_text("实施结果公开")
    expect(page.locator("#disclosure-result")).to_contain_text("118,500.00元")
    expect(page.locator("#next-step")).to_have_count(0)
    screenshot(page, "decision-matter-result-disclosed-phone")

    matter.refresh_from_db()
    assert matter.step == Step.RESULT_DISCLOSURE and matter.status == Matter.Status.OPEN
    assert list(Meeting.objects.filter(matter=matter).order_by("held_on").values_list("step", "passed")) == [
        (Step.PROPOSAL, True),
        (Step.CONSULTATION, True),
        (Step.REVIEW, True),
        (Step.RESOLUTION, True),
    ]
    assert (
        BoardPhoto.objects.filter(
            disclosure__matter=matter, disclosure__kind=Disclosure.Kind.RESOLUTION
        ).count()
        == 1
    )

    # A villager opens the bulletin in a browser of their own: the votes and the result, no names.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **WIDTHS["phone"])
    try:
        villager = context.new_page()
        villager.goto(f"/bulletin/{village.code}/")
        expect(villager).to_have_url(f"{live_server.url}/bulletin/{village.code}/")  # no login asked
        expect(villager.get_by_role("heading", level=1)).to_have_text("安乐镇白马村村务公开栏")
        entry = villager.locator(".bulletin-entry")
        expect(entry).to_have_count(1)
        expect(entry.get_by_role("heading", level=2)).to_have_text(TITLE)
        expect(entry).to_contain_text("结果公示中")
        expect(entry).to_contain_text("预计金额120,000.00元")
        expect(entry.locator("ol li")).to_have_count(4)
        expect(entry).to_contain_text(
            "党员大会审议（党员大会）：应到41人，实到38人，赞成36票，反对1票，弃权1票，通过"
        )
        expect(entry).to_contain_text(
            "村民（代表）会议决议（村民代表会议）：应到30人，实到27人，赞成25票，反对2票，弃权0票，通过"
        )
        expect(entry).to_contain_text("文化广场已建成，健身器材已安装到位。")
        expect(entry).to_contain_text("118,500.00元")
        expect(entry).to_contain_text("镇村联合验收合格")
        expect(entry.locator(".reviewed-badge")).to_have_count(2)  # both postings: 已经村务监督委员会审核
        body = villager.locator("body")
        for name in (CHAIR, RECORDER, SECRETARY_NAME, secretary.username, "孙监督"):
            expect(body).not_to_contain_text(name)
        screenshot(villager, "decision-bulletin-phone")
    finally:
        context.close()


def test_secretary_fixes_a_typo_on_the_confirmation_before_the_meeting_is_frozen_on_phone(
    world, live_server, open_page
):
    """The confirmation shows the figures the system computed; "返回修改" brings the form back filled; only
    "确认提交" records the meeting."""
    village = world.village_a1
    secretary = make_user("baima_secretary", Role.VILLAGE_SECRETARY, village, real_name=SECRETARY_NAME)
    roster_record(
        actor=secretary, village=village, valid_from=timezone.localdate() - timedelta(days=400), counts=COUNTS
    )
    matter = matter_register(
        actor=secretary,
        village=village,
        category=MatterCategory.objects.get(name=CATEGORY),
        title=TITLE,
        content="在村东头空地修建文化广场。",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    held_on = timezone.localdate() - timedelta(days=2)
    for step, body, entitled in (
        ("proposal", "party_organization", 5),
        ("consultation", "two_committees", 7),
        ("review", "party_congress", 41),
    ):
        matter.refresh_from_db()
        meeting_record(
            actor=secretary,
            matter=matter,
            version=matter.version,
            data=MeetingInput(
                step=step,
                body=body,
                held_on=held_on,
                place="村委会会议室",
                chair=CHAIR,
                recorder=RECORDER,
                entitled=entitled,
                present=entitled,
                votes_for=entitled,
                minutes="一致通过。",
            ),
        )

    page = open_page("phone")
    log_in(page, secretary.username)
    page.goto(f"/decisions/matters/{matter.pk}/")
    page.locator("#next-step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("村民（代表）会议决议")
    page.fill("#id_held_on", held_on.isoformat())
    page.get_by_label("地点").fill("村委会会议室")
    page.get_by_label("主持人").fill(CHAIR)
    page.get_by_label("记录人").fill(RECORDER)
    page.get_by_label("实到人数").fill("18")  # the typo: 28 were there
    page.get_by_label("赞成票").fill("20")
    page.get_by_label("反对票").fill("0")
    page.get_by_label("弃权票").fill("0")
    page.locator("#id_minutes").fill("会议讨论了修建文化广场的选址和预算。")
    page.get_by_role("button", name="下一步：核对结果").click()

    # The vote count is more than the attendance: refused on the form, nothing to confirm yet.
    expect(page.get_by_role("alert")).to_contain_text(
        "赞成、反对、弃权票数之和（20票）不能多于实到人数（18人）"
    )
    page.get_by_label("赞成票").fill("15")
    page.get_by_role("button", name="下一步：核对结果").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("核对会议：村民（代表）会议决议")
    outcome = page.locator("#meeting-outcome")
    expect(outcome).to_contain_text(
        "需到会 ≥ 20 人，赞成 ≥ 11 票（赞成票须超过到会人数的一半）；实到 18 人，未达到法定人数，会议不成立"
    )
    expect(outcome).to_contain_text("不予记录")
    screenshot(page, "decision-meeting-confirm-no-quorum-phone")
    assert not Meeting.objects.filter(matter=matter, step=Step.RESOLUTION).exists()

    page.get_by_role("button", name="返回修改").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("村民（代表）会议决议")
    expect(page.get_by_label("实到人数")).to_have_value("18")
    expect(page.get_by_label("主持人")).to_have_value(CHAIR)
    expect(page.locator("#id_minutes")).to_have_value("会议讨论了修建文化广场的选址和预算。")
    page.get_by_label("实到人数").fill("28")
    page.get_by_label("赞成票").fill("20")
    page.get_by_role("button", name="下一步：核对结果").click()
    expect(outcome).to_contain_text(
        "需到会 ≥ 20 人，赞成 ≥ 15 票（赞成票须超过到会人数的一半）；实到 28 人，赞成 20 票，通过"
    )
    screenshot(page, "decision-meeting-confirm-passed-phone")
    assert not Meeting.objects.filter(matter=matter, step=Step.RESOLUTION).exists()

    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_role("alert")).to_contain_text("村民代表会议已录入：通过")
    expect(page.locator("#matter-status")).to_have_text("决议公开")
    meeting = Meeting.objects.get(matter=matter, step=Step.RESOLUTION)
    assert (meeting.present, meeting.votes_for, meeting.passed) == (28, 20, True)
    screenshot(page, "decision-meeting-confirmed-phone")


def test_township_sees_stuck_matter_on_oversight_page(world, live_server, open_page):
    roster_record(
        actor=world.village_a1_clerk,
        village=world.village_a1,
        valid_from=timezone.localdate() - timedelta(days=400),
        counts=COUNTS,
    )
    category = MatterCategory.objects.get(name=CATEGORY)
    stuck = matter_register(
        actor=world.village_a1_clerk,
        village=world.village_a1,
        category=category,
        title="村集体鱼塘对外承包",
        content="村集体鱼塘30亩对外公开承包，期限5年。",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    matter_register(
        actor=world.village_a1_clerk,
        village=world.village_a1,
        category=category,
        title=TITLE,
        content="在村东头空地修建文化广场。",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    since = timezone.localdate() - timedelta(days=45)
    Matter.objects.filter(pk=stuck.pk).update(step_since=since)

    page = open_page("desktop")
    log_in(page, world.township_a_officer.username)
    expect(page).to_have_url(f"{live_server.url}{world.township_a.get_absolute_url()}")
    page.goto(f"/decisions/oversight/?region={world.township_a.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("民主决策督导 · 安乐镇")
    stuck_list = page.locator("#stuck")
    expect(stuck_list).to_contain_text("停滞事项（同一环节超过30天，共1件）")
    expect(stuck_list.get_by_role("listitem")).to_have_count(1)
    expect(stuck_list.get_by_role("listitem")).to_contain_text(
        f"村集体鱼塘对外承包 · 安乐镇白马村 · 党组织提议，自{since.year}年{since.month}月{since.day}日"
    )
    expect(stuck_list).not_to_contain_text(TITLE)  # registered today: not stuck
    # Both matters wait for the proposal meeting in 白马村; 张庄村 has none.
    rows = page.locator("#by-step tbody tr")
    expect(rows.filter(has_text="白马村").locator("td").nth(1)).to_have_text("2")
    expect(rows.filter(has_text="张庄村").locator("td").nth(1)).to_have_text("·")
    screenshot(page, "decision-oversight-township-desktop")
    stuck_list.get_by_role("link", name="村集体鱼塘对外承包").click()
    expect(page).to_have_url(f"{live_server.url}/decisions/matters/{stuck.pk}/")
    expect(page.locator("#next-step")).to_have_count(0)  # the township oversees, it does not record meetings


def test_village_answers_the_committees_objection_and_the_committee_closes_it_on_phone(
    world, live_server, open_page
):
    from decisions.services import opinion_record

    village = world.village_a1
    roster_record(
        actor=world.village_a1_clerk,
        village=village,
        valid_from=timezone.localdate() - timedelta(days=400),
        counts=COUNTS,
    )
    matter = matter_register(
        actor=world.village_a1_clerk,
        village=village,
        category=MatterCategory.objects.get(name=CATEGORY),
        title=TITLE,
        content="在村东头空地修建文化广场。",
        estimated_amount=None,
        proposed_by="村党组织",
    )
    supervisor = make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, village, real_name="孙监督")
    opinion_record(actor=supervisor, matter=matter, verdict="object", reason="选址未征求东组村民意见")

    page = open_page("phone")
    log_in(page, world.village_a1_clerk.username)
    page.goto(f"/decisions/matters/{matter.pk}/meeting/")
    expect(page.locator("#open-objections")).to_contain_text("选址未征求东组村民意见（尚未答复）")
    page.goto(f"/decisions/matters/{matter.pk}/")
    page.get_by_label("答复监委会异议").fill("已于本周召开东组村民会议征求意见，同意选址。")
    page.get_by_role("button", name="答复异议").click()
    expect(page.get_by_role("alert")).to_contain_text("答复已记录，已通知村务监督委员会。")
    expect(page.locator(".opinion")).to_contain_text("村里答复")
    expect(page.locator("#timeline")).to_contain_text("答复监委会异议")
    screenshot(page, "decision-objection-answered-phone")

    committee = open_page("phone")
    log_in(committee, supervisor.username)
    committee.goto(f"/decisions/matters/{matter.pk}/")
    committee.get_by_label("关闭说明").fill("答复属实")
    committee.get_by_role("button", name="关闭异议").click()
    expect(committee.get_by_role("alert")).to_contain_text("异议已关闭。")
    expect(committee.locator(".opinion")).to_contain_text("监委会已关闭（孙监督")
    expect(committee.locator(".opinion .badge")).to_have_text("有异议 · 已关闭")
    screenshot(committee, "decision-objection-closed-phone")

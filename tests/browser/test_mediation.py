"""A grid worker reports a dispute from the phone; the village takes it over from the grid, mediates once and
fails, escalates it to the township; the township's 司法所 accepts it, mediates, records a written agreement,
the parties sign and the seal is applied, and the 调解协议书 is printed."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from mediation.models import Dispute
from regions.roles import Role
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def act(page: Page, action: str, fill=None, button: str | None = None) -> None:
    """Opens the action's panel on the case page, fills it and submits it."""
    panel = page.locator(f'details[data-action="{action}"]')
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    if fill is not None:
        fill(panel)
    panel.locator("button").last.click() if button is None else panel.get_by_role(
        "button", name=button
    ).click()


def session(panel) -> None:
    panel.get_by_label("地点").fill("村党群服务中心矛盾调解室")
    panel.get_by_label("到场当事人").fill("沈大、沈二")
    panel.get_by_label("调解经过").fill("双方陈述了排水沟的走向，分歧较大，约定三日后再调。")


def test_grid_report_village_mediation_escalation_agreement_and_printout(
    world, live_server, open_page, own_page
):
    grid_worker = make_user("grid_a1", Role.GRID_WORKER, world.village_a1, real_name="周网格")
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a, real_name="吴司法")

    # The grid worker on the phone: one screen, the grid and the source already chosen.
    phone = open_page("phone")
    log_in(phone, grid_worker.username)
    started = time.monotonic()
    phone.goto("/mediation/disputes/new/")
    expect(phone.get_by_label("来源")).to_have_value("grid")
    phone.get_by_label("纠纷类型").select_option(label="邻里纠纷")
    phone.get_by_label("简要情况").fill("沈家兄弟因宅前排水沟走向发生争执，弟弟扬言要去北京上访。")
    phone.get_by_label("当事人一 姓名或名称").fill("沈大")
    phone.get_by_label("当事人二 姓名或名称").fill("沈二")
    phone.get_by_label("扬言上访/越级上访").check()
    screenshot(phone, "mediation-grid-report-phone")
    phone.get_by_role("button", name="登记").click()
    expect(phone.get_by_role("alert").first).to_contain_text("已登记")
    assert time.monotonic() - started < 60
    dispute = Dispute.objects.get()
    assert (dispute.level, dispute.source, dispute.petition_threat) == ("grid", "grid", True)
    expect(phone.locator("body")).to_contain_text(dispute.number)
    screenshot(phone, "mediation-case-after-report-phone")

    # The village takes it over from the grid, accepts, assigns a mediator, mediates once, then escalates.
    village = own_page("desktop")
    log_in(village, world.village_a1_clerk.username)
    village.goto(dispute.get_absolute_url())
    act(
        village,
        "escalate",
        lambda p: (
            p.get_by_label("上报至").select_option("village"),
            p.get_by_label("上报理由").select_option("complex"),
        ),
    )
    expect(village.get_by_role("alert").first).to_contain_text("上报")
    act(village, "accept")
    expect(village.locator("body")).to_contain_text("调解期限")
    act(village, "assign", lambda p: p.get_by_label("调解员姓名").fill("李调解"))
    act(village, "session", session)
    expect(village.locator("body")).to_contain_text("村党群服务中心矛盾调解室")
    # Skipping the township is refused before anyone tries: the county is offered only with the rule.
    escalate = village.locator('details[data-action="escalate"]')
    escalate.locator("summary").click()
    expect(escalate).to_contain_text("只有重大风险的纠纷可以越级上报")
    escalate.get_by_label("上报至").select_option("township")
    escalate.get_by_label("上报理由").select_option("failed_here")
    screenshot(village, "mediation-village-escalates-desktop")
    escalate.get_by_role("button", name="上报").click()
    expect(village.get_by_role("alert").first).to_contain_text("上报")
    dispute.refresh_from_db()
    assert (dispute.state, dispute.level, dispute.handling_region_id) == (
        "escalated",
        "township",
        world.township_a.pk,
    )
    # The village no longer sees a case the township handles.
    village.goto(dispute.get_absolute_url())
    expect(village.locator("body")).to_contain_text("404")

    # The township's 司法所 accepts, mediates and records a written agreement.
    township = own_page("desktop")
    log_in(township, justice.username)
    township.goto(dispute.get_absolute_url())
    expect(township.locator("body")).to_contain_text(dispute.number)
    act(township, "accept")
    act(township, "assign", lambda p: p.get_by_label("调解员姓名").fill("吴司法"))
    act(township, "session", session)
    township.get_by_role("link", name="记录调解成功（调解协议）").click()
    township.get_by_label("协议形式").select_option("written")
    township.get_by_label("纠纷主要事实、争议事项及各方责任").fill(
        "兄弟二人因排水沟走向发生争执，双方均有责任。"
    )
    township.get_by_label("协议内容").fill("沈大出资疏通排水沟，沈二让出半米通道。")
    township.get_by_label("履行方式").fill("十日内履行完毕")
    township.get_by_role("button", name=re.compile("保存|记录")).click()
    expect(township.locator("#agreement-effect")).to_contain_text("尚未生效")
    expect(township.locator("#agreement-missing")).to_contain_text("沈大")
    # Two signatures and the seal: effective with the last of them.
    for _ in range(2):
        township.locator("#agreement-signatures").get_by_role("button", name="记录签署").first.click()
    expect(township.locator("#agreement-missing")).to_contain_text("调解委员会印章")
    township.get_by_role("button", name="记录签名盖章").click()
    expect(township.locator("#agreement-effect")).to_contain_text("已生效")
    screenshot(township, "mediation-agreement-effective-desktop")
    dispute.refresh_from_db()
    assert (dispute.state, dispute.resolution, dispute.resolved_level) == ("agreed", "mediated", "township")

    # The printout: A4, the parties, N+1 originals, the committee's name.
    township.get_by_role("link", name="打印调解协议书").click()
    expect(township.locator("body")).to_contain_text("调解协议书")
    expect(township.locator("body")).to_contain_text("一式三份")
    expect(township.locator("body")).to_contain_text("沈大")
    screenshot(township, "mediation-agreement-print-desktop")
    # The whole history, one number across the three levels.
    township.goto(dispute.get_absolute_url())
    timeline = township.locator("body")
    for text in ("登记纠纷", "上报", "上级受理", "调解记录", "调解成功", "协议生效"):
        expect(timeline).to_contain_text(text)

"""A cadre accepts a request on a phone, prints the receipt, a villager looks it up, the township sees it overdue."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centers.models import ProxyRequest
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_check_in_accept_receipt_lookup_and_overdue_board(world, live_server, open_page):
    from centers.models import DutyShift
    from centers.services import duty

    shift = duty.roster_set_day(
        actor=None, village=world.village_a1, day=timezone.localdate(), cadre=world.village_a1_clerk
    )
    page = open_page("phone")
    log_in(page, world.village_a1_clerk.username)
    expect(page).to_have_url(f"{live_server.url}{world.village_a1.get_absolute_url()}")

    # One tap on the home page: check in (server time; late or on time depends on the clock).
    page.locator("#panel-duty").get_by_role("button", name="签到").click()
    expect(page.get_by_role("alert")).to_contain_text("已签到")
    expect(page.locator("#panel-duty").get_by_role("button", name="签退")).to_be_visible()
    screenshot(page, "duty-checked-in-village_secretary-phone")
    shift.refresh_from_db()
    assert shift.checked_in_at is not None and shift.attendance in (
        DutyShift.Attendance.ON_TIME,
        DutyShift.Attendance.LATE,
    )

    started = time.monotonic()
    page.get_by_role("link", name="＋ 受理代办事项").click()
    page.get_by_label("服务事项").select_option(label="高龄补贴申请")
    expect(page.locator("#materials")).to_contain_text("银行卡复印件")  # htmx loaded the item's materials
    page.get_by_label("申请人姓名").fill("钱奶奶")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("身份证", exact=True).check()
    page.get_by_label("户口簿").check()
    screenshot(page, "request-intake-village_secretary-phone")
    page.get_by_role("button", name="受理并生成回执").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert time.monotonic() - started < 60  # intake takes well under a minute of clicks
    request = ProxyRequest.objects.get()
    assert request.shift == shift  # accepted during the shift, linked to it
    expect(page.locator("body")).to_contain_text("身份证、户口簿")
    expect(page.locator("body")).to_contain_text("139****5678")
    screenshot(page, "request-receipt-phone")

    villager = open_page("phone")
    villager.goto(f"/lookup/?code={request.receipt_code}")
    villager.get_by_label("手机号后四位").fill("5678")
    villager.get_by_role("button", name="查询").click()
    expect(villager.locator("#lookup-result")).to_contain_text("高龄补贴申请")
    expect(villager.locator("#lookup-result")).to_contain_text("已受理")
    expect(villager.locator("body")).not_to_contain_text("钱奶奶")
    screenshot(villager, "request-lookup-phone")

    # The promised date passes: the township sees a red flag on its overdue board.
    today = timezone.localdate()
    ProxyRequest.objects.filter(pk=request.pk).update(
        accepted_on=today - timedelta(days=30),
        promised_date=today - timedelta(days=1),
        warn_on=today - timedelta(days=2),
    )
    township = open_page("desktop")
    log_in(township, world.township_a_officer.username)
    board = township.locator("#overdue-board")
    expect(board).to_contain_text("高龄补贴申请")
    expect(board).to_contain_text("红牌")
    screenshot(township, "request-overdue-board-township-desktop")

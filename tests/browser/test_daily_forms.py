"""Daily forms on a phone: an existing record's dates survive a save left untouched, and the duty check-in
asks for the location only when 签到 is pressed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centers.models import ChecklistEntry, ChecklistItem, DutyRules, DutyShift
from centers.services import checklist_entry_update
from tests.browser.conftest import WIDTHS, log_in, watch_console
from tests.centers.builders import center_of, shift_on
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-i9-a")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_entry_saved_untouched_keeps_its_check_date(world, live_server, open_page):
    center, item = center_of(world.village_a1), ChecklistItem.objects.order_by("pk").first()
    checklist_entry_update(
        actor=world.village_a1_clerk,
        center=center,
        item=item,
        is_met=True,
        checked_on=dt.date(2026, 11, 6),
        note="门头已更换",
        version=0,
    )
    before = (
        ChecklistEntry.objects.filter(center=center, item=item).values("is_met", "checked_on", "note").get()
    )

    page = open_page("phone")
    log_in(page, world.village_a1_clerk.username)
    expect(page).to_have_url(re.compile(r"/regions/419901101201/$"))
    page.goto(f"/centers/{center.pk}/checklist/{item.pk}/")
    expect(page.get_by_label("检查日期")).to_have_value("2026-11-06")
    shot(page, "checklist-entry-existing-date-phone")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(f"{live_server.url}/centers/{center.pk}/")
    expect(page.get_by_role("alert")).to_contain_text(f"“{item.name}”已保存。")

    after = (
        ChecklistEntry.objects.filter(center=center, item=item).values("is_met", "checked_on", "note").get()
    )
    assert after == before == {"is_met": True, "checked_on": dt.date(2026, 11, 6), "note": "门头已更换"}


COUNT_LOCATION_REQUESTS = """
(() => {
  const geo = navigator.geolocation;
  const ask = geo.getCurrentPosition.bind(geo);
  geo.getCurrentPosition = (...args) => {
    sessionStorage.setItem("asked", String(Number(sessionStorage.getItem("asked") || 0) + 1));
    return ask(...args);
  };
})();
"""


def test_check_in_asks_for_the_location_only_when_pressed(world, browser, live_server, csp_violations):
    DutyRules.objects.create(
        county=world.county,
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
        cutoff=dt.time(23, 0),
        grace_minutes=120,
    )
    shift = shift_on(world, timezone.localdate())
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        geolocation={"latitude": 33.8, "longitude": 113.9},
        permissions=["geolocation"],
        **WIDTHS["phone"],
    )
    context.add_init_script(COUNT_LOCATION_REQUESTS)
    page = watch_console(context.new_page(), csp_violations)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("用户名或手机号").fill(world.village_a1_clerk.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(re.compile(r"/regions/419901101201/$"))
        check_in = page.get_by_role("button", name="签到", exact=True)
        expect(check_in).to_be_visible()
        page.wait_for_load_state("load")
        assert page.evaluate("sessionStorage.getItem('asked')") is None  # nothing asked on page load
        shot(page, "duty-panel-before-check-in-phone")
        check_in.click()
        expect(page.get_by_role("alert")).to_contain_text("已签到")
        assert page.evaluate("sessionStorage.getItem('asked')") == "1"
        shot(page, "duty-panel-after-check-in-phone")
    finally:
        context.close()
    shift = DutyShift.objects.get(pk=shift.pk)
    assert shift.attendance == "on_time"
    assert (str(shift.latitude), str(shift.longitude)) == ("33.800000", "113.900000")

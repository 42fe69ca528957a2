"""A village secretary keeps the duty roster on a phone: the weekly pattern shows what the month holds,
applying it unchanged loses nothing, and a change is previewed and confirmed before shifts go."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from centers.models import DutyShift
from regions.roles import Role
from tests.browser.conftest import log_in
from tests.centers.builders import shift_on
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-i9-a")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def roster_rows() -> dict:
    return {s.pk: (s.date, s.cadre_id) for s in DutyShift.objects.filter(village__code="419901101201")}


def test_secretary_applies_the_weekly_pattern_on_a_phone(world, live_server, open_page):
    clerk = world.village_a1_clerk
    committee = make_user("committee_a1", Role.VILLAGE_COMMITTEE, world.village_a1, real_name="孙委员")
    day = dt.date(2026, 12, 1)
    while day.month == 12:
        if day.weekday() < 5:
            shift_on(world, day, committee if day.weekday() == 2 else clerk)
        day += dt.timedelta(days=1)
    shift_on(world, dt.date(2026, 12, 16), clerk)  # one Wednesday differs: a mixed weekday
    before = roster_rows()

    page = open_page("phone")
    log_in(page, clerk.username)
    expect(page).to_have_url(re.compile(r"/regions/419901101201/$"))
    page.goto("/duty/419901101201/roster/?month=2026-12")
    expect(page.get_by_role("heading", level=1)).to_have_text("白马村值班表 · 2026年12月")

    # The current pattern, as the month holds it.
    form = page.locator("#pattern-form")
    expect(form.get_by_label("周一")).to_have_value(str(clerk.pk))
    expect(form.get_by_label("周三")).to_have_value("keep")
    expect(form.get_by_label("周三").locator("option:checked")).to_have_text("保持各天现状")
    expect(form).to_contain_text(f"本月各天不同：孙委员4天、{clerk.real_name}1天")
    expect(form.get_by_label("周六")).to_have_value("")
    expect(form.get_by_label("开始")).to_have_value("2026-12-01")
    expect(form.get_by_label("结束")).to_have_value("2026-12-31")
    form.scroll_into_view_if_needed()
    shot(page, "roster-pattern-current-phone")

    # 应用 unchanged: nothing changes.
    form.get_by_role("button", name="应用").click()
    expect(page.get_by_role("alert")).to_contain_text("按周排班与现有值班表一致，没有变动。")
    assert roster_rows() == before

    # Fridays to the committee member: previewed, nothing written until confirmed.
    form = page.locator("#pattern-form")
    form.get_by_label("周五").select_option(label="孙委员")
    form.get_by_role("button", name="应用").click()
    preview = page.locator("#pattern-preview")
    expect(preview).to_contain_text("改排 4 天")
    expect(preview).to_contain_text(f"12月4日 周五 {clerk.real_name} → 孙委员")
    expect(preview).to_contain_text("保持不变 19 天")
    assert roster_rows() == before
    shot(page, "roster-pattern-preview-phone")
    preview.get_by_role("button", name="确认删除或改排4天并应用").click()
    expect(page.get_by_role("alert")).to_contain_text("已按周排班：新增0天，删除0天，改排4天。")
    expect(page.locator("#pattern-form").get_by_label("周五")).to_have_value(str(committee.pk))
    shot(page, "roster-pattern-applied-phone")

    after = {s.date: s.cadre_id for s in DutyShift.objects.filter(village=world.village_a1)}
    assert len(after) == len(before)
    assert {d.day for d, c in after.items() if d.weekday() == 4 and c == committee.pk} == {4, 11, 18, 25}
    assert after[dt.date(2026, 12, 16)] == clerk.pk and after[dt.date(2026, 12, 7)] == clerk.pk

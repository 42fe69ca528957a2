"""A county table that compares villages, on a phone: township subtotals, sorting by a column (the subtotals
step aside), back to the grouped order, and the 督办 of an overdue request clicked through and answered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.centers.builders import accept, transition
from tests.centers.test_figures_by_township import overdue

pytestmark = pytest.mark.browser


def figures_world(world) -> None:
    """Township A: A1 with one request done and one overdue (50 %), A2 with one done (100 %);
    township B: B1 with one overdue (0 %)."""
    transition(world, transition(world, accept(world), "start"), "complete", result="已办")
    overdue(accept(world, applicant_name="钱"))
    done = accept(world, actor=world.township_a_officer, village=world.village_a2, applicant_name="孙")
    transition(
        world,
        transition(world, done, "start", world.township_a_officer),
        "complete",
        world.township_a_officer,
        result="已办",
    )
    overdue(accept(world, actor=world.township_b_officer, village=world.village_b1, applicant_name="李"))


def rows_text(page) -> list[str]:
    return [t.strip() for t in page.locator("#figures tbody tr:visible td:nth-child(2)").all_inner_texts()]


def test_county_figures_sort_by_a_column_and_return_to_townships(world, open_page):
    figures_world(world)
    page = open_page("phone")
    log_in(page, "county_admin")
    page.goto("/requests/figures/?from=2000-01-01&to=2099-12-31")
    expect(page.locator("#figures tfoot")).to_contain_text("全县合计")
    assert rows_text(page) == ["白马村", "张庄村", "小计", "李楼村", "小计"]
    subtotals = page.locator("#figures tr.group-subtotal")
    expect(subtotals.nth(0)).to_contain_text("66.7%")  # 2 on time of 3 counted in township A
    header = page.locator("#figures thead th", has_text="按时办结率")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert rows_text(page) == ["张庄村", "白马村", "李楼村"]  # 100 %, 50 %, 0 %; the subtotals step aside
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert rows_text(page) == ["李楼村", "白马村", "张庄村"]
    screenshot(page, "county-figures-sorted-phone")
    page.get_by_role("button", name="恢复按乡镇分组").click()
    assert rows_text(page) == ["白马村", "张庄村", "小计", "李楼村", "小计"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the table scrolls inside its box, the page does not


def test_a_township_official_urges_an_overdue_request_and_the_village_answers(world, open_page):
    request = overdue(accept(world))
    officer = open_page("phone")
    log_in(officer, "township_a_officer")
    officer.goto(f"/requests/{request.pk}/")
    officer.get_by_label("督办要求（可不填）").fill("请于本周五前办结")
    officer.get_by_role("button", name="督办", exact=True).click()
    expect(officer.locator(".alert-success")).to_contain_text("已督办")
    expect(officer.locator("#urgings")).to_contain_text("未回复")
    clerk = open_page("phone")
    log_in(clerk, "village_a1_clerk")
    clerk.goto(f"/requests/{request.pk}/")
    clerk.locator("#urgings textarea[name=answer]").fill("材料已补齐，周四办结")
    clerk.locator("#urgings").get_by_role("button", name="回复").click()
    expect(clerk.locator("#urgings")).to_contain_text("已回复")
    officer.reload()
    expect(officer.locator("#urgings")).to_contain_text("材料已补齐，周四办结")
    screenshot(officer, "request-urged-and-answered-phone")

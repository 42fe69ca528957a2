"""The county looks at its mediation figures: the seed's headline, the charts drawn, the table by township,
the Excel sheet; then the network of grids and committees."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from regions.roles import Role
from tests.browser.conftest import log_in, open_menu_if_collapsed, screenshot
from tests.conftest import make_user
from tests.mediation import figure_builders as fb

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_county_reads_its_mediation_figures_and_network(world, live_server, open_page, width):
    today = timezone.localdate()
    politics_law = make_user("politics_law", Role.COUNTY_POLITICS_LAW, world.county, real_name="郑政法")
    for village in (world.village_a1, world.village_a2, world.village_b1):
        fb.resolved(village, found_on=today, resolved_on=today)
        fb.grid(village, "一网格")
    fb.dispute(world.village_a1, found_on=today)
    page = open_page(width)
    log_in(page, politics_law.username)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="调解统计").click()
    page.get_by_role("link", name="本年（年初至今）").click()
    headline = page.locator("#figures-headline")
    expect(headline).to_contain_text("排查出各类矛盾纠纷4起，化解3起，化解率75.0%")
    # The charts are drawn (ECharts renders into the chart's canvas element).
    expect(page.locator(".chart-canvas").first.locator("svg, canvas").first).to_be_visible()
    expect(page.locator("#mediation-figures")).to_contain_text("安乐镇")
    page.wait_for_timeout(1500)  # ECharts' opening animation, for the screenshot
    screenshot(page, f"mediation-figures-county-{width}")
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1
        or width == "desktop"
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="导出Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto("/mediation/")
    page.get_by_role("link", name="调解组织网络").click()
    expect(page.locator("body")).to_contain_text("网格")
    screenshot(page, f"mediation-network-county-{width}")

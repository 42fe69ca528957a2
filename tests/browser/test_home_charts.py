"""The township page's charts on a phone (390 px): drawn by ECharts from their data blocks, the page not
wider than the screen, redrawn to the new width when the window changes, the figures folded below."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centers.services import duty
from regions.roles import Role
from tests.browser.conftest import log_in
from tests.centers.builders import accept, shift_on, transition
from tests.conftest import make_user
from tests.decisions.builders import matter_register, roster_for, take_to

pytestmark = pytest.mark.browser

TODAY = dt.date(2026, 11, 25)
SHOTS = Path("/tmp/shots-i9-e")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def township_figures(world) -> None:
    """Requests over several months, this month's shifts at village A1 and matters at three steps."""
    for month, count, done in ((6, 3, 3), (8, 5, 4), (9, 4, 2), (10, 6, 3), (11, 2, 0)):
        with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, month, 10)):
            requests = [accept(world, applicant_name=f"申请人{month}-{n}") for n in range(count)]
        with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, month, 12)):
            for request in requests[:done]:
                transition(world, transition(world, request, "start"), "complete", result="已办好")
    clerk = world.village_a1_clerk
    for day, minute in ((dt.date(2026, 11, 23), 30), (dt.date(2026, 11, 24), 55)):
        duty.shift_check_in(
            actor=clerk, shift=shift_on(world, day), now=at(day, 9 if minute > 50 else 8, minute)
        )
    shift_on(world, dt.date(2026, 11, 20))
    duty.duty_absences_mark(now=at(dt.date(2026, 11, 20), 12))
    roster_for(world.village_a1, actor=clerk)
    matter_register(clerk, world.village_a1, title="修路")
    take_to(clerk, matter_register(clerk, world.village_a1, title="打井"), "review")


def test_charts_render_on_a_phone_and_follow_the_window(world, open_page):
    SHOTS.mkdir(exist_ok=True)
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        township_figures(world)
        page = open_page("phone")
        log_in(page, "township_a_officer")
        expect(page).to_have_url(re.compile(r"/regions/419901101000/$"))
        for key in ("requests_by_month", "attendance_by_child", "matters_by_step"):
            chart = page.locator(f"#chart-{key} .chart-canvas")
            expect(chart.locator("svg")).to_have_count(1)  # drawn by ECharts (SVG renderer)
            expect(page.locator(f"#chart-{key} details.chart-figures")).not_to_have_attribute("open", "")
        # Nothing sticks out sideways on a 390 px screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        width = page.locator("#chart-requests_by_month .chart-canvas svg").evaluate(
            "svg => svg.getBoundingClientRect().width"
        )
        assert 300 <= width <= 390
        # The bars and the rate line carry the figures of the table.
        expect(page.locator("#chart-requests_by_month svg")).to_contain_text("按时办结率")
        page.locator("#charts").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "township-charts-phone.png"), full_page=True)

        # The figures unfold below the chart.
        page.locator("#chart-requests_by_month summary").click()
        row = page.locator("#chart-requests_by_month tbody tr", has_text="2026年9月")
        expect(row).to_contain_text("50.0%（2/4）")
        page.locator("#chart-requests_by_month").screenshot(
            path=str(SHOTS / "requests-chart-table-phone.png")
        )

        # Turned to a wider window, the charts take the new width.
        page.set_viewport_size({"width": 820, "height": 900})
        page.wait_for_function(
            # A function, not an expression: Playwright evaluates a bare expression with eval(), which the
            # page's Content-Security-Policy refuses.
            "() => document.querySelector('#chart-requests_by_month .chart-canvas svg').getBoundingClientRect().width > 700"
        )
        page.set_viewport_size({"width": 1366, "height": 900})
        page.locator("#charts").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "township-charts-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(
            "() => document.querySelector('#chart-requests_by_month .chart-canvas svg').getBoundingClientRect().width < 391"
        )


def test_justice_office_home_on_a_phone(world, open_page):
    """The 司法所's home on a phone: its township's page with the mediation panel (open, red and escalated
    cases, 积案), and the case list one tap away."""
    from mediation.models import Source
    from tests.mediation.builders import register

    SHOTS.mkdir(exist_ok=True)
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a, real_name="周司法")
    dispute = register(world, source=Source.VISIT)
    from mediation import services as ms

    ms.dispute_escalate(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        to_level="township",
        reason="complex",
    )
    page = open_page("phone")
    log_in(page, justice.username)
    expect(page).to_have_url(re.compile(r"/regions/419901101000/$"))
    panel = page.locator("#panel-mediation_oversight")
    expect(panel).to_contain_text("矛盾调解")
    expect(panel).to_contain_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "justice-home-phone.png"), full_page=True)
    page.goto(dispute.get_absolute_url())
    expect(page.locator("body")).to_contain_text(dispute.number)

"""The Content-Security-Policy on the real pages: every main page (public, signed in, the printable receipt
and poster with their inline QR SVG, the charts, the admin, an error page) loads with no violation on the
console, and the behaviours that moved out of inline handlers (confirm, print, sizes) still work. Every other
browser test also fails on a violation (the csp_violations fixture in conftest)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, is_csp_violation, log_in, watch_console
from tests.centers.builders import accept

pytestmark = pytest.mark.browser

# window.print would open the print dialog: count the calls instead.
COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"


def test_the_policy_is_strict_and_the_detector_sees_a_violation(world, browser, live_server):
    """The header is on the page, and an inline style or script put into it is refused and reported: the
    console check in the other tests can fail."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **WIDTHS["desktop"])
    try:
        page = context.new_page()
        seen: list[str] = []
        watch_console(page, seen)
        response = page.goto("/lookup/")
        policy = response.headers["content-security-policy"]
        for directive in (
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            assert directive in policy
        page.evaluate(
            """() => {
                document.body.insertAdjacentHTML("beforeend", '<div id="styled" style="color: rgb(255, 0, 0)">x</div>');
                const script = document.createElement("script");
                script.textContent = "window.__ran = true";
                document.body.appendChild(script);
            }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
        assert any(is_csp_violation(text) for text in seen), seen
    finally:
        context.close()


def test_public_pages_load_without_violations(world, open_page):
    request = accept(world)
    page = open_page("phone")
    code = world.village_a1.code
    for url in (
        f"/catalog/{code}/",
        f"/duty/{code}/today/",
        f"/bulletin/{code}/",
        f"/suggest/{code}/",
        "/lookup/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
    page.get_by_label("回执码").fill(request.receipt_code)
    page.get_by_label("手机号后四位").fill("5678")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#lookup-result")).to_be_visible()
    # The poster's QR code is inline SVG, and its print button is a data attribute now.
    page.add_init_script(COUNT_PRINTS)
    page.goto(f"/bulletin/{code}/poster/")
    expect(page.locator("#poster-qr svg")).to_be_visible()
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__prints") == 1
    # An error page links its styles from a file.
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("header")).to_have_css("background-color", "rgb(200, 22, 29)")


def test_signed_in_pages_load_without_violations(world, open_page):
    request = accept(world)
    page = open_page("desktop")
    page.add_init_script(COUNT_PRINTS)
    log_in(page, "village_a1_clerk")
    expect(page).to_have_url(re.compile(r"/regions/419901101201/$"))
    # The center panel's checklist bar gets its width from data-width.
    bar = page.locator(".progress-bar").first
    if bar.count():
        assert bar.get_attribute("style") is None or "width" in bar.get_attribute("style")
    page.goto(f"/requests/{request.pk}/")
    expect(page.locator("main")).to_contain_text(request.number)
    page.goto(f"/requests/{request.pk}/receipt/")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator("#receipt-code")).to_have_css("font-weight", "700")  # receipt.css applies
    page.get_by_role("button", name="打印回执").click()
    assert page.evaluate("window.__prints") == 1
    page.goto("/requests/")
    page.goto("/notifications/")


def test_township_charts_people_and_confirmations_work_under_the_policy(world, open_page):
    page = open_page("desktop")
    log_in(page, "township_a_officer")
    page.goto(f"/regions/{world.township_a.code}/")
    chart = page.locator(".chart-canvas[data-chart]").first
    expect(chart).to_have_attribute("data-drawn", "1")
    height = chart.get_attribute("data-height")
    assert height and page.evaluate("(el) => el.style.height", chart.element_handle()) == height
    # The reset button asks first; saying no sends nothing.
    page.goto(f"/people/{world.village_a1_clerk.pk}/")
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_timeout(300)
    assert asked == ["确定重置该人员的密码？"]
    expect(page).to_have_url(re.compile(rf"/people/{world.village_a1_clerk.pk}/$"))
    page.goto("/people/")


def test_the_admin_works_under_the_policy(world, open_page):
    page = open_page("desktop")
    log_in(page, "sysadmin")
    page.goto("/admin/")
    expect(page.locator("#content-main")).to_be_visible()
    page.goto(f"/admin/accounts/user/{world.village_a1_clerk.pk}/change/")
    expect(page.locator("#user_form")).to_be_visible()
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()  # the admin's own scripts run
    expect(page.locator("input.action-select").first).to_be_checked()
    page.goto(f"/admin/accounts/user/{world.village_a1_clerk.pk}/password/")
    expect(page.locator("#id_password1")).to_be_visible()

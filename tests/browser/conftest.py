"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here uses ``live_server`` and so runs in a transactional database that is flushed
(TRUNCATE) after each test. The flush also empties the standard lists the migrations load;
the ``world`` fixture puts them back (content types and permissions come back by themselves).
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; the tests still use the ORM there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

from tests.conftest import PASSWORD, World, build_world  # noqa: E402

# The app shares a small machine with Chromium and PostgreSQL: allow slow pages before failing.
expect.set_options(timeout=10_000)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

WIDTHS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=zh-CN",
        ],
    }


@pytest.fixture(autouse=True)
def _browser_db(transactional_db) -> None:
    """Committed data the live server can see (the world fixture restores the flushed reference rows)."""


@pytest.fixture
def world(_browser_db) -> World:
    """Committed, built for each test: the live server's thread must see it (no outer transaction here)."""
    return build_world()


@pytest.fixture(scope="session")
def _contexts(browser: Browser, live_server) -> Iterator[dict[str, BrowserContext]]:
    """One browser context per width for the whole session (its static-file cache is reused)."""
    contexts: dict[str, BrowserContext] = {}
    for width, options in WIDTHS.items():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        context.set_default_timeout(10_000)
        contexts[width] = context
    yield contexts
    for context in contexts.values():
        context.close()


def is_csp_violation(text: str) -> bool:
    """Chromium's console message for anything the Content-Security-Policy refused."""
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def csp_violations() -> Iterator[list[str]]:
    """The CSP violations reported on the console of every page a test opens (open_page, own_page): the test
    fails if there is any, so every browser test proves its pages work under the policy."""
    seen: list[str] = []
    yield seen
    assert not seen, "Content-Security-Policy violations:\n" + "\n".join(seen)


def watch_console(page: Page, violations: list[str]) -> Page:
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if is_csp_violation(message.text) else None
        ),
    )
    return page


@pytest.fixture
def open_page(_contexts, live_server, csp_violations) -> Iterator[Callable[[str], Page]]:
    """``open_page("phone")`` / ``open_page("desktop")``: a new page, signed out, at that width."""
    pages: list[Page] = []

    def _open(width: str) -> Page:
        context = _contexts[width]
        context.clear_cookies()
        page = watch_console(context.new_page(), csp_violations)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


@pytest.fixture
def own_page(browser: Browser, live_server, csp_violations) -> Iterator[Callable[[str], Page]]:
    """``own_page("phone")``: a page in a browser context of its own (its own cookies), for a second person
    who stays signed out, or signed in as someone else, while ``open_page``'s user is signed in."""
    contexts: list[BrowserContext] = []

    def _open(width: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **WIDTHS[width])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return watch_console(context.new_page(), csp_violations)

    yield _open
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, username: str, password: str = PASSWORD, screenshot_as: str | None = None) -> None:
    """Opens the home page, is sent to the login form, and signs in through it."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    if screenshot_as:
        screenshot(page, screenshot_as)
    page.get_by_role("button", name="登录").click()


def open_menu_if_collapsed(page: Page) -> None:
    """Below Bootstrap's lg breakpoint the navbar is collapsed behind the toggler."""
    toggler = page.get_by_role("button", name="展开菜单")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bshow\b"))

"""Every role signs in through the real login form, at phone and desktop width, and lands on its region (or,
while its system is being built, on the page saying what is coming)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from core import registry
from regions.homes import COMING
from regions.roles import ROLE_TABLE, Level, Role
from regions.services import post_grant
from tests.browser.conftest import WIDTHS, log_in, open_menu_if_collapsed, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REAL_NAMES = dict(
    zip(
        Role,
        [
            "赵建国",
            "钱秀英",
            "孙志强",
            "李明华",
            "周晓燕",
            "吴国庆",
            "郑海涛",
            "王春梅",
            "冯立新",
            "陈桂兰",
            "褚文博",
            "卫红霞",
            "蒋德福",
            "沈玉珍",
            "杨晓东",
            "韩宇航",
            "秦雪梅",
            "许卫东",
            "何丽娟",
            "吕振华",
        ],
        strict=True,
    )
)


def region_for(world, role: Role):
    levels = ROLE_TABLE[role.value].levels
    if Level.VILLAGE in levels:
        return world.village_a1
    if Level.TOWNSHIP in levels:
        return world.township_a
    return world.county


def user_for(world, role: Role) -> User:
    admin = role == Role.SYSTEM_ADMIN
    user = User(
        username=f"u_{role.value}",
        real_name=REAL_NAMES[role],
        must_change_password=False,
        is_superuser=admin,
        is_staff=admin,
    )
    user.set_password(PASSWORD)
    user.save()
    post_grant(actor=None, user=user, role=role.value, region=region_for(world, role))
    return user


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_logs_in_and_lands_on_its_region(world, live_server, open_page, role, width):
    user = user_for(world, role)
    region = region_for(world, role)
    page = open_page(width)

    log_in(page, user.username)

    if role in COMING and registry.contribution_of(COMING[role].app_label) is None:
        # Posts whose system is being built land on the page saying what is coming (regions.homes).
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{user.real_name}，您好")
        expect(page.locator("#available-today")).to_contain_text(f"{region.name}概况")
    else:
        expect(page).to_have_url(f"{live_server.url}/regions/{region.code}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(region.name)
    name = page.locator("#mainNav .navbar-text")
    expect(name).to_have_text(f"当前用户：{user.real_name}")
    if width == "phone":
        expect(name).to_be_hidden()  # collapsed behind the toggler until opened
        open_menu_if_collapsed(page)
    expect(name).to_be_visible()
    screenshot(page, f"login-{role.value}-{width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_first_login_must_change_password(world, live_server, open_page, width):
    user = User(username="first_login", real_name="刘新来", must_change_password=True)
    user.set_password(PASSWORD)
    user.save()
    post_grant(actor=None, user=user, role=Role.VILLAGE_COMMITTEE, region=world.village_a2)
    page = open_page(width)

    log_in(page, "first_login", screenshot_as=f"login-form-{width}")

    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.get_by_text("您正在使用管理员设置的初始密码")).to_be_visible()
    # Any other page sends the user back here until the password is changed.
    page.goto(f"/regions/{world.village_a2.code}/")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    screenshot(page, f"password-change-required-{width}")

    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password1]").fill("Xy!new2026pw")
    page.locator("input[name=new_password2]").fill("Xy!new2026pw")
    page.get_by_role("button", name="保存新密码").click()

    expect(page).to_have_url(f"{live_server.url}/regions/{world.village_a2.code}/")
    expect(page.get_by_role("alert")).to_contain_text("密码已修改。")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.village_a2.name)
    screenshot(page, f"password-changed-{width}")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Xy!new2026pw")

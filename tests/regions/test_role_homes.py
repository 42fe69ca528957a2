"""Home pages of the posts whose system is being built: the township 司法所 sees what mediation will do,
the township and county 纪委 what supervision will do, each with what they can use today; every other
post still lands on its region's page, and the page gives way once the system registers."""

from __future__ import annotations

import pytest

from core import registry
from regions.roles import Role
from regions.services import post_grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def home(world, user):
    return world.client_for(user).get("/")


@pytest.fixture
def mediation_unregistered():
    """The page as it was before mediation landed (the mechanism still serves supervision)."""
    contribution = registry._CONTRIBUTIONS.pop("mediation")
    yield
    registry._CONTRIBUTIONS["mediation"] = contribution


def test_township_justice_office_sees_what_mediation_will_do(world, mediation_unregistered):
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a, real_name="周司法")
    response = home(world, justice)
    assert response.status_code == 200
    html = response.content.decode()
    assert "周司法，您好" in html and "安乐镇 · 乡镇司法所（调解员）" in html
    assert 'id="coming-mediation"' in html and "矛盾纠纷调处系统正在建设中" in html
    assert "自受理之日起一个月内调结" in html and "化解率（化解数 ÷ 排查数）" in html
    assert 'id="coming-supervision"' not in html
    # What it can use today: its township's page, the menu's pages, its notifications.
    assert 'href="/regions/419901101000/"' in html and "安乐镇概况" in html
    assert "代办督办" in html and "以及统计图表" in html
    assert 'href="/requests/"' in html and 'href="/decisions/"' in html
    assert 'id="panel-due"' in html and "您已被任命为" in html  # the notice of its own appointment


@pytest.mark.parametrize(
    "role,region_name,label",
    [(Role.TOWNSHIP_DISCIPLINE, "township_a", "乡镇纪委"), (Role.COUNTY_DISCIPLINE, "county", "县纪委监委")],
)
def test_discipline_commission_sees_what_supervision_will_do(world, role, region_name, label):
    region = getattr(world, region_name)
    officer = make_user("discipline", role, region, real_name="吴纪检")
    html = home(world, officer).content.decode()
    assert f"{region.name} · {label}" in html
    assert 'id="coming-supervision"' in html and "党风政风监督系统正在建设中" in html
    assert "群众可实名或匿名在线举报" in html and "村务监督委员会提出的异议" in html
    assert 'id="coming-mediation"' not in html
    assert f'href="/regions/{region.code}/"' in html and f"{region.name}概况" in html


@pytest.mark.parametrize(
    "username,code",
    [
        ("county_admin", "419901000000"),
        ("township_a_officer", "419901101000"),
        ("village_a1_clerk", "419901101201"),
        ("village_a1_readonly", "419901101201"),
    ],
)
def test_other_posts_still_land_on_their_region_page(world, username, code):
    response = home(world, getattr(world, username))
    assert response.status_code == 302 and response.url == f"/regions/{code}/"


def test_county_politics_and_law_commission_is_unaffected(world):
    officer = make_user("politics_law", Role.COUNTY_POLITICS_LAW, world.county)
    assert home(world, officer).url == "/regions/419901000000/"


def test_a_working_post_beside_it_takes_the_user_to_that_posts_page(world):
    officer = make_user("two_posts", Role.TOWNSHIP_JUSTICE, world.township_a)
    post_grant(actor=None, user=officer, role=Role.LIAISON_CADRE, region=world.village_a1)
    response = home(world, officer)
    assert response.status_code == 302 and response.url == "/regions/419901101000/"


def test_the_region_page_of_these_posts_is_unchanged(world):
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a)
    html = world.client_for(justice).get("/regions/419901101000/").content.decode()
    assert 'id="panel-requests"' in html and 'id="coming-mediation"' not in html


def test_the_page_gives_way_once_the_system_registers(world):
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a)
    response = home(world, justice)
    assert response.status_code == 302 and response.url == "/regions/419901101000/"
    officer = make_user("discipline", Role.TOWNSHIP_DISCIPLINE, world.township_a)
    assert 'id="coming-supervision"' in home(world, officer).content.decode()


def test_the_page_costs_what_the_usual_home_costs(world, django_assert_max_num_queries):
    officer = make_user("discipline", Role.TOWNSHIP_DISCIPLINE, world.township_a)
    client = world.client_for(officer)
    client.get("/")  # warm-up: the session's refresh, the grants
    with django_assert_max_num_queries(2):  # the user, the posts (notifications are cached)
        assert client.get("/").status_code == 200

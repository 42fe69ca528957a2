"""A village's grids through their pages: the list with its warnings and missing posts, create and edit
(name unique per village), switching off (refused while posts or open disputes are on it), and who may."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from mediation.models import NotAcceptedReason
from mediation.services import dispute_refuse
from mediation.services.network import (
    GRID_HAS_DISPUTES,
    GRID_HAS_POSTS,
    GRID_HOUSEHOLDS_WARNING,
    GRID_NAME_TAKEN,
    NOT_YOURS,
    grid_create,
)
from regions.models import Grid, Post
from regions.roles import Role
from regions.services import post_end, post_grant
from regions.services.posts import GRID_NONE_ACTIVE, WHOLE_VILLAGE_GRID
from tests.conftest import make_user
from tests.mediation.builders import register


def _list(world, user=None, village=None):
    village = village or world.village_a1
    return world.client_for(user or world.village_a1_clerk).get(f"/mediation/network/{village.code}/grids/")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _warning(name: str, households: int) -> str:
    return GRID_HOUSEHOLDS_WARNING.format(name=name, households=households, low=50, high=100)


@pytest.mark.parametrize(("households", "warned"), [(49, True), (50, False), (100, False), (101, True)])
def test_households_outside_50_to_100_are_kept_with_a_warning(world, households, warned):
    """[004 咸宁] "以常住居民50-100户划分片区网格": a warning, not a refusal, on both sides of the range."""
    response = world.client_for(world.village_a1_clerk).post(
        f"/mediation/network/{world.village_a1.code}/grids/new/",
        {"name": "一组网格", "households": households, "area": "一组、二组"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/mediation/network/{world.village_a1.code}/grids/"
    grid = Grid.objects.get(village=world.village_a1, name="一组网格")
    assert grid.households == households and grid.area == "一组、二组"
    assert (_warning("一组网格", households) in _messages(response)) is warned
    page = _list(world).content.decode()
    assert (_warning("一组网格", households) in page) is warned


def test_the_list_shows_posts_by_role_and_the_missing_of_the_four(world):
    """一格四员: the world's grid worker sits in the whole-village grid; the three other posts are missing."""
    response = _list(world)
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.grid.name == WHOLE_VILLAGE_GRID
    assert dict(row.slots)["网格员"][0].user == world.village_a1_readonly
    assert row.missing == ["网格协管员", "网格警务员", "网格监督员"]
    assert "“一格四员”缺：网格协管员、网格警务员、网格监督员" in response.content.decode()
    for role, name in (
        (Role.GRID_ASSISTANT, "协管"),
        (Role.GRID_POLICE, "警务"),
        (Role.GRID_SUPERVISOR, "监督"),
    ):
        make_user(name, role, world.village_a1)
    (row,) = _list(world).context["rows"]
    assert row.missing == []


def test_grid_names_are_unique_per_village_and_may_repeat_in_another(world):
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        f"/mediation/network/{world.village_a1.code}/grids/new/", {"name": WHOLE_VILLAGE_GRID}
    )
    assert response.status_code == 200
    assert GRID_NAME_TAKEN.format(name=WHOLE_VILLAGE_GRID) in response.content.decode()
    assert Grid.objects.filter(village=world.village_a1).count() == 1
    # The name of a switched-off grid is taken too (the database keeps one name per village).
    grid_create(actor=None, village=world.village_a2, name=WHOLE_VILLAGE_GRID)
    assert Grid.objects.filter(name=WHOLE_VILLAGE_GRID).count() == 2


def test_edit_changes_name_households_and_area(world):
    grid = grid_create(actor=None, village=world.village_a1, name="东片", households=80)
    client = world.client_for(world.village_a1_clerk)
    assert client.get(f"/mediation/network/grids/{grid.pk}/edit/").status_code == 200
    taken = client.post(
        f"/mediation/network/grids/{grid.pk}/edit/", {"name": WHOLE_VILLAGE_GRID, "households": 80}
    )
    assert GRID_NAME_TAKEN.format(name=WHOLE_VILLAGE_GRID) in taken.content.decode()
    response = client.post(
        f"/mediation/network/grids/{grid.pk}/edit/", {"name": "东片网格", "households": 120, "area": "三组"}
    )
    assert response.status_code == 302
    grid.refresh_from_db()
    assert (grid.name, grid.households, grid.area) == ("东片网格", 120, "三组")
    assert _warning("东片网格", 120) in _messages(response)


def test_switching_off_is_refused_while_active_posts_are_on_the_grid(world):
    grid = Grid.objects.get(village=world.village_a1, name=WHOLE_VILLAGE_GRID)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(f"/mediation/network/grids/{grid.pk}/toggle/")
    assert response.status_code == 302
    assert GRID_HAS_POSTS.format(name=grid.name, count=1) in _messages(response)
    grid.refresh_from_db()
    assert grid.is_active
    post_end(actor=None, post=Post.objects.get(user=world.village_a1_readonly, grid=grid))
    response = client.post(f"/mediation/network/grids/{grid.pk}/toggle/")
    assert f"网格“{grid.name}”已停用。" in _messages(response)
    grid.refresh_from_db()
    assert not grid.is_active
    # With every grid switched off, a grid post is not put back on the whole-village grid silently.
    with pytest.raises(Exception, match=GRID_NONE_ACTIVE.format(region=world.village_a1.name)):
        post_grant(actor=None, user=world.village_a1_clerk, role=Role.GRID_POLICE, region=world.village_a1)
    client.post(f"/mediation/network/grids/{grid.pk}/toggle/")
    grid.refresh_from_db()
    assert grid.is_active


def test_switching_off_is_refused_while_an_open_dispute_is_on_the_grid(world):
    grid = grid_create(actor=None, village=world.village_a1, name="西片")
    dispute = register(world, grid=grid)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(f"/mediation/network/grids/{grid.pk}/toggle/")
    assert GRID_HAS_DISPUTES.format(name="西片", count=1) in _messages(response)
    assert Grid.objects.get(pk=grid.pk).is_active
    assert "未办结纠纷1件" in _list(world).content.decode()
    dispute_refuse(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        reason=NotAcceptedReason.HANDLED_ELSEWHERE,
        advice="已由法院受理",
    )
    client.post(f"/mediation/network/grids/{grid.pk}/toggle/")
    assert not Grid.objects.get(pk=grid.pk).is_active


def test_another_villages_cadre_gets_404_and_a_viewer_without_the_permission_403(world):
    grid = Grid.objects.get(village=world.village_a1, name=WHOLE_VILLAGE_GRID)
    a2_cadre = make_user("a2_secretary", Role.VILLAGE_SECRETARY, world.village_a2)
    other = world.client_for(a2_cadre)
    assert _list(world, a2_cadre).status_code == 404
    assert other.get(f"/mediation/network/grids/{grid.pk}/edit/").status_code == 404
    assert other.post(f"/mediation/network/grids/{grid.pk}/toggle/").status_code == 404
    assert (
        other.post(f"/mediation/network/{world.village_a1.code}/grids/new/", {"name": "x"}).status_code == 404
    )
    # The township's organization officer sees the grids, and may not change them.
    officer = world.client_for(world.township_a_officer)
    assert _list(world, world.township_a_officer).status_code == 200
    assert not _list(world, world.township_a_officer).context["can_manage"]
    for response in (
        officer.get(f"/mediation/network/{world.village_a1.code}/grids/new/"),
        officer.post(f"/mediation/network/{world.village_a1.code}/grids/new/", {"name": "新网格"}),
        officer.post(f"/mediation/network/grids/{grid.pk}/edit/", {"name": "改名"}),
        officer.post(f"/mediation/network/grids/{grid.pk}/toggle/"),
    ):
        assert response.status_code == 403
    assert NOT_YOURS in officer.post(f"/mediation/network/grids/{grid.pk}/toggle/").content.decode()
    assert list(Grid.objects.filter(village=world.village_a1).values_list("name", flat=True)) == [
        WHOLE_VILLAGE_GRID
    ]
    # The township's 司法所 keeps the network of its villages.
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a)
    response = world.client_for(justice).post(
        f"/mediation/network/{world.village_a1.code}/grids/new/", {"name": "新网格", "households": 60}
    )
    assert response.status_code == 302


def test_grid_pages_are_for_villages_only(world):
    client = world.client_for(world.sysadmin)
    assert client.get(f"/mediation/network/{world.township_a.code}/grids/").status_code == 404
    assert client.get(f"/mediation/network/{world.township_a.code}/grids/new/").status_code == 404


def test_the_grid_list_costs_the_same_queries_with_more_grids(world, django_assert_max_num_queries):
    client = world.client_for(world.village_a1_clerk)
    client.get(f"/mediation/network/{world.village_a1.code}/grids/")  # warm the session and grants
    with django_assert_max_num_queries(12) as few:
        client.get(f"/mediation/network/{world.village_a1.code}/grids/")
    for i in range(8):
        grid = grid_create(actor=None, village=world.village_a1, name=f"第{i}网格", households=60)
        post_grant(
            actor=None, user=make_user(f"gw{i}"), role=Role.GRID_ASSISTANT, region=world.village_a1, grid=grid
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/mediation/network/{world.village_a1.code}/grids/")
    assert len(response.context["rows"]) == 9

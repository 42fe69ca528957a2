"""Posts grant and remove guardian permissions on the region; scope covers the subtree; ending is immediate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from centers.permissions import CHANGE_CENTER
from decisions.permissions import MANAGE_DECISIONS
from mediation.permissions import ROLE_PERMISSIONS as MEDIATION_PERMISSIONS
from regions.models import Post, Region, RegionUserObjectPermission
from regions.roles import MANAGE_PEOPLE, VIEW, Role
from regions.scoping import prefix_q, region_in_scope, scope_prefixes
from regions.selectors import post_holders
from regions.services import post_end, post_grant
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_grant_assigns_role_permissions_on_the_region(world):
    codenames = set(
        RegionUserObjectPermission.objects.filter(user=world.village_a1_clerk).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {
        VIEW,
        CHANGE_CENTER,
        MANAGE_DECISIONS,
        *MEDIATION_PERMISSIONS[Role.VILLAGE_SECRETARY],
    }
    assert world.village_a1_clerk.has_perm(f"regions.{VIEW}", world.village_a1)
    assert world.village_a1_clerk.has_perm(f"regions.{CHANGE_CENTER}", world.village_a1)
    assert not world.village_a1_clerk.has_perm(f"regions.{VIEW}", world.village_a2)


def test_permission_on_a_region_covers_its_subtree(world):
    assert region_in_scope(world.township_a_officer, VIEW, world.village_a1)
    assert region_in_scope(world.township_a_officer, VIEW, world.village_a2)
    assert not region_in_scope(world.township_a_officer, VIEW, world.village_b1)
    assert scope_prefixes(world.county_admin, VIEW) == ("419901",)
    assert scope_prefixes(world.sysadmin, VIEW) == ("",)


def test_scoping_for_each_persona(world):
    def visible(user):
        return set(Region.objects.filter(prefix_q(user, VIEW, field="prefix")).values_list("name", flat=True))

    assert visible(world.village_a1_clerk) == {"白马村"}
    assert visible(world.village_a1_readonly) == {"白马村"}
    assert visible(world.township_a_officer) == {"安乐镇", "白马村", "张庄村"}
    assert visible(world.township_b_officer) == {"柳河乡", "李楼村"}
    assert visible(world.county_admin) == {"测试县", "安乐镇", "白马村", "张庄村", "柳河乡", "李楼村"}
    nobody = make_user("nobody")
    assert visible(nobody) == set()


def test_role_at_the_wrong_level_is_refused(world):
    user = make_user("someone")
    with pytest.raises(ValidationError, match="只能设在村（社区）一级"):
        post_grant(actor=None, user=user, role=Role.VILLAGE_SECRETARY, region=world.township_a)


def test_township_officer_cannot_grant_posts_in_another_township(world):
    user = make_user("someone")
    with pytest.raises(PermissionDenied):
        post_grant(actor=world.township_a_officer, user=user, role=Role.GRID_WORKER, region=world.village_b1)
    assert not Post.objects.filter(user=user).exists()


def test_same_active_post_twice_is_refused(world):
    with pytest.raises(ValidationError, match="已担任这一职务"):
        post_grant(
            actor=None, user=world.village_a1_clerk, role=Role.VILLAGE_SECRETARY, region=world.village_a1
        )


def test_ending_a_post_removes_access_at_the_next_request(world):
    client = Client()
    client.post("/accounts/login/", {"username": "village_a1_clerk", "password": PASSWORD})
    assert client.get("/regions/419901101201/").status_code == 200
    post = Post.objects.get(user=world.village_a1_clerk)
    admin = world.client_for(world.township_a_officer)
    assert admin.post(f"/posts/{post.pk}/end/").status_code == 302
    post.refresh_from_db()
    assert post.ended_on is not None
    assert client.get("/regions/419901101201/").status_code == 404
    assert not RegionUserObjectPermission.objects.filter(user=world.village_a1_clerk).exists()


def test_ending_one_post_keeps_permissions_another_post_still_grants(world):
    second = post_grant(
        actor=None, user=world.village_a1_clerk, role=Role.VILLAGE_MEDIATOR, region=world.village_a1
    )
    first = Post.objects.get(user=world.village_a1_clerk, role=Role.VILLAGE_SECRETARY)
    post_end(actor=None, post=first)
    world.village_a1_clerk = type(world.village_a1_clerk).objects.get(pk=world.village_a1_clerk.pk)
    assert region_in_scope(world.village_a1_clerk, VIEW, world.village_a1)
    assert not region_in_scope(world.village_a1_clerk, CHANGE_CENTER, world.village_a1)
    post_end(actor=None, post=second)
    # A fresh user object stands for the next request (grants are cached per request).
    next_request_user = type(world.village_a1_clerk).objects.get(pk=world.village_a1_clerk.pk)
    assert scope_prefixes(next_request_user, VIEW) == ()


def test_ending_an_ended_post_is_refused(world):
    post = Post.objects.get(user=world.village_a1_readonly)
    post_end(actor=None, post=post)
    with pytest.raises(ValidationError, match="已于"):
        post_end(actor=None, post=post)


def test_grant_is_audited(world):
    from pghistory.models import Events

    post = Post.objects.get(user=world.village_a1_clerk)
    assert Events.objects.filter(
        pgh_model="regions.PostEvent", pgh_obj_id=str(post.pk), pgh_label="insert"
    ).exists()
    assert MANAGE_PEOPLE not in {
        p.permission.codename for p in RegionUserObjectPermission.objects.filter(user=world.village_a1_clerk)
    }


def test_post_holders_of_many_regions_in_one_query_each_user_once(world, django_assert_num_queries):
    """Who holds given roles at each region: one query however many regions, a user with two matching
    posts at one region listed once, ended posts and other roles left out."""
    liaison = make_user("liaison", Role.LIAISON_CADRE, world.village_a1)
    post_grant(actor=None, user=world.village_a1_clerk, role=Role.LIAISON_CADRE, region=world.village_a1)
    secretary_b1 = make_user("secretary_b1", Role.VILLAGE_SECRETARY, world.village_b1)
    ended = make_user("ended_secretary", Role.VILLAGE_SECRETARY, world.village_a2)
    post_end(actor=None, post=Post.objects.get(user=ended))
    roles = (Role.VILLAGE_SECRETARY, Role.LIAISON_CADRE)
    regions = [world.village_a1, world.village_a2, world.village_b1, world.township_a]
    with django_assert_num_queries(1):
        holders = post_holders(regions, roles)
    assert holders == {
        world.village_a1.pk: [world.village_a1_clerk, liaison],
        world.village_b1.pk: [secretary_b1],
    }
    with django_assert_num_queries(1):
        by_ids = post_holders({r.pk for r in regions}, roles)
    assert by_ids == holders
    with django_assert_num_queries(1):  # a queryset is used as a subquery
        from_queryset = post_holders(Region.objects.filter(level="village"), roles)
    assert from_queryset == holders
    with django_assert_num_queries(0):
        assert post_holders([], roles) == {}
    assert post_holders(regions, (Role.GRID_WORKER,)) == {world.village_a1.pk: [world.village_a1_readonly]}

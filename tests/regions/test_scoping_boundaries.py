"""Scoping on its boundaries (mutation run, docs/mutation.md): inactive users and anonymous visitors see
nothing (an inactive superuser too), nested grants keep the outer prefix, grants in two townships are a
union, full permission names work, cached grants are dropped when they change, and each guard answers
404, 403 or passes as it says."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from centers.models import ServiceCenter
from centers.permissions import CHANGE_CENTER
from regions.models import Region
from regions.roles import VIEW, Role
from regions.scoping import (
    NOT_ALLOWED,
    RegionGuard,
    forget_grants,
    get_for_user,
    prefix_q,
    region_in_scope,
    regions_for_user,
    require,
    require_level,
    require_somewhere,
    scope_prefixes,
)
from regions.services import post_end, post_grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ALL_SIX = {"测试县", "安乐镇", "白马村", "张庄村", "柳河乡", "李楼村"}


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return type(user).objects.get(pk=user.pk)


def test_inactive_users_have_no_scope(world):
    clerk = deactivate(world.village_a1_clerk)
    assert scope_prefixes(clerk, VIEW) == ()
    assert not region_in_scope(clerk, VIEW, world.village_a1)
    assert names(regions_for_user(clerk, VIEW)) == set()
    with pytest.raises(PermissionDenied):
        require(clerk, CHANGE_CENTER, world.village_a1)


def test_an_inactive_superuser_has_no_scope(world):
    admin = deactivate(world.sysadmin)
    assert scope_prefixes(admin, VIEW) == ()
    assert names(regions_for_user(admin, VIEW)) == set()


def test_an_inactive_user_is_refused_by_the_pages(world):
    client = world.client_for(world.village_a1_clerk)
    assert client.get("/regions/419901101201/").status_code == 200
    deactivate(world.village_a1_clerk)
    assert client.get("/regions/419901101201/").status_code != 200


def test_anonymous_and_no_user_have_no_scope(world):
    assert scope_prefixes(None, VIEW) == ()
    assert scope_prefixes(AnonymousUser(), VIEW) == ()
    assert not region_in_scope(AnonymousUser(), VIEW, world.county)


def test_an_active_superuser_sees_every_region(world):
    assert scope_prefixes(world.sysadmin, VIEW) == ("",)
    assert prefix_q(world.sysadmin, VIEW) == Q()
    assert names(regions_for_user(world.sysadmin, VIEW)) == ALL_SIX
    assert region_in_scope(world.sysadmin, CHANGE_CENTER, world.village_b1)


def test_a_full_permission_name_is_the_same_as_its_codename(world):
    assert scope_prefixes(world.township_a_officer, f"regions.{VIEW}") == (world.township_a.prefix,)
    assert scope_prefixes(world.township_a_officer, VIEW) == (world.township_a.prefix,)
    assert scope_prefixes(world.township_a_officer, "regions.no_such_permission") == ()


def test_a_nested_grant_keeps_only_the_outer_prefix(world):
    post_grant(actor=None, user=world.township_a_officer, role=Role.GRID_WORKER, region=world.village_a1)
    user = type(world.township_a_officer).objects.get(pk=world.township_a_officer.pk)
    assert scope_prefixes(user, VIEW) == (world.township_a.prefix,)


def test_grants_in_two_townships_are_a_sorted_union(world):
    user = make_user("two_places", Role.GRID_WORKER, world.village_b1)
    post_grant(actor=None, user=user, role=Role.GRID_WORKER, region=world.village_a2)
    user = type(user).objects.get(pk=user.pk)
    assert scope_prefixes(user, VIEW) == tuple(sorted([world.village_a2.prefix, world.village_b1.prefix]))
    assert names(regions_for_user(user, VIEW)) == {"张庄村", "李楼村"}
    assert names(ServiceCenter.objects.for_user(user)) == names(
        ServiceCenter.objects.filter(region__in=[world.village_a2, world.village_b1])
    )
    assert not region_in_scope(user, VIEW, world.village_a1)
    assert not region_in_scope(user, VIEW, world.township_a)


def test_sibling_prefixes_are_not_nested(world):
    """白马村 and 张庄村 share the township's digits; neither grant covers the other."""
    user = make_user("one_village", Role.GRID_WORKER, world.village_a1)
    assert scope_prefixes(user, VIEW) == (world.village_a1.prefix,)
    assert names(regions_for_user(user, VIEW)) == {"白马村"}


def test_no_grant_matches_nothing(world):
    nobody = make_user("nobody")
    assert scope_prefixes(nobody, VIEW) == ()
    assert not ServiceCenter.objects.for_user(nobody).exists()
    assert not region_in_scope(nobody, VIEW, world.county)


def test_cached_grants_are_kept_per_request_and_dropped_when_they_change(world, django_assert_num_queries):
    user = type(world.village_a1_readonly).objects.get(pk=world.village_a1_readonly.pk)
    assert scope_prefixes(user, VIEW) == (world.village_a1.prefix,)
    with django_assert_num_queries(0):
        assert scope_prefixes(user, VIEW) == (world.village_a1.prefix,)
    post_end(actor=None, post=user.posts.get())
    # The same request keeps its copy until told; forget_grants drops it and the cached one.
    assert scope_prefixes(user, VIEW) == (world.village_a1.prefix,)
    forget_grants(user)
    assert scope_prefixes(user, VIEW) == ()
    forget_grants(user)  # nothing cached on the object any more: no error
    fresh = type(user).objects.get(pk=user.pk)
    assert scope_prefixes(fresh, VIEW) == ()


def test_within_is_the_regions_subtree(world):
    assert names(ServiceCenter.objects.within(world.township_a)) == names(
        ServiceCenter.objects.filter(region__prefix__startswith=world.township_a.prefix)
    )
    assert ServiceCenter.objects.within(world.township_a).count() == 3
    assert ServiceCenter.objects.within(world.county).count() == ServiceCenter.objects.count()


def test_require_lets_the_system_act_and_refuses_with_the_message(world):
    require(None, CHANGE_CENTER, world.village_b1)
    require(world.village_a1_clerk, CHANGE_CENTER, world.village_a1)
    with pytest.raises(PermissionDenied) as caught:
        require(world.village_a1_clerk, CHANGE_CENTER, world.village_a2)
    assert str(caught.value) == NOT_ALLOWED
    with pytest.raises(PermissionDenied) as caught:
        require(world.village_a1_readonly, CHANGE_CENTER, world.village_a1, message="只读")
    assert str(caught.value) == "只读"


def test_require_level_refuses_another_level_with_the_message(world):
    require_level(world.village_a1, ("village",), message="须为村")
    with pytest.raises(ValidationError) as caught:
        require_level(world.township_a, ("village",), message="须为村")
    assert caught.value.messages == ["须为村"]


def test_get_for_user_answers_404_out_of_scope_and_403_for_the_action(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    other = ServiceCenter.objects.get(region=world.village_a2)
    assert get_for_user(ServiceCenter.objects.all(), user=world.village_a1_clerk, pk=center.pk) == center
    assert (
        get_for_user(
            ServiceCenter.objects.all(), user=world.village_a1_clerk, pk=center.pk, act=CHANGE_CENTER
        )
        == center
    )
    with pytest.raises(Http404):
        get_for_user(ServiceCenter.objects.all(), user=world.village_a1_clerk, pk=other.pk)
    with pytest.raises(PermissionDenied) as caught:
        get_for_user(
            ServiceCenter.objects.all(), user=world.village_a1_readonly, pk=center.pk, act=CHANGE_CENTER
        )
    assert str(caught.value) == NOT_ALLOWED
    with pytest.raises(PermissionDenied) as caught:
        get_for_user(
            ServiceCenter.objects.all(),
            user=world.village_a1_readonly,
            pk=center.pk,
            act=CHANGE_CENTER,
            message="不能改",
        )
    assert str(caught.value) == "不能改"
    # The permission to see by: a grid worker sees the center but may not see it "as a changer".
    with pytest.raises(Http404):
        get_for_user(
            ServiceCenter.objects.all(), user=world.village_a1_readonly, perm=CHANGE_CENTER, pk=center.pk
        )


def test_require_somewhere_returns_the_scope_or_refuses(world):
    assert require_somewhere(world.township_a_officer, VIEW) == (world.township_a.prefix,)
    with pytest.raises(PermissionDenied) as caught:
        require_somewhere(make_user("nobody"), VIEW)
    assert str(caught.value) == NOT_ALLOWED
    with pytest.raises(PermissionDenied) as caught:
        require_somewhere(make_user("nobody2"), VIEW, message="无权")
    assert str(caught.value) == "无权"


def test_region_guard_checks_the_objects_region(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    guard = RegionGuard(lambda c: c.region, "不是本村")
    assert guard.allows(world.village_a1_clerk, CHANGE_CENTER, center)
    assert not guard.allows(world.village_a1_readonly, CHANGE_CENTER, center)
    guard.require(world.village_a1_clerk, CHANGE_CENTER, center)
    with pytest.raises(PermissionDenied) as caught:
        guard.require(world.township_b_officer, VIEW, center)
    assert str(caught.value) == "不是本村"
    assert str(RegionGuard(lambda c: c.region).message) == NOT_ALLOWED


def test_county_regions_are_in_the_county_admins_scope(world):
    assert names(regions_for_user(world.county_admin, VIEW)) == ALL_SIX
    assert Region.objects.filter(prefix_q(world.county_admin, VIEW, field="prefix")).count() == 6


def test_prefix_q_filters_the_region_field_by_default(world):
    centers = ServiceCenter.objects.filter(prefix_q(world.township_b_officer, VIEW))
    assert names(centers) == names(
        ServiceCenter.objects.filter(region__in=[world.township_b, world.village_b1])
    )


def test_for_user_filters_the_models_own_region_field(world):
    """A proxy request's region field is its village, not ``region``."""
    from centers.models import ProxyRequest
    from tests.centers.builders import accept

    request = accept(world)
    assert list(ProxyRequest.objects.for_user(world.township_a_officer)) == [request]
    assert not ProxyRequest.objects.for_user(world.township_b_officer).exists()


def test_get_for_user_reads_the_object_with_its_region_in_one_query(world, django_assert_num_queries):
    center = ServiceCenter.objects.get(region=world.village_a1)
    user = world.village_a1_clerk
    scope_prefixes(user, VIEW), scope_prefixes(user, CHANGE_CENTER)  # the grants, cached for the request
    with django_assert_num_queries(1):
        found = get_for_user(ServiceCenter.objects.all(), user=user, pk=center.pk, act=CHANGE_CENTER)
        assert found.region.name == "白马村"

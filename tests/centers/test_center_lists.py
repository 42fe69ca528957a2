"""A county's center lists (/center-lists/): county administrators add and switch off their own rooms and
building-standard items; the standard rows stay as shipped."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from centers.models import ChecklistItem, RoomType
from centers.services import room_type_create
from regions.services import list_entry_toggle
from regions.services.settings import LIST_ENTRY_STANDARD
from tests.centers.builders import center_of
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db


def test_county_admin_adds_a_room_type_and_a_standard_item(world):
    client = world.client_for(world.county_admin)
    assert client.get("/center-lists/").status_code == 200
    response = client.post(
        "/center-lists/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"}
    )
    assert response.status_code == 302
    assert RoomType.objects.get(name="电商服务站").region == world.county
    client.post(
        "/center-lists/",
        {
            "form": "item",
            "county": world.county.code,
            "item-category": "公开事项",
            "item-name": "监督电话公示",
            "item-description": "",
        },
    )
    assert ChecklistItem.objects.get(name="监督电话公示").region == world.county
    center = center_of(world.village_a1)
    checklist = world.client_for(world.village_a1_clerk).get(f"/centers/{center.pk}/").context["checklist"]
    assert "监督电话公示" in {item.name for item, _ in checklist} and len(checklist) == 13


def test_duplicate_and_empty_names_get_chinese_messages(world):
    client = world.client_for(world.county_admin)
    response = client.post("/center-lists/", {"form": "room", "county": world.county.code, "room-name": ""})
    assert "这个字段是必填项" in response.content.decode()
    client.post("/center-lists/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"})
    again = client.post(
        "/center-lists/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"}
    )
    assert "已有同名的功能室" in again.content.decode()
    assert RoomType.objects.filter(name="电商服务站").count() == 1


def test_toggle_switches_off_own_items_only(world):
    client = world.client_for(world.county_admin)
    own = ChecklistItem.objects.create(region=world.county, category="公开事项", name="本县项")
    assert client.post(f"/center-lists/items/{own.pk}/toggle/").status_code == 302
    own.refresh_from_db()
    assert not own.is_active
    standard = ChecklistItem.objects.filter(region__isnull=True).first()
    assert client.post(f"/center-lists/items/{standard.pk}/toggle/").status_code == 404
    other = other_county()
    foreign = RoomType.objects.create(region=other, name="邻县室")
    assert client.post(f"/center-lists/rooms/{foreign.pk}/toggle/").status_code == 404
    assert (
        client.post("/center-lists/", {"form": "room", "county": other.code, "room-name": "越界"}).status_code
        == 404
    )
    standard.refresh_from_db()
    foreign.refresh_from_db()
    assert standard.is_active and foreign.is_active and not RoomType.objects.filter(name="越界").exists()


def test_the_list_services_refuse_standard_rows_and_other_counties(world):
    standard = RoomType.objects.filter(region__isnull=True).first()
    with pytest.raises(ValidationError) as refused:
        list_entry_toggle(actor=world.county_admin, entry=standard)
    assert refused.value.messages == [LIST_ENTRY_STANDARD]
    foreign = RoomType.objects.create(region=other_county(), name="邻县室")
    with pytest.raises(PermissionDenied):
        list_entry_toggle(actor=world.county_admin, entry=foreign)
    with pytest.raises(ValidationError, match="清单项只能由县（区）添加"):
        room_type_create(actor=world.township_a_officer, region=world.township_a, name="镇里的室")
    with pytest.raises(PermissionDenied):
        room_type_create(actor=world.township_a_officer, region=world.county, name="越权的室")
    standard.refresh_from_db()
    foreign.refresh_from_db()
    assert standard.is_active and foreign.is_active
    assert not RoomType.objects.filter(name__in=["镇里的室", "越权的室"]).exists()


def test_only_county_roles_maintain_lists(world):
    assert world.client_for(world.township_a_officer).get("/center-lists/").status_code == 403
    assert world.client_for(world.village_a1_clerk).get("/center-lists/").status_code == 403

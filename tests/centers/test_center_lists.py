"""County lists: county administrators add and switch off their own rooms and standard items."""

from __future__ import annotations

import pytest

from centers.models import ChecklistItem, Region, RoomType, ServiceCenter

pytestmark = pytest.mark.django_db


def test_county_admin_adds_a_room_type_and_a_standard_item(world):
    client = world.client_for(world.county_admin)
    assert client.get("/catalog/").status_code == 200
    response = client.post("/catalog/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"})
    assert response.status_code == 302
    assert RoomType.objects.get(name="电商服务站").county == world.county
    client.post("/catalog/", {"form": "item", "county": world.county.code, "item-category": "公开事项",
                              "item-name": "监督电话公示", "item-description": ""})
    center = ServiceCenter.objects.get(region=world.village_a1)
    checklist = world.client_for(world.village_a1_clerk).get(f"/centers/{center.pk}/").context["checklist"]
    assert "监督电话公示" in {item.name for item, _ in checklist} and len(checklist) == 13


def test_duplicate_and_empty_names_get_chinese_messages(world):
    client = world.client_for(world.county_admin)
    response = client.post("/catalog/", {"form": "room", "county": world.county.code, "room-name": ""})
    assert "这个字段是必填项" in response.content.decode()
    client.post("/catalog/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"})
    again = client.post("/catalog/", {"form": "room", "county": world.county.code, "room-name": "电商服务站"})
    assert "已有同名的功能室" in again.content.decode()
    assert RoomType.objects.filter(name="电商服务站").count() == 1


def test_toggle_switches_off_own_items_only(world):
    client = world.client_for(world.county_admin)
    own = ChecklistItem.objects.create(county=world.county, category="公开事项", name="本县项")
    assert client.post(f"/catalog/items/{own.pk}/toggle/").status_code == 302
    own.refresh_from_db()
    assert not own.is_active
    standard = ChecklistItem.objects.filter(county__isnull=True).first()
    assert client.post(f"/catalog/items/{standard.pk}/toggle/").status_code == 404
    other = Region.objects.create(code="419902000000", prefix="419902", name="邻县", level="county")
    foreign = RoomType.objects.create(county=other, name="邻县室")
    assert client.post(f"/catalog/rooms/{foreign.pk}/toggle/").status_code == 404
    assert client.post("/catalog/", {"form": "room", "county": other.code, "room-name": "越界"}).status_code == 404


def test_only_county_roles_maintain_lists(world):
    assert world.client_for(world.township_a_officer).get("/catalog/").status_code == 403
    assert world.client_for(world.village_a1_clerk).get("/catalog/").status_code == 403

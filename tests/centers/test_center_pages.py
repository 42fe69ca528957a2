"""Service centers: edit by village and township, read-only for others, concurrent edits, checked photos."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centers.models import ChecklistEntry, ChecklistItem, RoomType, ServiceCenter
from tests.centers.builders import center_of
from tests.conftest import png_bytes
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db


def edit_data(center, **changes):
    data = {
        "name": center.name,
        "address": "人民路1号",
        "duty_phone": "0395-7654321",
        "opening_hours": "周一至周五",
        "version": center.version,
    }
    data.update(changes)
    return data


def test_every_region_level_has_one_center(world):
    assert ServiceCenter.objects.count() == 6
    assert center_of(world.village_a1).name == "白马村党群服务中心"


def test_village_clerk_edits_details_and_rooms(world):
    center = center_of(world.village_a1)
    rooms = list(RoomType.objects.filter(name__in=["民主决策室", "矛盾调解室"]).values_list("pk", flat=True))
    response = world.client_for(world.village_a1_clerk).post(
        f"/centers/{center.pk}/edit/", edit_data(center, rooms=rooms)
    )
    assert response.status_code == 302
    center.refresh_from_db()
    assert center.duty_phone == "0395-7654321" and center.version == 2
    assert set(center.rooms.values_list("name", flat=True)) == {"民主决策室", "矛盾调解室"}


def test_township_edits_its_villages_center(world):
    center = center_of(world.village_a2)
    assert (
        world.client_for(world.township_a_officer)
        .post(f"/centers/{center.pk}/edit/", edit_data(center))
        .status_code
        == 302
    )


def test_read_only_roles_get_403_and_other_villages_404(world):
    center = center_of(world.village_a1)
    assert world.client_for(world.village_a1_readonly).get(f"/centers/{center.pk}/").status_code == 200
    assert (
        world.client_for(world.village_a1_readonly)
        .post(f"/centers/{center.pk}/edit/", edit_data(center))
        .status_code
        == 403
    )
    assert world.client_for(world.county_admin).get(f"/centers/{center.pk}/edit/").status_code == 403
    other = center_of(world.village_b1)
    assert world.client_for(world.village_a1_clerk).get(f"/centers/{other.pk}/").status_code == 404
    assert (
        world.client_for(world.village_a1_clerk)
        .post(f"/centers/{other.pk}/edit/", edit_data(other))
        .status_code
        == 404
    )
    other.refresh_from_db()
    assert other.address == ""


def test_second_concurrent_save_is_refused_and_overwrites_nothing(world):
    center = center_of(world.village_a1)
    read_version = center.version
    first = world.client_for(world.village_a1_clerk).post(
        f"/centers/{center.pk}/edit/", edit_data(center, address="第一人", version=read_version)
    )
    assert first.status_code == 302
    second = world.client_for(world.township_a_officer).post(
        f"/centers/{center.pk}/edit/", edit_data(center, address="第二人", version=read_version)
    )
    assert second.status_code == 200
    assert "已被他人修改" in second.content.decode()
    center.refresh_from_db()
    assert center.address == "第一人"


def test_bad_phone_is_refused_with_a_chinese_message(world):
    center = center_of(world.village_a1)
    response = world.client_for(world.village_a1_clerk).post(
        f"/centers/{center.pk}/edit/", edit_data(center, duty_phone="call me")
    )
    assert "请输入有效的电话号码" in response.content.decode()


def upload_photo(client, center, item, data: bytes, name="p.png", content_type="image/png", **fields):
    payload = {
        "is_met": "on",
        "checked_on": "2026-11-01",
        "note": "已整改",
        "photo": SimpleUploadedFile(name, data, content_type),
        **fields,
    }
    return client.post(f"/centers/{center.pk}/checklist/{item.pk}/", payload)


def test_checklist_item_met_with_a_photo_served_only_in_scope(world):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    response = upload_photo(world.client_for(world.village_a1_clerk), center, item, png_bytes())
    assert response.status_code == 302
    entry = ChecklistEntry.objects.get(center=center, item=item)
    assert entry.is_met and entry.photo and entry.region_id == world.village_a1.pk
    photo = world.client_for(world.township_a_officer).get(f"/checklist-photos/{entry.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert world.client_for(world.township_b_officer).get(f"/checklist-photos/{entry.pk}/").status_code == 404
    assert world.client_for(None).get(f"/checklist-photos/{entry.pk}/").status_code == 302


def test_photo_is_reencoded_so_appended_script_does_not_survive(world):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    payload = png_bytes(extra=b"<script>alert(1)</script>")
    upload_photo(world.client_for(world.village_a1_clerk), center, item, payload)
    entry = ChecklistEntry.objects.get(center=center, item=item)
    stored = entry.photo.read()
    assert b"<script>" not in stored and stored.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "data,name,content_type",
    [
        (b"<html><script>alert(1)</script></html>", "evil.png", "image/png"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif", "image/gif"),
        (b"%PDF-1.4 not an image", "doc.jpg", "image/jpeg"),
    ],
)
def test_non_images_are_refused_by_content_and_change_nothing(world, data, name, content_type):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    response = upload_photo(world.client_for(world.village_a1_clerk), center, item, data, name, content_type)
    assert response.status_code == 200
    assert "只能上传JPEG、PNG或WebP格式的照片" in response.content.decode()
    assert not ChecklistEntry.objects.filter(center=center, item=item).exists()


def test_photo_over_5_mb_is_refused(world, settings):
    settings.PHOTO_MAX_BYTES = 1024
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    response = upload_photo(
        world.client_for(world.village_a1_clerk), center, item, png_bytes(size=(400, 400))
    )
    assert "照片不能超过" in response.content.decode()
    assert not ChecklistEntry.objects.filter(center=center, item=item).exists()


def test_jpeg_and_webp_are_accepted(world):
    center = center_of(world.village_a1)
    items = list(ChecklistItem.objects.all()[:2])
    client = world.client_for(world.village_a1_clerk)
    assert (
        upload_photo(client, center, items[0], png_bytes(fmt="JPEG"), "a.jpg", "image/jpeg").status_code
        == 302
    )
    assert (
        upload_photo(client, center, items[1], png_bytes(fmt="WEBP"), "a.webp", "image/webp").status_code
        == 302
    )
    names = sorted(e.photo.name.rsplit(".", 1)[1] for e in ChecklistEntry.objects.filter(center=center))
    assert names == ["jpg", "webp"]


def test_checklist_shows_six_categories_and_twelve_items(world):
    center = center_of(world.village_a1)
    response = world.client_for(world.village_a1_clerk).get(f"/centers/{center.pk}/")
    checklist = response.context["checklist"]
    assert len(checklist) == 12
    assert {item.category for item, _ in checklist} == {
        "外观标识",
        "悬挂吊牌",
        "功能设置",
        "公开事项",
        "国旗升降",
        "场所整洁",
    }


def test_county_items_apply_only_in_that_county(world):
    other = other_county()
    ChecklistItem.objects.create(region=other, category="外观标识", name="邻县特有项")
    ChecklistItem.objects.create(region=world.county, category="外观标识", name="本县特有项")
    center = center_of(world.village_a1)
    names = {
        item.name
        for item, _ in world.client_for(world.village_a1_clerk)
        .get(f"/centers/{center.pk}/")
        .context["checklist"]
    }
    assert "本县特有项" in names and "邻县特有项" not in names
    foreign = ChecklistItem.objects.get(name="邻县特有项")
    assert (
        world.client_for(world.village_a1_clerk)
        .get(f"/centers/{center.pk}/checklist/{foreign.pk}/")
        .status_code
        == 404
    )


def test_future_check_date_is_refused(world):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    response = world.client_for(world.village_a1_clerk).post(
        f"/centers/{center.pk}/checklist/{item.pk}/", {"is_met": "on", "checked_on": "2999-01-01"}
    )
    assert "检查日期不能晚于今天" in response.content.decode()


def test_second_concurrent_checklist_save_is_refused(world):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    url = f"/centers/{center.pk}/checklist/{item.pk}/"
    first = world.client_for(world.village_a1_clerk).post(url, {"is_met": "on", "note": "甲", "version": 0})
    assert first.status_code == 302
    second = world.client_for(world.township_a_officer).post(url, {"note": "乙", "version": 0})
    assert "已被他人修改" in second.content.decode()
    entry = ChecklistEntry.objects.get(center=center, item=item)
    assert entry.note == "甲" and entry.is_met


def test_room_changes_are_audited_and_foreign_rooms_refused(world):
    from django.core.exceptions import ValidationError
    from pghistory.models import Events

    from centers.services import center_update

    center = center_of(world.village_a1)
    room = RoomType.objects.get(name="图书室")
    center_update(
        actor=world.village_a1_clerk,
        center=center,
        version=center.version,
        name=center.name,
        address="",
        duty_phone="",
        opening_hours="",
        rooms=[room],
    )
    assert Events.objects.filter(pgh_model="centers.ServiceCenterRoomEvent", pgh_label="insert").exists()
    foreign = RoomType.objects.create(region=other_county(), name="邻县室")
    center.refresh_from_db()
    with pytest.raises(ValidationError, match="不适用于本县"):
        center_update(
            actor=world.village_a1_clerk,
            center=center,
            version=center.version,
            name=center.name,
            address="",
            duty_phone="",
            opening_hours="",
            rooms=[foreign],
        )


def test_photo_served_only_to_the_scope_even_when_replaced(world):
    """A replaced photo stays in storage (the audit trail refers to it) but is no longer linked."""
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    client = world.client_for(world.village_a1_clerk)
    upload_photo(client, center, item, png_bytes(color=(1, 2, 3)), version=0)
    first_name = ChecklistEntry.objects.get(center=center, item=item).photo.name
    upload_photo(client, center, item, png_bytes(color=(9, 9, 9)), version=1)
    entry = ChecklistEntry.objects.get(center=center, item=item)
    assert entry.photo.name != first_name and entry.photo.storage.exists(first_name)

"""People pages: create with a one-time password, grant, end, reset, import all-or-nothing, scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from regions.models import Post
from tests.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ("用户名", "姓名", "手机号", "职务", "区划代码", "任职日期")


def test_township_officer_creates_a_person_with_a_one_time_password(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(
        "/people/new/",
        {
            "username": "zhangsan",
            "real_name": "张三",
            "mobile": "13912345678",
            "role": "grid_worker",
            "region": "419901101202",
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="zhangsan")
    assert user.check_password(password) and user.must_change_password
    assert Post.objects.get(user=user).region.code == "419901101202"


def test_person_in_another_township_is_refused_with_a_clear_message(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(
        "/people/new/",
        {
            "username": "lisi",
            "real_name": "李四",
            "role": "grid_worker",
            "region": "419901102201",
            "started_on": "2026-01-05",
        },
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()


def test_bad_input_gets_chinese_messages_and_changes_nothing(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(
        "/people/new/",
        {
            "username": "village_a1_clerk",
            "real_name": "",
            "mobile": "123",
            "role": "village_secretary",
            "region": "419901101000",
            "started_on": "2026-01-05",
        },
    )
    text = response.content.decode()
    assert "该用户名已被使用" in text and "请输入11位手机号码" in text
    response = client.post(
        "/people/new/",
        {
            "username": "ok_name",
            "real_name": "王五",
            "role": "village_secretary",
            "region": "419901101000",
            "started_on": "2026-01-05",
        },
    )
    assert "只能设在村（社区）一级" in response.content.decode()
    assert not User.objects.filter(username="ok_name").exists()


def test_people_list_shows_only_the_scope_and_masks_mobiles(world):
    world.village_a1_clerk.mobile = "13812345678"
    world.village_a1_clerk.save()
    response = world.client_for(world.township_a_officer).get("/people/")
    text = response.content.decode()
    assert "village_a1_clerk" in text and "138****5678" in text and "13812345678" not in text
    assert "township_b_officer" not in text


def test_person_of_another_township_answers_404(world):
    client = world.client_for(world.township_b_officer)
    assert client.get(f"/people/{world.village_a1_clerk.pk}/").status_code == 404
    post = Post.objects.get(user=world.village_a1_clerk)
    assert client.post(f"/posts/{post.pk}/end/").status_code == 404
    post.refresh_from_db()
    assert post.ended_on is None


def test_password_reset_forces_a_change_at_next_login(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(f"/people/{world.village_a1_readonly.pk}/reset-password/")
    world.village_a1_readonly.refresh_from_db()
    assert world.village_a1_readonly.check_password(response.context["password"])
    assert world.village_a1_readonly.must_change_password


def test_import_people_and_posts(world):
    data = xlsx_bytes(
        [
            HEADER,
            ("wang1", "王一", "13900000001", "村党组织书记", "419901101202", "2026-03-01"),
            ("wang2", "王二", "", "网格员", "419901101202", ""),
            ("village_a1_readonly", "village_a1_readonly", "", "村调解员", "419901101201", ""),
        ]
    )
    response = world.client_for(world.township_a_officer).post(
        "/people/import/", {"file": SimpleUploadedFile("p.xlsx", data)}
    )
    result = response.context["result"]
    assert result.errors == []
    assert result.posts == 3 and len(result.created_users) == 2
    assert Post.objects.filter(user__username="village_a1_readonly", ended_on__isnull=True).count() == 2


def test_import_with_bad_rows_names_each_and_writes_nothing(world):
    data = xlsx_bytes(
        [
            HEADER,
            ("ok1", "正常", "", "网格员", "419901101202", ""),
            ("", "无名", "", "网格员", "419901101202", ""),
            ("bad2", "坏二", "12345", "村长", "419901101202", ""),
            ("bad3", "坏三", "", "网格员", "419901102201", ""),
            ("bad4", "坏四", "", "村党组织书记", "419901101000", "2026/13/40"),
            ("ok1", "重复", "", "网格员", "419901101202", ""),
            ("village_a1_clerk", "别人", "", "网格员", "419901101202", ""),
        ]
    )
    response = world.client_for(world.township_a_officer).post(
        "/people/import/", {"file": SimpleUploadedFile("p.xlsx", data)}
    )
    errors = response.context["result"].errors
    assert [e.split("：")[0] for e in errors] == ["第3行", "第4行", "第5行", "第6行", "第7行", "第8行"]
    assert "用户名为空" in errors[0]
    assert "手机号码“12345”不是11位手机号" in errors[1] and "职务“村长”不在职务表中" in errors[1]
    assert "不在您的管辖范围内" in errors[2]
    assert "不能设在乡镇（街道）" in errors[3] and "不是有效日期" in errors[3]
    assert "与第2行相同但姓名不同" in errors[4] and "已担任这一职务" in errors[4]
    assert "用户名“village_a1_clerk”已被使用" in errors[5]
    assert "village_a1_clerk" not in errors[5].split("已被使用")[1]  # the owner's name is not revealed
    assert not User.objects.filter(username="ok1").exists()


def test_village_users_cannot_manage_people(world):
    assert world.client_for(world.village_a1_clerk).get("/people/").status_code == 403


def test_same_new_person_on_two_rows_gets_two_posts(world):
    data = xlsx_bytes(
        [
            HEADER,
            ("wang1", "王一", "", "村党组织书记", "419901101202", ""),
            ("wang1", "王一", "", "村调解员", "419901101202", ""),
        ]
    )
    result = (
        world.client_for(world.township_a_officer)
        .post("/people/import/", {"file": SimpleUploadedFile("p.xlsx", data)})
        .context["result"]
    )
    assert result.errors == [] and result.posts == 2 and len(result.created_users) == 1


def test_import_cannot_reach_people_outside_the_scope(world):
    """Importing an existing username of another township (or the superuser) is refused, name not revealed."""
    for username, real_name in (("township_b_officer", "township_b_officer"), ("sysadmin", "sysadmin")):
        data = xlsx_bytes([HEADER, (username, real_name, "", "网格员", "419901101202", "")])
        result = (
            world.client_for(world.township_a_officer)
            .post("/people/import/", {"file": SimpleUploadedFile("p.xlsx", data)})
            .context["result"]
        )
        assert result.errors == [f"第2行：用户名“{username}”已被使用"]
    assert not Post.objects.filter(user=world.sysadmin, region=world.village_a2).exists()


def test_township_officer_cannot_grant_township_posts_or_grant_to_self(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(
        f"/people/{world.village_a1_readonly.pk}/",
        {"role": "township_discipline", "region": "419901101000", "started_on": "2026-01-05"},
    )
    assert "选择一个有效的选项" in response.content.decode()  # not even offered
    response = client.post(
        f"/people/{world.township_a_officer.pk}/",
        {"role": "grid_worker", "region": "419901101201", "started_on": "2026-01-05"},
    )
    # The officer's own post lies in their people scope, so their page shows; the grant is refused on it.
    assert response.status_code == 200
    assert "不能给自己任命职务" in response.content.decode()
    assert not Post.objects.filter(user=world.township_a_officer, role="grid_worker").exists()


def test_county_organization_cannot_make_anyone_system_administrator(world):
    response = world.client_for(world.county_admin).post(
        f"/people/{world.township_a_officer.pk}/",
        {"role": "system_admin", "region": "419901000000", "started_on": "2026-01-05"},
    )
    assert "选择一个有效的选项" in response.content.decode()
    from django.core.exceptions import PermissionDenied

    from regions.services import post_grant

    with pytest.raises(PermissionDenied, match="您无权任命“系统管理员”职务"):
        post_grant(
            actor=world.county_admin, user=world.township_a_officer, role="system_admin", region=world.county
        )


def test_password_reset_refused_for_people_posted_beyond_the_scope(world):
    from regions.services import post_grant

    post_grant(actor=None, user=world.village_a1_readonly, role="grid_worker", region=world.village_b1)
    client = world.client_for(world.township_a_officer)
    assert client.post(f"/people/{world.village_a1_readonly.pk}/reset-password/").status_code == 403
    world.village_a1_readonly.refresh_from_db()
    assert not world.village_a1_readonly.must_change_password


def test_person_page_hides_posts_outside_the_viewers_scope(world):
    from regions.services import post_grant

    post_grant(actor=None, user=world.village_a1_readonly, role="grid_worker", region=world.village_b1)
    response = world.client_for(world.township_a_officer).get(f"/people/{world.village_a1_readonly.pk}/")
    assert {p.region.name for p in response.context["posts"]} == {"白马村"}


def test_password_reset_is_logged_with_the_actor(world):
    from audit.models import AuthEvent

    world.client_for(world.township_a_officer).post(f"/people/{world.village_a1_readonly.pk}/reset-password/")
    event = AuthEvent.objects.get(kind="password_reset")
    assert event.user_id == world.village_a1_readonly.pk and event.actor_id == world.township_a_officer.pk

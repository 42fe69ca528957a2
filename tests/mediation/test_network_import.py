"""Grid posts in the people import (the optional 网格 column) and in the single-person forms (a grid
select): a named grid must be an active grid of that village, an empty one takes the village's default,
other posts leave it empty; every bad row is named by its number and nothing is imported."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from mediation.services.network import grid_create, grid_set_active
from regions.models import Grid, Post
from regions.services.posts import GRID_NOT_HERE, WHOLE_VILLAGE_GRID
from tests.conftest import xlsx_bytes

HEADER = ("用户名", "姓名", "手机号", "职务", "区划代码", "任职日期", "网格")
A1, A2 = "419901101201", "419901101202"


def _import(world, rows, header=HEADER):
    response = world.client_for(world.township_a_officer).post(
        "/people/import/", {"file": SimpleUploadedFile("p.xlsx", xlsx_bytes([header, *rows]))}
    )
    assert response.status_code == 200
    return response.context["result"]


def test_grid_errors_are_named_by_row_and_nothing_is_imported(world):
    """白马村 (A1) has two active grids (the whole village, 东片) and a switched-off one (西片)."""
    grid_create(actor=None, village=world.village_a1, name="东片", households=60)
    grid_set_active(
        actor=None, grid=grid_create(actor=None, village=world.village_a1, name="西片"), active=False
    )
    result = _import(
        world,
        [
            ("gw1", "网格甲", "", "网格员", A1, "", "东片"),
            ("gw2", "网格乙", "", "网格协管员", A1, "", "北片"),
            ("gw3", "网格丙", "", "网格警务员", A1, "", ""),
            ("gw4", "调解丁", "", "村调解员", A1, "", "东片"),
            ("gw5", "网格戊", "", "网格监督员", A1, "", "西片"),
            ("gw6", "网格己", "", "党员网格长", A2, "", "东片"),
        ],
    )
    assert result.errors == [
        "第3行：网格“北片”在该村不存在",
        "第4行：白马村有多个网格，网格职务须填写网格名称",
        "第5行：职务“村调解员”不属于网格，网格列应为空",
        "第6行：网格“西片”已停用",
        "第7行：网格“东片”在该村不存在",  # 东片 is 白马村's, not 张庄村's
    ]
    assert not User.objects.filter(username__startswith="gw").exists()
    assert not Grid.objects.filter(village=world.village_a2).exists()


def test_grid_posts_are_imported_into_the_named_or_the_default_grid(world):
    east = grid_create(actor=None, village=world.village_a1, name="东片", households=60)
    result = _import(
        world,
        [
            ("gw1", "网格甲", "", "网格管理员", A1, "", "东片"),
            ("gw2", "网格乙", "", "网格协管员", A1, "", WHOLE_VILLAGE_GRID),
            # 张庄村 has no grid yet: the whole village becomes one, for both rows.
            ("gw3", "网格丙", "", "网格警务员", A2, "", ""),
            ("gw4", "网格丁", "", "网格监督员", A2, "", ""),
            ("gw5", "调解戊", "", "村调解员", A2, "", ""),
        ],
    )
    assert result.errors == [] and result.posts == 5
    grid_of = dict(Post.objects.filter(user__username__startswith="gw").values_list("user__username", "grid"))
    whole_a1 = Grid.objects.get(village=world.village_a1, name=WHOLE_VILLAGE_GRID)
    whole_a2 = Grid.objects.get(village=world.village_a2, name=WHOLE_VILLAGE_GRID)
    assert grid_of == {
        "gw1": east.pk,
        "gw2": whole_a1.pk,
        "gw3": whole_a2.pk,
        "gw4": whole_a2.pk,
        "gw5": None,
    }


def test_a_sheet_without_the_grid_column_still_imports(world):
    result = _import(world, [("gw1", "网格甲", "", "网格员", A1, "")], header=HEADER[:6])
    assert result.errors == []
    assert Post.objects.get(user__username="gw1").grid.name == WHOLE_VILLAGE_GRID


def test_the_person_form_offers_the_grids_in_scope_and_puts_the_post_in_the_chosen_one(world):
    east = grid_create(actor=None, village=world.village_a1, name="东片", households=60)
    b1_grid = grid_create(actor=None, village=world.village_b1, name="李楼网格")
    client = world.client_for(world.township_a_officer)
    offered = dict(client.get("/people/new/").context["form"].fields["grid"].choices)
    assert offered[str(east.pk)] == "白马村 · 东片" and str(b1_grid.pk) not in offered
    person = {
        "username": "gw1",
        "real_name": "网格甲",
        "role": "grid_police",
        "region": A1,
        "started_on": "2026-01-05",
    }
    response = client.post("/people/new/", {**person, "grid": east.pk})
    assert response.status_code == 200 and "password" in response.context
    assert Post.objects.get(user__username="gw1").grid == east
    # A grid of another village is refused by the service, with its message.
    response = client.post("/people/new/", {**person, "username": "gw2", "region": A2, "grid": east.pk})
    assert GRID_NOT_HERE.format(region="张庄村") in response.content.decode()
    assert not User.objects.filter(username="gw2").exists()
    # A grid out of the officer's scope is not a choice.
    response = client.post("/people/new/", {**person, "username": "gw3", "grid": b1_grid.pk})
    assert "所在网格" in response.content.decode() and not User.objects.filter(username="gw3").exists()


def test_a_post_granted_on_the_person_page_takes_the_chosen_grid(world):
    east = grid_create(actor=None, village=world.village_a1, name="东片", households=60)
    client = world.client_for(world.township_a_officer)
    url = f"/people/{world.village_a1_readonly.pk}/"
    response = client.post(
        url, {"role": "grid_supervisor", "region": A1, "grid": east.pk, "started_on": "2026-01-05"}
    )
    assert response.status_code == 302
    post = Post.objects.get(user=world.village_a1_readonly, role="grid_supervisor")
    assert post.grid == east
    assert "白马村 · 东片" in client.get(url).content.decode()

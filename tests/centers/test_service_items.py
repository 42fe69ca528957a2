"""The service-item catalog: the preloaded items, who sees and who maintains what, import and export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from centers.exports import SERVICE_ITEM_HEADER
from centers.models import ServiceItem
from core.formats import zh_date
from tests.conftest import xlsx_bytes
from tests.spreadsheets.layout import assert_layout

pytestmark = pytest.mark.django_db

HEADER = ("事项名称", "类别", "办理方式", "责任科室", "所需材料", "承诺时限（工作日）", "是否需要身份证号")


def item_data(**changes):
    data = {
        "name": "护林员补贴申请",
        "category": "农业农村",
        "handling_way": "proxy",
        "office": "林业站",
        "materials": "申请书\n身份证",
        "promised_days": 10,
        "needs_id_number": "on",
    }
    data.update(changes)
    return data


def test_at_least_twenty_common_items_are_preloaded(world):
    names = set(ServiceItem.objects.filter(region__isnull=True).values_list("name", flat=True))
    assert len(names) >= 20
    assert {
        "低保申请",
        "医保参保缴费",
        "养老保险资格认证",
        "残疾证办理",
        "宅基地审批",
        "独生子女证办理",
        "新生儿落户",
        "高龄补贴申请",
    } <= names


def test_township_adds_an_item_for_its_area_only(world):
    client = world.client_for(world.township_a_officer)
    response = client.post("/service-items/new/", item_data(owner=world.township_a.pk))
    assert response.status_code == 302
    item = ServiceItem.objects.get(name="护林员补贴申请")
    assert item.region == world.township_a and item.material_list == ["申请书", "身份证"]
    seen_by = {
        user: "护林员补贴申请"
        in world.client_for(getattr(world, user)).get("/service-items/", {"q": "护林员"}).content.decode()
        for user in ("village_a1_clerk", "township_a_officer", "county_admin", "township_b_officer")
    }
    assert seen_by == {
        "village_a1_clerk": True,
        "township_a_officer": True,
        "county_admin": True,
        "township_b_officer": False,
    }


def test_county_item_applies_in_every_township(world):
    world.client_for(world.county_admin).post("/service-items/new/", item_data(owner=world.county.pk))
    assert (
        "护林员补贴申请" in world.client_for(world.township_b_officer).get("/service-items/").content.decode()
    )


def test_bad_input_is_refused_in_chinese(world):
    client = world.client_for(world.township_a_officer)
    response = client.post(
        "/service-items/new/", item_data(owner=world.township_a.pk, promised_days=0, name="")
    )
    text = response.content.decode()
    assert "这个字段是必填项" in text and "承诺时限应为1至365个工作日" in text
    client.post("/service-items/new/", item_data(owner=world.township_a.pk))
    again = client.post("/service-items/new/", item_data(owner=world.township_a.pk))
    assert "已有同名的服务事项" in again.content.decode()
    foreign_owner = client.post("/service-items/new/", item_data(owner=world.township_b.pk, name="越界事项"))
    assert "选择一个有效的选项" in foreign_owner.content.decode()
    assert ServiceItem.objects.filter(name__in=["越界事项", ""]).count() == 0


def test_edit_and_toggle_in_scope_only(world):
    own = ServiceItem.objects.create(
        region=world.township_a,
        name="甲镇事项",
        category="其他",
        handling_way="proxy",
        office="党政办",
        promised_days=5,
    )
    standard = ServiceItem.objects.filter(region__isnull=True).first()
    client = world.client_for(world.township_a_officer)
    assert (
        client.post(f"/service-items/{own.pk}/edit/", item_data(name="甲镇事项", promised_days=7)).status_code
        == 302
    )
    own.refresh_from_db()
    assert own.promised_days == 7 and own.office == "林业站"
    assert client.post(f"/service-items/{own.pk}/toggle/").status_code == 302
    own.refresh_from_db()
    assert not own.is_active
    assert client.get(f"/service-items/{standard.pk}/edit/").status_code == 404
    other = world.client_for(world.township_b_officer)
    assert other.post(f"/service-items/{own.pk}/toggle/").status_code == 404
    assert world.client_for(world.village_a1_clerk).get("/service-items/new/").status_code == 403


def test_request_filter_offers_new_items_and_drops_switched_off_ones_at_once(world):
    """The request list's item choices are cached per scope until an item changes anywhere."""
    village = world.client_for(world.village_a1_clerk)
    assert "护林员补贴申请" not in village.get("/requests/").content.decode()
    world.client_for(world.township_a_officer).post(
        "/service-items/new/", item_data(owner=world.township_a.pk)
    )
    item = ServiceItem.objects.get(name="护林员补贴申请")
    assert f'<option value="{item.pk}">护林员补贴申请</option>' in village.get("/requests/").content.decode()
    world.client_for(world.township_a_officer).post(f"/service-items/{item.pk}/toggle/")
    assert "护林员补贴申请" not in village.get("/requests/").content.decode()


def test_import_creates_and_updates_all_or_nothing(world):
    client = world.client_for(world.county_admin)
    good = xlsx_bytes(
        [
            HEADER,
            ("护林员补贴申请", "农业农村", "代理办", "林业站", "申请书；身份证", 10, "是"),
            ("公益岗位申请", "就业创业", "协助办", "劳动保障所", "", "5", "否"),
        ]
    )
    result = client.post(
        "/service-items/import/", {"owner": world.county.pk, "file": SimpleUploadedFile("s.xlsx", good)}
    ).context["result"]
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    assert ServiceItem.objects.get(name="公益岗位申请").needs_id_number is False
    again = client.post(
        "/service-items/import/", {"owner": world.county.pk, "file": SimpleUploadedFile("s.xlsx", good)}
    ).context["result"]
    assert (again.created, again.updated) == (0, 0)
    bad = xlsx_bytes(
        [
            HEADER,
            ("新事项", "其他", "代理办", "科室", "", 3, "是"),
            ("", "其他", "上门办", "科室", "", 0, "也许"),
            ("新事项", "其他", "代理办", "科室", "", 3, "是"),
        ]
    )
    result = client.post(
        "/service-items/import/", {"owner": world.county.pk, "file": SimpleUploadedFile("s.xlsx", bad)}
    ).context["result"]
    assert [e.split("：")[0] for e in result.errors] == ["第3行", "第4行"]
    assert "事项名称为空" in result.errors[0] and "办理方式“上门办”" in result.errors[0]
    assert "承诺时限“0”" in result.errors[0] and "“也许”" in result.errors[0]
    assert "与第2行重复" in result.errors[1]
    assert not ServiceItem.objects.filter(name="新事项").exists()


def test_export_round_trips_and_escapes_formulas(world):
    ServiceItem.objects.create(
        region=world.county,
        name='=HYPERLINK("x")',
        category="+1",
        handling_way="proxy",
        office="@科室",
        materials="-材料",
        promised_days=3,
    )
    response = world.client_for(world.county_admin).get("/service-items/export/", {"category": "+1"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    body = assert_layout(
        sheet,
        title=f"测试县服务事项清单（{zh_date(timezone.localdate())}）",
        header=SERVICE_ITEM_HEADER,
        total=False,
    )
    assert body[0][:5] == ('\'=HYPERLINK("x")', "'+1", "代理办", "'@科室", "'-材料")
    assert body[0][5] == 3 and sheet["F3"].data_type == "n"
    assert len(body) == 1


def test_an_exported_catalog_imports_back_under_its_title_row(world):
    """The export's title row sits above the header; the import reads the rows under the header, numbered
    as Excel shows them."""
    client = world.client_for(world.county_admin)
    ServiceItem.objects.create(
        region=world.county,
        name="护林员补贴申请",
        category="林业护林",
        handling_way="proxy",
        office="林业站",
        materials="申请书",
        promised_days=10,
    )
    exported = client.get("/service-items/export/", {"category": "林业护林"}).content
    assert load_workbook(io.BytesIO(exported)).active["A1"].value.startswith("测试县服务事项清单")
    ServiceItem.objects.filter(name="护林员补贴申请").update(promised_days=3)
    result = client.post(
        "/service-items/import/", {"owner": world.county.pk, "file": SimpleUploadedFile("s.xlsx", exported)}
    ).context["result"]
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert ServiceItem.objects.get(name="护林员补贴申请").promised_days == 10


def test_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        ServiceItem.objects.create(
            region=world.township_a,
            name=f"事项{n}",
            category="其他",
            handling_way="proxy",
            office="党政办",
            promised_days=5,
        )
    client = world.client_for(world.township_a_officer)
    client.get("/service-items/")
    with django_assert_max_num_queries(10):
        client.get("/service-items/")

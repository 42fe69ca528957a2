"""The public service-item catalog of a village (服务事项清单 / 办事明白纸, [002] [004 宜昌]): no login, the
items in force there with conditions, materials, flow, promised days, office and the duty phone; cached for
anonymous visitors and fresh after every change; printable; linked from the public pages."""

from __future__ import annotations

import pytest
from django.test import Client

from centers.models import ServiceCenter, ServiceItem
from centers.services import center_update, service_item_create, service_item_update
from centers.standards import SERVICE_ITEM_CONDITIONS, SERVICE_ITEMS
from regions.services import list_entry_toggle
from tests.centers.builders import accept, center_of

pytestmark = pytest.mark.django_db

A1, B1 = "419901101201", "419901102201"


def catalog(code: str = A1, client: Client | None = None, **params) -> str:
    response = (client or Client()).get(f"/catalog/{code}/", params)
    assert response.status_code == 200
    return response.content.decode()


def township_item(world, township, name: str, **changes):
    data = {
        "actor": None,
        "region": township,
        "name": name,
        "category": "农业农村",
        "handling_way": "proxy",
        "office": "林业站",
        "materials": "申请书\n身份证",
        "promised_days": 10,
        "needs_id_number": True,
    }
    data.update(changes)
    return service_item_create(**data)


def test_the_catalog_is_public_and_only_for_villages(world):
    page = catalog()
    assert "服务事项清单" in page
    assert Client().get("/catalog/419901101299/").status_code == 404
    assert Client().get("/catalog/419901101000/").status_code == 404  # a township
    response = Client().get(f"/catalog/{A1}/")
    assert "public" in response["Cache-Control"] and "csrftoken" not in response.cookies


def test_each_item_shows_conditions_materials_flow_days_office_and_the_duty_phone(world):
    ServiceCenter.objects.filter(region=world.village_a1).update(duty_phone="0395-6666666")
    page = catalog()
    block = page.split('data-item="低保申请"')[1].split("</section>")[0]
    assert SERVICE_ITEM_CONDITIONS["低保申请"] in block
    assert "<li>家庭收入证明</li>" in block
    # The standard flow of 代理办, filled by the data migration: 受理→承办→回复 through the office.
    assert block.index("受理：") < block.index("承办：村干部代为报送民政办办理") < block.index("回复：")
    assert "20个工作日" in block and "民政办" in block and "0395-6666666" in block
    assert page.count('class="card mb-3 catalog-item"') == len(SERVICE_ITEMS)


def test_every_standard_item_has_conditions_and_a_flow(world):
    blank = ServiceItem.objects.filter(region__isnull=True).filter(
        conditions=""
    ) | ServiceItem.objects.filter(region__isnull=True, flow="")
    assert not blank.exists()


def test_only_items_in_force_at_the_village_are_shown(world):
    own = township_item(world, world.township_a, "护林员补贴申请")
    township_item(world, world.township_b, "柳河乡特色事项")
    off = township_item(world, world.township_a, "已停用事项")
    list_entry_toggle(actor=None, entry=off)
    a1 = catalog(A1)
    assert 'data-item="护林员补贴申请"' in a1
    assert 'data-item="柳河乡特色事项"' not in a1 and 'data-item="已停用事项"' not in a1
    b1 = catalog(B1)
    assert 'data-item="柳河乡特色事项"' in b1 and 'data-item="护林员补贴申请"' not in b1
    # A switched-off standard item disappears too.
    standard = ServiceItem.objects.get(name="水电费代缴", region__isnull=True)
    standard.is_active = False
    standard.save()
    assert 'data-item="水电费代缴"' not in catalog(A1)
    # An item without steps of its own shows the standard steps of its way.
    block = a1.split('data-item="护林员补贴申请"')[1].split("</section>")[0]
    assert "承办：村干部代为报送林业站办理" in block and own.flow == ""


def test_the_anonymous_page_is_cached_and_fresh_after_a_change(world, django_assert_num_queries):
    item = township_item(world, world.township_a, "护林员补贴申请")
    catalog()
    with django_assert_num_queries(1):  # the village; the page itself comes from the cache
        catalog()
    service_item_update(actor=None, item=item, conditions="持有护林员聘用合同的人员")
    assert "持有护林员聘用合同的人员" in catalog()
    center = center_of(world.village_a1)
    center_update(
        actor=world.village_a1_clerk,
        center=center,
        version=center.version,
        name=center.name,
        address=center.address,
        duty_phone="0395-1234567",
        opening_hours=center.opening_hours,
        rooms=[],
    )
    assert "0395-1234567" in catalog()


def test_a_signed_in_visitor_gets_a_private_page(world):
    client = world.client_for(world.village_a1_clerk)
    response = client.get(f"/catalog/{A1}/")
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert "village_a1_clerk" in response.content.decode()
    assert "village_a1_clerk" not in catalog()  # the shared copy never carries a user's name


def test_it_prints_as_a_list_or_one_sheet_per_item(world, settings):
    listed = catalog()
    assert "css/service-catalog.css" in listed and 'id="print-each"' in listed
    css = (settings.BASE_DIR / "static" / "css" / "service-catalog.css").read_text()
    assert "@media print" in css and ".each .catalog-item { break-after: page;" in css
    assert 'class="each"' not in listed
    each = catalog(each="1")
    assert 'class="each"' in each and "办事明白纸" in each


def test_the_public_pages_link_to_the_catalog(world):
    today = Client().get(f"/duty/{A1}/today/").content.decode()
    assert f'href="/catalog/{A1}/" id="link-catalog"' in today and f'href="/suggest/{A1}/"' in today
    request = accept(world)
    found = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"}).content.decode()
    assert f'href="/catalog/{A1}/" id="lookup-catalog"' in found
    assert f'href="/catalog/{A1}/"' in Client().get(f"/suggest/{A1}/").content.decode()


def test_the_county_edits_conditions_and_flow_in_the_item_form(world):
    item = township_item(world, world.county, "县级事项")
    client = world.client_for(world.county_admin)
    form = client.get(f"/service-items/{item.pk}/edit/").content.decode()
    assert 'name="conditions"' in form and 'name="flow"' in form
    response = client.post(
        f"/service-items/{item.pk}/edit/",
        {
            "name": "县级事项",
            "category": "农业农村",
            "handling_way": "full",
            "office": "林业站",
            "materials": "申请书",
            "promised_days": 12,
            "needs_id_number": "on",
            "conditions": " 本县户籍居民 ",
            "flow": "村里受理\n\n乡镇审核\n县局审批",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.conditions == "本县户籍居民" and item.flow_steps == ["村里受理", "乡镇审核", "县局审批"]
    block = catalog(B1).split('data-item="县级事项"')[1].split("</section>")[0]
    assert "本县户籍居民" in block and "<li>乡镇审核</li>" in block and "受理：" not in block


def test_the_public_pages_cost_the_same_queries_whatever_the_data(world, django_assert_num_queries):
    """One query for the village and one for the items (none per item); the suggestions form one."""
    from django.core.cache import cache

    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as catalog_queries:
            catalog()
        with CaptureQueriesContext(connection) as form_queries:
            assert Client().get(f"/suggest/{A1}/").status_code == 200
        return len(catalog_queries), len(form_queries)

    small = counts()
    for n in range(30):
        township_item(world, world.township_a, f"增加事项{n}")
    assert counts() == small == (2, 1)

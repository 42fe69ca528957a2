"""Region pages: scope, breadcrumbs, counts, pinyin order, search."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import Region
from tests.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db


def panel_html(response, key: str) -> str:
    """The rendered HTML of one of the region page's panels, by its registered key."""
    return {p.key: html for p, html in response.context["panels"]}[key]


def children(response) -> list[tuple[str, int | None]]:
    """(name, villages below it or None) of each row of the "下辖区划" table, in the order shown."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", panel_html(response, "children"), re.S):
        name = re.search(r'<a href="/regions/\d{12}/">(.+?)</a>', row)
        if name:
            cells = re.findall(r'<td class="text-end">(\d+)</td>', row)
            has_villages = "村（社区）数" in panel_html(response, "children")
            rows.append((name.group(1), int(cells[0]) if has_villages else None))
    return rows


def test_village_clerk_lands_on_own_village(world):
    response = world.client_for(world.village_a1_clerk).get("/")
    assert response.status_code == 302
    assert response.url == "/regions/419901101201/"
    page = world.client_for(world.village_a1_clerk).get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "白马村党群服务中心" in text
    assert "在岗人员" in text


def test_township_officer_lands_on_township_and_sees_only_its_villages(world):
    client = world.client_for(world.township_a_officer)
    response = client.get("/")
    assert response.url == "/regions/419901101000/"
    text = client.get(response.url).content.decode()
    assert "白马村" in text and "张庄村" in text
    assert "李楼村" not in text


def test_county_user_sees_townships_with_village_counts(world):
    client = world.client_for(world.county_admin)
    response = client.get("/regions/419901000000/")
    assert response.status_code == 200
    townships = dict(children(response))
    assert townships == {"安乐镇": 2, "柳河乡": 1}


def test_other_village_and_township_answer_404(world):
    clerk = world.client_for(world.village_a1_clerk)
    assert clerk.get("/regions/419901101202/").status_code == 404
    assert clerk.get("/regions/419901101000/").status_code == 404
    officer_b = world.client_for(world.township_b_officer)
    assert officer_b.get("/regions/419901101201/").status_code == 404


def test_breadcrumbs_show_ancestors_in_scope(world):
    response = world.client_for(world.county_admin).get("/regions/419901101201/")
    assert [r.name for r in response.context["breadcrumbs"]] == ["测试县", "安乐镇"]
    clerk_view = world.client_for(world.village_a1_clerk).get("/regions/419901101201/")
    assert clerk_view.context["breadcrumbs"] == []


def test_an_import_shows_on_region_pages_at_once(world):
    """A page's region and its ancestors are cached: a rename, or a region that answered 404 before it was
    imported, shows on the next request."""
    client = world.client_for(world.county_admin)
    assert client.get("/regions/419901101299/").status_code == 404
    assert client.get("/regions/419901101201/").context["breadcrumbs"][1].name == "安乐镇"
    rows = [("code", "name"), ("419901101000", "安乐新镇"), ("419901101299", "新设村")]
    upload = SimpleUploadedFile("t.xlsx", xlsx_bytes(rows))
    assert client.post("/regions/import/", {"file": upload}).status_code == 200
    assert client.get("/regions/419901101299/").context["region"].name == "新设村"
    assert client.get("/regions/419901101201/").context["breadcrumbs"][1].name == "安乐新镇"


def test_a_name_corrected_in_the_admin_shows_at_once(world):
    client = world.client_for(world.township_a_officer)
    assert "白马村" in client.get("/regions/419901101000/").content.decode()
    assert client.get("/regions/419901101201/").context["region"].name == "白马村"
    admin = world.client_for(world.sysadmin)
    response = admin.post(f"/admin/regions/region/{world.village_a1.pk}/change/", {"name": "白马新村"})
    assert response.status_code == 302
    assert client.get("/regions/419901101201/").context["region"].name == "白马新村"
    assert "白马新村" in client.get("/regions/419901101000/").content.decode()


def test_children_are_sorted_by_pinyin(world):
    """Pinyin order (a-li, bai-ma, zhang-zhuang) differs from code-point order (张 < 白 < 阿)."""
    Region.objects.create(
        code="419901101203", prefix="419901101203", name="阿里村", level="village", parent=world.township_a
    )
    response = world.client_for(world.township_a_officer).get("/regions/419901101000/")
    names = [name for name, _ in children(response)]
    assert names == ["阿里村", "白马村", "张庄村"]


def test_search_by_name_and_code_stays_in_scope(world):
    client = world.client_for(world.township_a_officer)
    by_name = client.get("/regions/search/", {"q": "村"})
    assert {r.name for r in by_name.context["page_obj"]} == {"白马村", "张庄村"}
    by_code = client.get("/regions/search/", {"q": "419901102"})
    assert list(by_code.context["page_obj"]) == []
    by_code_own = client.get("/regions/search/", {"q": "4199011012"})
    assert {r.code for r in by_code_own.context["page_obj"]} == {"419901101201", "419901101202"}


def test_region_pages_cost_the_same_queries_whatever_the_size(world, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regions.services import regions_import
    from tests.conftest import rows_of

    client = world.client_for(world.county_admin)
    client.get("/regions/419901000000/")  # warm caches (content types, sessions)
    cache.clear()  # the panels' figures are cached per region: measure them computed
    with CaptureQueriesContext(connection) as small:
        client.get("/regions/419901000000/")
    extra = [(f"4199011{t:02d}000", f"新镇{t}") for t in range(10, 30)]
    extra += [(f"4199011{t:02d}2{v:02d}", f"新村{t}{v}") for t in range(10, 30) for v in range(1, 20)]
    regions_import(rows=rows_of(extra))
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get("/regions/419901000000/")
    assert len(children(response)) == 22
    assert len(large.captured_queries) == len(small.captured_queries)


def test_pinyin_order_without_icu_uses_gb18030(world, settings):
    """The embedded server has no ICU; GB18030 byte order gives the same pinyin order for common names."""
    settings.PINYIN_ORDER = "gb18030"
    Region.objects.create(
        code="419901101203", prefix="419901101203", name="阿里村", level="village", parent=world.township_a
    )
    response = world.client_for(world.township_a_officer).get("/regions/419901101000/")
    assert [name for name, _ in children(response)] == ["阿里村", "白马村", "张庄村"]

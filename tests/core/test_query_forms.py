"""Query-string values are read through forms on every page: a value someone edited by hand gives the
page's default or a 404 (a malformed code, as an unknown one), never a server error, and valid values
still work."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LONG = "x" * 300
WIDE_CODE = "４１９９０１１０１２０１"


@pytest.mark.parametrize(
    "url,params,status",
    [
        ("/people/", {"region": "abc"}, 404),
        ("/people/", {"region": WIDE_CODE}, 404),
        ("/people/", {"region": "419901101201", "q": LONG, "ended": "abc"}, 200),
        ("/people/new/", {"region": LONG}, 200),
        ("/settings/", {"county": "abc"}, 404),
        ("/settings/", {"county": "419901000000"}, 200),
        ("/calendar/", {"county": LONG, "year": LONG}, 404),
        ("/center-lists/", {"county": LONG}, 200),
        ("/duty/attendance/", {"region": "abc"}, 404),
        ("/duty/attendance/", {"region": "419901101000", "from": "2026-13-01"}, 200),
        ("/requests/figures/", {"by": LONG}, 200),
        ("/requests/figures/", {"by": "item"}, 200),
        ("/decisions/", {"region": "abc", "year": "abc"}, 404),
        ("/decisions/", {"region": "419901101201", "year": "99999"}, 200),
        ("/decisions/new/", {"village": LONG}, 403),  # the county has no village to register for
    ],
)
def test_county_pages_read_their_query_through_forms(world, url, params, status):
    assert world.client_for(world.county_admin).get(url, params).status_code == status


@pytest.mark.parametrize(
    "url,params",
    [
        ("/decisions/new/", {"village": LONG}),
        ("/decisions/new/", {"village": "419901101201"}),
    ],
)
def test_village_pages_read_their_query_through_forms(world, url, params):
    assert world.client_for(world.village_a1_clerk).get(url, params).status_code == 200


@pytest.mark.parametrize(
    "url,params",
    [
        ("/bulletin/419901101201/", {"page": "abc"}),
        ("/bulletin/419901101201/", {"page": "99999999999999999999"}),
        ("/bulletin/419901101201/", {"page": "-1"}),
        ("/catalog/419901101201/", {"each": LONG}),
        ("/catalog/419901101201/", {"each": "1"}),
        ("/lookup/", {"code": LONG}),
        ("/lookup/", {"code": "abc123"}),
    ],
)
def test_public_pages_read_their_query_through_forms(client, world, url, params):
    assert client.get(url, params).status_code == 200


def test_the_bulletin_caches_garbage_page_numbers_as_the_first_page(client, world):
    from django.core.cache import cache

    from decisions import caching
    from regions.models import Region

    region = Region.objects.get(code="419901101201")
    client.get("/bulletin/419901101201/", {"page": "zzzzzz"})
    assert cache.get(caching.bulletin_page_key(region, "zzzzzz")) is None
    assert cache.get(caching.bulletin_page_key(region, "1")) is not None


def test_the_lookup_comes_filled_with_the_receipt_code_of_the_qr_code(client, world):
    page = client.get("/lookup/", {"code": "ab12cd34"}).content.decode()
    assert 'value="AB12CD34"' in page


HUGE = "9" * 25
AUDIT_URL = "/audit/"


@pytest.mark.parametrize(
    "url,params",
    [
        ("/requests/", {"handler_id": HUGE}),
        ("/requests/", {"handler_id": "-5", "date_from": "9999-12-31"}),
    ],
)
def test_numbers_past_a_columns_range_are_refused_by_the_form(world, url, params):
    assert world.client_for(world.county_admin).get(url, params).status_code == 200


def test_audit_filters_refuse_ids_past_a_bigint(world):
    client = world.client_for(world.sysadmin)
    for params in ({"actor": HUGE}, {"obj_id": HUGE}, {"actor": "0"}):
        assert client.get(AUDIT_URL, params).status_code == 200


def test_a_version_past_the_columns_range_is_refused_with_a_message(world):
    from tests.centers.builders import accept

    proxy_request = accept(world)
    response = world.client_for(world.village_a1_clerk).post(
        f"/requests/{proxy_request.pk}/transition/", {"name": "start", "version": HUGE}, follow=True
    )
    assert response.status_code == 200
    proxy_request.refresh_from_db()
    assert proxy_request.status == "accepted"


@pytest.mark.parametrize("url", ["/duty/attendance/", "/suggestions/figures/"])
def test_figures_pages_give_a_spreadsheet_for_format_xlsx_only(world, url):
    client = world.client_for(world.county_admin)
    assert client.get(url, {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")
    for other in ("pdf", LONG, ""):
        response = client.get(url, {"format": other})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")

"""The server errors the input fuzz test (tests/test_fuzz_inputs.py) found, each pinned by its payload:
a hostile value answers a page or a 404 and writes nothing."""

from __future__ import annotations

import pytest

from audit.models import AuthEvent
from centers.models import ProxyRequest
from tests.centers.builders import item

pytestmark = pytest.mark.django_db

NOT_A_CODE = [
    "\x00",
    "4199\x00",
    "41990110128²",
    "４１９９０１１０１２０１",
    "x" * 100_000,
    "419901101201" + "0" * 5,
]


@pytest.mark.parametrize("value", NOT_A_CODE, ids=repr)
@pytest.mark.parametrize(
    "url", ["/decisions/", "/decisions/oversight/", "/people/", "/requests/figures/", "/duty/attendance/"]
)
def test_a_region_parameter_that_is_no_code_answers_404(world, url, value):
    client = world.client_for(world.county_admin)
    assert client.get(url, {"region": value}).status_code == 404


def test_a_region_parameter_with_a_real_code_still_works(world):
    client = world.client_for(world.county_admin)
    assert client.get("/decisions/", {"region": world.village_a1.code}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "41990110128²", "４１９９０１１０１２０１", "x" * 100_000])
def test_matter_create_ignores_a_village_that_is_no_code(world, value):
    client = world.client_for(world.village_a1_clerk)
    assert client.get("/decisions/new/", {"village": value}).status_code == 200
    response = client.post("/decisions/new/", {"village_code": value, "title": ""})
    assert response.status_code == 200 and b"invalid-feedback" in response.content


@pytest.mark.parametrize("value", ["41990110128²", "１", "\x00", "9" * 400])
def test_request_intake_with_an_item_that_is_no_number_shows_the_form_again(world, value):
    item()
    client = world.client_for(world.village_a1_clerk)
    response = client.post("/requests/new/", {"village": world.village_a1.pk, "item": value})
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert not ProxyRequest.objects.exists()


@pytest.mark.parametrize("value", ["41990110128²", "２０２６", "²", "99999"])
def test_calendar_year_that_is_no_year_shows_this_year(world, value):
    client = world.client_for(world.county_admin)
    assert client.get("/calendar/", {"year": value}).status_code == 200


def test_admin_login_refuses_an_overlong_username_before_the_lockout_log(world):
    """Django's admin form set max_length after building the field (no validator): a 100,000-character name
    reached django-axes' 255-character column and answered 500."""
    response = world.client_for(None).post(
        "/admin/login/?next=/admin/", {"username": "x" * 100_000, "password": "x"}
    )
    assert response.status_code == 200
    assert b"150" in response.content  # the length message
    assert not AuthEvent.objects.filter(kind="login_failed").exists()

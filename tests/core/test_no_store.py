"""Pages that show personal data answer ``Cache-Control: no-store`` (core.middleware.NoStoreMiddleware):
every signed-in page, and the public views marked ``personal_data`` (the lookup's result, the suggestion
forms, the objection form); public pages without personal data keep their public caching. (The permission
matrix checks no-store on every signed-in page it visits.)"""

from __future__ import annotations

import pytest
from django.test import Client

from spreadsheets.exports import BUILDERS, export_job_create, export_job_run
from tests.centers.builders import accept

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "public" not in directives


def test_signed_in_pages_with_personal_data_are_not_stored(world):
    request = accept(world)
    clerk = world.client_for(world.village_a1_clerk)
    officer = world.client_for(world.township_a_officer)
    job = export_job_create(user=world.village_a1_clerk, kind=sorted(BUILDERS)[0], title="导出", params={})
    assert export_job_run(job_id=job.pk)
    answers = {
        "request list": clerk.get("/requests/"),
        "request detail": clerk.get(f"/requests/{request.pk}/"),
        "request reveal": clerk.post(f"/requests/{request.pk}/reveal/"),
        "receipt": clerk.get(f"/requests/{request.pk}/receipt/"),
        "people list": officer.get("/people/"),
        "person detail": officer.get(f"/people/{world.village_a1_clerk.pk}/"),
        "export page": clerk.get(f"/exports/{job.pk}/"),
        "export download": clerk.get(f"/exports/{job.pk}/download/"),
        "home": clerk.get("/", follow=True),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert no_store(response), f"{name}: {response.get('Cache-Control')!r}"
        if response.streaming:
            b"".join(response.streaming_content)
    # The revealed page does show the full numbers, which is why it must not be kept.
    assert "13812345678" in answers["request reveal"].content.decode()


def test_the_public_lookup_result_is_not_stored(world):
    request = accept(world)
    response = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    assert response.context["found"] == request and no_store(response)
    wrong = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "0000"})
    assert no_store(wrong)


def test_the_public_forms_that_take_a_name_and_phone_are_not_stored(world):
    assert no_store(Client().get(f"/suggest/{world.village_a1.code}/"))
    assert no_store(Client().post("/suggest/answer/", {"code": "ZZZZ2345"}))


def test_a_public_catalog_page_keeps_its_public_caching(world):
    response = Client().get(f"/catalog/{world.village_a1.code}/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    # Signed in, the same page carries the user's name: not stored.
    assert no_store(world.client_for(world.village_a1_clerk).get(f"/catalog/{world.village_a1.code}/"))

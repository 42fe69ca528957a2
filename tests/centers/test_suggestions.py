"""The public suggestions box (问题建议, [003] "收集问题建议163条，处理反馈127条"): a villager leaves one on the
village's public page without an account, the village is told and answers it once, the villager reads the
answer with the receipt code, the township sees its villages' unanswered ones, and the figures count
collected and answered."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import PersonalDataReveal
from centers.models import Suggestion
from centers.services import suggestion_answer, suggestion_submit
from centers.services.suggestions import (
    ALREADY_ANSWERED,
    ANSWER_REQUIRED,
    CONTENT_MAX,
    CONTENT_REQUIRED,
    CONTENT_TOO_LONG,
)
from centers.views import suggestions as views
from core.personal_data import PHONE_INVALID
from notifications.models import Notification
from regions.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

A1, A2, B1 = "419901101201", "419901101202", "419901102201"


def submit(code: str = A1, address: str = "10.0.0.1", **data):
    payload = {"content": "村东头路灯坏了，晚上看不见路", "name": "", "phone": ""}
    payload.update(data)
    return Client().post(f"/suggest/{code}/", payload, REMOTE_ADDR=address)


def answer(world, suggestion, text: str = "已联系电工，本周内修好", user=None):
    client = world.client_for(user or world.village_a1_clerk)
    return client.post(f"/suggestions/{suggestion.pk}/answer/", {"answer": text}, follow=True)


# -- the public form -------------------------------------------------------------------------------


def test_the_public_form_needs_no_login_and_only_villages_have_one(world):
    page = Client().get(f"/suggest/{A1}/")
    assert page.status_code == 200
    assert "问题建议" in page.content.decode() and 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert Client().get("/suggest/419901101299/").status_code == 404  # no such village
    assert Client().get("/suggest/419901101000/").status_code == 404  # a township has no box


def test_a_suggestion_is_saved_with_a_code_and_the_village_is_told(world):
    response = submit(name=" 王大妈 ", phone=" 13912345678 ")
    assert response.status_code == 200
    suggestion = Suggestion.objects.get()
    assert (suggestion.village, suggestion.name, suggestion.phone) == (
        world.village_a1,
        "王大妈",
        "13912345678",
    )
    assert suggestion.content == "村东头路灯坏了，晚上看不见路" and not suggestion.is_answered
    page = response.content.decode()
    assert f'id="suggestion-code">{suggestion.receipt_code}' in page
    # The village's secretary is told; the township is not (it sees them on its panel and list).
    told = set(
        Notification.objects.filter(kind="suggestion_new").values_list("recipient__username", flat=True)
    )
    assert told == {"village_a1_clerk"}
    assert (
        Notification.objects.get(recipient=world.village_a1_clerk, kind="suggestion_new").url
        == f"/suggestions/{suggestion.pk}/"
    )


def test_name_and_phone_are_optional(world):
    assert submit().status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.name == "" and suggestion.phone == "" and suggestion.receipt_code.startswith("JY")


@pytest.mark.parametrize(
    "data,message",
    [
        ({"content": "   "}, CONTENT_REQUIRED),
        ({"content": ""}, CONTENT_REQUIRED),
        ({"content": "路" * (CONTENT_MAX + 1)}, CONTENT_TOO_LONG),
        ({"phone": "1391234567"}, PHONE_INVALID),  # ten digits
        ({"phone": "23912345678"}, PHONE_INVALID),  # not a mobile number
        ({"phone": "1391234567a"}, PHONE_INVALID),
    ],
    ids=["blank", "empty", "too-long", "ten-digits", "not-mobile", "letter"],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(world, data, message):
    response = submit(**data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Suggestion.objects.exists() and not Notification.objects.filter(kind="suggestion_new").exists()


def test_the_longest_content_allowed_is_accepted(world):
    assert submit(content="路" * CONTENT_MAX).status_code == 200
    assert len(Suggestion.objects.get().content) == CONTENT_MAX


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/suggest/{A1}/", {"content": "没有令牌"}).status_code == 403
    assert not Suggestion.objects.exists()


def test_one_address_is_limited_and_others_are_not(world, monkeypatch):
    monkeypatch.setattr(views, "SUBMIT_ADDRESS_LIMIT", 3)
    for n in range(3):
        assert submit(content=f"建议{n}").status_code == 200
    blocked = submit(content="第四条")
    assert blocked.status_code == 429 and views.SUBMIT_TOO_MANY in blocked.content.decode()
    assert Suggestion.objects.count() == 3
    # Bad input counts too: the address stays blocked whatever it sends.
    assert submit(content="").status_code == 429
    assert submit(content="另一户", address="10.0.0.2").status_code == 200
    assert Suggestion.objects.count() == 4


def test_one_village_is_limited_across_addresses(world, monkeypatch):
    monkeypatch.setattr(views, "SUBMIT_VILLAGE_LIMIT", 3)
    for n in range(3):
        assert submit(content=f"建议{n}", address=f"10.0.1.{n}").status_code == 200
    blocked = submit(content="第四条", address="10.0.1.9")
    assert blocked.status_code == 429 and views.SUBMIT_TOO_MANY in blocked.content.decode()
    assert Suggestion.objects.filter(village__code=A1).count() == 3
    # Another village is not affected.
    assert submit(code=B1, content="李楼村的建议", address="10.0.1.10").status_code == 200


# -- the villager reads the answer ------------------------------------------------------------------


def test_the_receipt_code_shows_the_answer_but_not_the_name_or_phone(world):
    submit(name="王大妈", phone="13912345678")
    suggestion = Suggestion.objects.get()
    client = Client()
    waiting = client.post("/suggest/answer/", {"code": suggestion.receipt_code.lower()}).content.decode()
    assert "suggestion-waiting" in waiting and "村东头路灯坏了" in waiting
    answer(world, suggestion)
    page = client.post("/suggest/answer/", {"code": suggestion.receipt_code}).content.decode()
    assert "已联系电工，本周内修好" in page.split('id="suggestion-answer"')[1]
    assert "王大妈" not in page and "5678" not in page
    missing = client.post("/suggest/answer/", {"code": "JYZZZZZZZZ"})
    assert missing.context["found"] is None and views.LOOKUP_NOT_FOUND in missing.content.decode()
    assert client.get("/suggest/answer/", {"code": suggestion.receipt_code}).status_code == 200


def test_wrong_codes_are_limited_per_address(world, monkeypatch):
    monkeypatch.setattr(views, "LOOKUP_ADDRESS_LIMIT", 2)
    suggestion = suggestion_submit(village=world.village_a1, content="建议")
    client = Client()
    for _ in range(2):
        assert client.post("/suggest/answer/", {"code": "JYWRONG"}).status_code == 200
    blocked = client.post("/suggest/answer/", {"code": suggestion.receipt_code})
    assert blocked.status_code == 429 and blocked.context["found"] is None
    assert views.LOOKUP_TOO_MANY in blocked.content.decode()
    other = Client().post("/suggest/answer/", {"code": suggestion.receipt_code}, REMOTE_ADDR="10.3.3.3")
    assert other.status_code == 200 and other.context["found"] == suggestion


# -- the village answers ------------------------------------------------------------------------------


def test_the_village_answers_once_and_the_answer_is_audited(world):
    suggestion = suggestion_submit(village=world.village_a1, content="建议修路")
    response = answer(world, suggestion, "  已报乡镇，列入明年计划 ")
    assert "已答复" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.answer == "已报乡镇，列入明年计划" and suggestion.answered_by == world.village_a1_clerk
    assert suggestion.answered_at is not None
    events = list(suggestion.events.order_by("pgh_id").select_related("pgh_context"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    # The answer is audited with who gave it.
    assert events[1].pgh_context.metadata["user"] == world.village_a1_clerk.pk
    second = answer(world, suggestion, "改一下答复")
    assert ALREADY_ANSWERED in second.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.answer == "已报乡镇，列入明年计划"
    # The answer form is gone once answered.
    page = world.client_for(world.village_a1_clerk).get(f"/suggestions/{suggestion.pk}/").content.decode()
    assert 'name="answer"' not in page


def test_an_empty_answer_is_refused_and_changes_nothing(world):
    suggestion = suggestion_submit(village=world.village_a1, content="建议")
    response = answer(world, suggestion, "   ")
    assert ANSWER_REQUIRED in response.content.decode()
    suggestion.refresh_from_db()
    assert not suggestion.is_answered and suggestion.answer == ""


def test_who_may_see_and_answer(world):
    """The village and its township answer; the grid worker and the county see but may not answer (403);
    another township and another village's cadre get 404."""
    suggestion = suggestion_submit(village=world.village_a1, content="建议")
    a2_secretary = make_user("a2_secretary", Role.VILLAGE_SECRETARY, world.village_a2)
    url = f"/suggestions/{suggestion.pk}/"
    for user, detail, post in (
        (world.village_a1_readonly, 200, 403),
        (world.county_admin, 200, 403),
        (world.township_b_officer, 404, 404),
        (a2_secretary, 404, 404),
    ):
        client = world.client_for(user)
        assert client.get(url).status_code == detail, user
        assert client.post(f"{url}answer/", {"answer": "越权答复"}).status_code == post, user
        assert client.post(f"{url}reveal/").status_code == post, user
    assert world.client_for(world.village_a1_clerk).get(f"{url}answer/").status_code == 405
    suggestion.refresh_from_db()
    assert not suggestion.is_answered
    assert (
        world.client_for(world.township_a_officer).post(f"{url}answer/", {"answer": "乡镇答复"}).status_code
        == 302
    )
    suggestion.refresh_from_db()
    assert suggestion.answered_by == world.township_a_officer


def test_the_phone_is_masked_and_revealed_only_on_request_with_a_record(world):
    suggestion = suggestion_submit(village=world.village_a1, content="建议", phone="13912345678")
    clerk = world.client_for(world.village_a1_clerk)
    for url in ("/suggestions/", f"/suggestions/{suggestion.pk}/"):
        page = clerk.get(url).content.decode()
        assert "139****5678" in page and "13912345678" not in page
    assert (
        "13912345678"
        not in world.client_for(world.county_admin).get(f"/suggestions/{suggestion.pk}/").content.decode()
    )
    revealed = clerk.post(f"/suggestions/{suggestion.pk}/reveal/")
    assert revealed.status_code == 200 and "13912345678" in revealed.content.decode()
    record = PersonalDataReveal.objects.get()
    assert (record.user, record.record_type, record.record_id, record.fields) == (
        world.village_a1_clerk,
        "centers.Suggestion",
        suggestion.pk,
        "phone",
    )


# -- the township's view and the figures --------------------------------------------------------------


def test_the_township_sees_only_its_own_unanswered_ones(world):
    own_open = suggestion_submit(village=world.village_a1, content="安乐镇未答复")
    own_done = suggestion_submit(village=world.village_a2, content="安乐镇已答复")
    suggestion_answer(actor=world.township_a_officer, suggestion=own_done, answer="已处理")
    suggestion_submit(village=world.village_b1, content="柳河乡未答复")
    listed = world.client_for(world.township_a_officer).get("/suggestions/", {"status": "open"})
    assert [s.pk for s in listed.context["page_obj"]] == [own_open.pk]
    everything = world.client_for(world.county_admin).get("/suggestions/")
    assert len(everything.context["page_obj"]) == 3
    by_village = world.client_for(world.county_admin).get("/suggestions/", {"village": A2})
    assert [s.pk for s in by_village.context["page_obj"]] == [own_done.pk]
    # The township's home page: one unanswered, with a link to the filtered list.
    home = world.client_for(world.township_a_officer).get("/regions/419901101000/").content.decode()
    assert 'id="suggestions-open">1<' in home and "安乐镇未答复" in home and "柳河乡未答复" not in home
    assert "?status=open&township=419901101000" in home


def test_the_village_panel_follows_the_answer(world):
    suggestion = suggestion_submit(village=world.village_a1, content="村里的建议")
    clerk = world.client_for(world.village_a1_clerk)
    assert 'id="suggestions-open">1<' in clerk.get(f"/regions/{A1}/").content.decode()
    suggestion_answer(actor=world.village_a1_clerk, suggestion=suggestion, answer="已办")
    assert 'id="suggestions-open">0<' in clerk.get(f"/regions/{A1}/").content.decode()


def _dated(world, village, day: dt.date, answered: bool = False) -> Suggestion:
    suggestion = suggestion_submit(village=village, content=f"{day}的建议")
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    Suggestion.objects.filter(pk=suggestion.pk).update(created_at=at)
    if answered:
        suggestion_answer(
            actor=world.village_a1_clerk if village == world.village_a1 else world.township_b_officer,
            suggestion=suggestion,
            answer="已答复",
        )
    return suggestion


def test_figures_count_collected_and_answered_at_the_boundaries(world):
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    _dated(world, world.village_a1, start, answered=True)  # first day: counted
    _dated(world, world.village_a1, end)  # last day, late evening: counted, open
    _dated(world, world.village_a1, start - dt.timedelta(days=1), answered=True)  # the day before: not
    _dated(world, world.village_a1, end + dt.timedelta(days=1))  # the day after: not
    _dated(world, world.village_b1, end, answered=True)
    response = world.client_for(world.county_admin).get(
        "/suggestions/figures/", {"region": "419901000000", "from": start.isoformat(), "to": end.isoformat()}
    )
    table = response.context["table"]
    rows = {r["code"]: r for r in table.rows}
    assert set(rows) == {A1, A2, B1}  # a village with nothing collected is listed with zeros
    assert (rows[A1]["collected"], rows[A1]["answered"], rows[A1]["open"]) == (2, 1, 1)
    assert str(rows[A1]["rate"]) == "50.0%" and str(rows[A2]["rate"]) == "—"
    assert (rows[B1]["collected"], rows[B1]["answered"]) == (1, 1)
    assert [g.label for g in table.groups] == ["安乐镇", "柳河乡"]
    assert table.groups[0].subtotal["collected"] == 2 and str(table.groups[0].subtotal["rate"]) == "50.0%"
    assert (table.total["collected"], table.total["answered"]) == (3, 2) and str(
        table.total["rate"]
    ) == "66.7%"
    page = response.content.decode()
    assert "全县合计" in page and "小计" in page
    # The township sees its own villages only; another county's region answers 404.
    own = world.client_for(world.township_a_officer).get(
        "/suggestions/figures/", {"from": start.isoformat(), "to": end.isoformat()}
    )
    assert {r["code"] for r in own.context["table"].rows} == {A1, A2}
    assert (
        world.client_for(world.township_a_officer)
        .get("/suggestions/figures/", {"region": "419901102000"})
        .status_code
        == 404
    )


def test_figures_sheet_has_the_same_counts(world):
    day = timezone.localdate()
    _dated(world, world.village_a1, day, answered=True)
    _dated(world, world.village_a1, day)
    response = world.client_for(world.county_admin).get(
        "/suggestions/figures/",
        {"region": "419901000000", "from": day.isoformat(), "to": day.isoformat(), "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:7] == (
        "乡镇（街道）",
        "村（社区）",
        "区划代码",
        "收集问题建议",
        "已答复",
        "未答复",
        "答复率",
    )
    a1 = next(row for row in values if row[2] == A1)
    assert a1[3:7] == (2, 1, 1, 0.5)
    assert any(row[1] == "小计" for row in values[2:]) and any(
        "合计" in str(row[0] or "") + str(row[1] or "") for row in values[2:]
    )

"""Proxy requests (代办): intake, the state machine, flags, receipt, public lookup, masking, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import PersonalDataReveal
from centers.models import ProxyRequest, ProxyRequestTimelineEvent, ServiceItem
from centers.services import TransitionInput, proxy_request_transition
from regions.models import CalendarDay
from tests.centers.builders import VALID_ID, accept, item, transition

pytestmark = pytest.mark.django_db


def test_intake_through_the_page_gives_a_receipt(world):
    client = world.client_for(world.village_a1_clerk)
    assert client.get("/requests/new/").status_code == 200
    response = client.post(
        "/requests/new/",
        {
            "village": world.village_a1.pk,
            "item": item().pk,
            "applicant_name": "赵大爷",
            "applicant_phone": "13812345678",
            "applicant_id_number": VALID_ID.lower(),
            "materials_received": ["申请书", "户口簿"],
        },
    )
    assert response.status_code == 302
    request = ProxyRequest.objects.get()
    assert response.url == f"/requests/{request.pk}/receipt/"
    assert request.handler == request.accepted_by == world.village_a1_clerk
    assert request.applicant_id_number == VALID_ID and request.materials_received == ["申请书", "户口簿"]
    receipt = client.get(response.url).content.decode()
    for text in (request.number, "低保申请", "申请书、户口簿", request.receipt_code, "138****5678", "<svg"):
        assert text in receipt
    assert "13812345678" not in receipt
    assert request.timeline.get().kind == "accept"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("applicant_id_number", "110105194912310021", "身份证号码不正确"),
        ("applicant_id_number", "", "该事项需要申请人的身份证号"),
        ("applicant_phone", "1381234", "请输入11位手机号码"),
        ("materials_received", ["房产证"], "不在该事项的材料清单中"),
    ],
)
def test_bad_intake_is_refused_and_writes_nothing(world, field, value, message):
    with pytest.raises(ValidationError, match=message):
        accept(world, **{field: value})
    assert not ProxyRequest.objects.exists()


def test_promised_date_counts_working_days_across_weekend_holiday_and_make_up_day(world, monkeypatch):
    """Accepted on Friday 25 Sept 2026; 5 working days with National Day off and a make-up Sunday."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 9, 25))
    for day in (1, 2, 5, 6, 7):
        CalendarDay.objects.create(county=world.county, date=date(2026, 10, day), kind="holiday")
    CalendarDay.objects.create(county=world.county, date=date(2026, 9, 27), kind="workday")
    five_days = ServiceItem.objects.create(
        region=None,
        name="五日事项",
        category="其他",
        handling_way="proxy",
        office="民政办",
        promised_days=5,
        needs_id_number=False,
    )
    request = accept(world, item=five_days, materials_received=[])
    # Sun 27 (make-up), Mon 28, Tue 29, Wed 30 are 1-4; Thu 1 and Fri 2 off; Sat 3, Sun 4 weekend;
    # Mon 5 - Wed 7 off; Thu 8 is the 5th working day. The yellow flag starts on Wed 30.
    assert request.promised_date == date(2026, 10, 8)
    assert request.warn_on == date(2026, 9, 30)


def test_every_transition_in_order(world):
    from core.formats import zh_date

    request = accept(world)
    first_promise = request.promised_date
    request = transition(world, request, "start", office="乡镇民政办")
    assert request.status == "in_progress" and request.office == "乡镇民政办"
    request = transition(world, request, "progress", note="已报送乡镇审核")
    request = transition(world, request, "transfer", handler=world.township_a_officer, note="乡镇直接办理")
    assert request.handler == world.township_a_officer
    new_promise = first_promise + timedelta(days=5)
    # 延期: the village asks, the township grants (see test_extensions.py for the rules).
    request = transition(world, request, "extend_ask", promised_date=new_promise, note="等待县里审批")
    assert request.promised_date == first_promise and request.extension_to == new_promise
    request = transition(world, request, "extend_grant", actor=world.township_a_officer)
    assert request.promised_date == new_promise and request.original_promised_date == first_promise
    request = transition(
        world, request, "complete", actor=world.township_a_officer, result="已批准，每月发放"
    )
    assert request.status == "done" and request.finished_on is not None
    request = transition(
        world,
        request,
        "reply",
        satisfaction="satisfied",
        reply_channel="电话告知",
        reply_text="低保已批准，从下月起每月发放",
    )
    assert request.status == "replied" and request.satisfaction == "satisfied"
    assert request.reply_text == "低保已批准，从下月起每月发放"
    events = list(request.timeline.order_by("at", "id"))
    assert [e.kind for e in events] == [
        "accept",
        "start",
        "progress",
        "transfer",
        "extend_ask",
        "extend_grant",
        "complete",
        "reply",
    ]
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "done"),
        ("done", "replied"),
    ]
    # The facts are in the payload (ISO dates), the users' own words in the note.
    payloads = {e.kind: e.payload for e in events}
    assert payloads["accept"] == {"promised_date": first_promise.isoformat()}
    assert payloads["transfer"] == {
        "handler_id": world.township_a_officer.pk,
        "handler": "township_a_officer",
    }
    assert payloads["extend_ask"] == {"from": first_promise.isoformat(), "to": new_promise.isoformat()}
    assert payloads["extend_grant"] == {"from": first_promise.isoformat(), "to": new_promise.isoformat()}
    assert payloads["complete"] == {"result": "已批准，每月发放"}
    assert payloads["reply"] == {"satisfaction": "satisfied", "channel": "电话告知"}
    assert {e.kind: e.note for e in events if e.note} == {
        "progress": "已报送乡镇审核",
        "transfer": "乡镇直接办理",
        "extend_ask": "等待县里审批",
    }
    # The request page renders them through the timeline partial.
    page = world.client_for(world.village_a1_clerk).get(f"/requests/{request.pk}/").content.decode()
    for text in (
        f"承诺{zh_date(first_promise)}前办结",
        "转交township_a_officer承办",
        f"申请将承诺日期由{zh_date(first_promise)}延至{zh_date(new_promise)}，待乡镇审批",
        f"承诺日期由{zh_date(first_promise)}延至{zh_date(new_promise)}",
        "办理结果：已批准，每月发放",
        "电话告知；满意",
        "已报送乡镇审核",
        "等待县里审批",
    ):
        assert text in page
    # The public lookup shows the public events only, without names, notes or the internal result's
    # wording; the outcome written for the applicant at the reply is shown.
    from django.test import Client

    lookup = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    assert [e.kind for e in lookup.context["events"]] == [
        "accept",
        "start",
        "extend_grant",
        "complete",
        "reply",
    ]
    public = lookup.content.decode().split("lookup-result")[1]
    assert f"承诺{zh_date(first_promise)}前办结" in public and "电话告知；满意" in public
    # The applicant sees the new promise and the one made at acceptance.
    assert f"承诺日期由{zh_date(first_promise)}延至{zh_date(new_promise)}" in public
    assert f"原承诺{zh_date(first_promise)}" in public
    assert "办理结果：</span>低保已批准，从下月起每月发放" in public
    for text in (
        "转交",
        "township_a_officer",
        "village_a1_clerk",
        "已批准，每月发放",
        "已报送乡镇审核",
        "等待县里审批",
    ):
        assert text not in public


@pytest.mark.parametrize(
    "path,illegal",
    [
        ([], "complete"),  # accepted -> done skips 承办
        ([], "reply"),
        (["start"], "start"),
        (["start", "complete"], "return"),  # done cannot be returned
        (["withdraw"], "start"),  # withdrawn is final
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(world, path, illegal):
    request = accept(world)
    for kind in path:
        request = transition(world, request, kind, note="原因", result="结果")
    with pytest.raises(ValidationError, match="不能“"):
        transition(
            world,
            request,
            illegal,
            note="原因",
            result="结果",
            satisfaction="satisfied",
            reply_channel="电话告知",
            reply_text="答复",
        )


def test_return_withdraw_and_extension_need_a_reason(world):
    request = accept(world)
    for kind in ("return", "withdraw", "extend_ask"):
        with pytest.raises(ValidationError, match="请填写原因"):
            transition(
                world,
                request,
                kind,
                promised_date=date(2030, 1, 1),
                reply_channel="电话告知",
                reply_text="材料不全，请补齐后再来",
            )
    returned = transition(
        world, request, "return", note="材料不全", reply_channel="电话告知", reply_text="请补齐材料后再申请"
    )
    assert returned.status == "returned"


def test_timeline_events_are_immutable(world):
    from django.db import DatabaseError, transaction

    request = accept(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProxyRequestTimelineEvent.objects.filter(proxy_request=request).update(note="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        ProxyRequestTimelineEvent.objects.filter(proxy_request=request).delete()
    assert request.timeline.get().note == ""


def test_second_concurrent_transition_is_refused(world):
    request = accept(world)
    stale_version = request.version
    proxy_request_transition(
        actor=world.village_a1_clerk,
        proxy_request=request,
        name="start",
        version=stale_version,
        data=TransitionInput(),
    )
    with pytest.raises(ValidationError, match="已被他人更新"):
        proxy_request_transition(
            actor=world.township_a_officer,
            proxy_request=request,
            name="withdraw",
            version=stale_version,
            data=TransitionInput(note="撤回"),
        )
    request.refresh_from_db()
    assert request.status == "in_progress"


def test_transition_through_the_page_and_its_messages(world):
    request = accept(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        f"/requests/{request.pk}/transition/",
        {"name": "complete", "version": request.version, "result": "x"},
        follow=True,
    )
    assert "当前状态为“已受理”，不能“办结”" in response.content.decode()
    client.post(f"/requests/{request.pk}/transition/", {"name": "start", "version": request.version})
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert (
        world.client_for(world.village_a1_readonly)
        .post(
            f"/requests/{request.pk}/transition/",
            {"name": "withdraw", "version": request.version, "note": "n"},
        )
        .status_code
        == 403
    )


def test_flags(world):
    request = accept(world)
    assert request.flag_on(request.accepted_on) == ""  # 20 working days ahead
    assert request.flag_on(request.warn_on) == "yellow"
    assert request.flag_on(request.promised_date) == "yellow"
    from datetime import timedelta

    assert request.flag_on(request.promised_date + timedelta(days=1)) == "red"
    done = transition(world, transition(world, request, "start"), "complete", result="好")
    assert done.flag_on(request.promised_date + timedelta(days=1)) == ""


def test_public_lookup_same_answer_for_wrong_code_and_wrong_phone(world):
    from django.test import Client

    request = accept(world)
    client = Client()
    ok = client.post(
        "/lookup/", {"code": request.receipt_code.lower(), "phone_last4": "5678"}
    ).content.decode()
    assert "低保申请" in ok and "已受理" in ok
    assert "赵大爷" not in ok and "5678" not in ok.split("lookup-result")[1] and "13812345678" not in ok
    wrong_code = client.post("/lookup/", {"code": "ZZZZZZZZ", "phone_last4": "5678"})
    wrong_phone = client.post("/lookup/", {"code": request.receipt_code, "phone_last4": "0000"})
    assert wrong_code.status_code == wrong_phone.status_code == 200
    assert wrong_code.context["message"] == wrong_phone.context["message"]
    assert wrong_code.context["found"] is None and wrong_phone.context["found"] is None


def test_masked_everywhere_and_reveal_is_audited(world):
    request = accept(world)
    for user in (world.village_a1_clerk, world.township_a_officer, world.county_admin):
        client = world.client_for(user)
        for url in ("/requests/", f"/requests/{request.pk}/"):
            text = client.get(url).content.decode()
            assert "13812345678" not in text and VALID_ID not in text
    revealed = (
        world.client_for(world.village_a1_clerk).post(f"/requests/{request.pk}/reveal/").content.decode()
    )
    assert "13812345678" in revealed and VALID_ID in revealed
    log = PersonalDataReveal.objects.get()
    assert log.user_id == world.village_a1_clerk.pk and log.record_id == request.pk
    assert (
        world.client_for(world.village_a1_readonly).post(f"/requests/{request.pk}/reveal/").status_code == 403
    )
    assert world.client_for(world.county_admin).post(f"/requests/{request.pk}/reveal/").status_code == 403


def test_other_villages_requests_answer_404(world):
    request = accept(world)
    for user in (world.township_b_officer,):
        client = world.client_for(user)
        assert client.get(f"/requests/{request.pk}/").status_code == 404
        assert client.get(f"/requests/{request.pk}/receipt/").status_code == 404
        assert (
            client.post(f"/requests/{request.pk}/transition/", {"name": "start", "version": 1}).status_code
            == 404
        )
    assert (
        world.client_for(world.township_b_officer).get("/requests/").context["page_obj"].paginator.count == 0
    )
    with pytest.raises(PermissionDenied, match="不能在该村"):  # out of scope
        accept(world, actor=world.township_b_officer)
    with pytest.raises(ValidationError, match="代办事项只能在村（社区）受理"):  # in scope, wrong level
        accept(world, actor=world.township_a_officer, village=world.township_a)
    assert ProxyRequest.objects.count() == 1


def test_village_home_has_one_tap_intake_and_township_sees_overdue(world):
    from datetime import timedelta

    from django.utils import timezone

    request = accept(world)
    today = timezone.localdate()
    ProxyRequest.objects.filter(pk=request.pk).update(
        accepted_on=today - timedelta(days=5),
        promised_date=today - timedelta(days=1),
        warn_on=today - timedelta(days=2),
    )
    village = world.client_for(world.village_a1_clerk).get("/regions/419901101201/").content.decode()
    assert "/requests/new/" in village
    township = world.client_for(world.township_a_officer).get("/regions/419901101000/").content.decode()
    assert "overdue-board" in township and "红牌" in township and "低保申请" in township


def test_yellow_and_red_reminders_are_sent_once_even_when_the_task_runs_twice(world):
    from datetime import timedelta
    from unittest import mock

    from centers.tasks import proxy_request_reminders_send
    from notifications.models import Notification
    from regions.roles import Role
    from tests.conftest import make_user

    liaison = make_user("liaison", Role.LIAISON_CADRE, world.village_a1)
    request = accept(world)
    proxy_request_transition(
        actor=world.village_a1_clerk,
        proxy_request=request,
        name="transfer",
        version=request.version,
        data=TransitionInput(handler=liaison),
    )
    request.refresh_from_db()
    # Yellow day: the handler (now the liaison cadre) and the first cadre (首问负责) are reminded, once each.
    with mock.patch("django.utils.timezone.localdate", return_value=request.warn_on):
        proxy_request_reminders_send.delay()
        proxy_request_reminders_send.delay()
    assert sorted(
        Notification.objects.filter(kind="request_yellow").values_list("recipient__username", flat=True)
    ) == ["liaison", "village_a1_clerk"]
    # Red: the day after the promised date, the secretary and the liaison cadre are told, once each.
    with mock.patch(
        "django.utils.timezone.localdate", return_value=request.promised_date + timedelta(days=1)
    ):
        proxy_request_reminders_send.delay()
        proxy_request_reminders_send.delay()
    red = sorted(
        Notification.objects.filter(kind="request_red").values_list("recipient__username", flat=True)
    )
    assert red == ["liaison", "village_a1_clerk"]


def test_the_first_cadre_follows_a_transferred_request_to_its_end(world):
    """首问负责: a township officer accepts at A1 and transfers it to the clerk; the officer, who is neither
    the handler nor a watcher of the village, still gets the yellow and the red reminder and stays named."""
    from datetime import timedelta
    from unittest import mock

    from centers.tasks import proxy_request_reminders_send
    from notifications.models import Notification

    request = accept(world, actor=world.township_a_officer)
    proxy_request_transition(
        actor=world.township_a_officer,
        proxy_request=request,
        name="transfer",
        version=request.version,
        data=TransitionInput(handler=world.village_a1_clerk),
    )
    request.refresh_from_db()
    assert (request.handler, request.accepted_by) == (world.village_a1_clerk, world.township_a_officer)

    def told(kind):
        return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))

    with mock.patch("django.utils.timezone.localdate", return_value=request.warn_on):
        proxy_request_reminders_send.delay()
    assert told("request_yellow") == ["township_a_officer", "village_a1_clerk"]
    with mock.patch(
        "django.utils.timezone.localdate", return_value=request.promised_date + timedelta(days=1)
    ):
        proxy_request_reminders_send.delay()
    assert told("request_red") == ["township_a_officer", "village_a1_clerk"]
    page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert "首问责任人" in page and world.township_a_officer.real_name in page


def test_list_filters_by_search_item_handler_flag_and_dates(world):
    first = accept(world)
    second = accept(world, item=item("高龄补贴申请"), applicant_name="钱奶奶", materials_received=["身份证"])
    client = world.client_for(world.township_a_officer)

    def found(**params):
        return {r.pk for r in client.get("/requests/", params).context["page_obj"]}

    assert found(query="钱奶奶") == {second.pk}
    assert found(query=first.number) == {first.pk}
    assert found(item_id=item("高龄补贴申请").pk) == {second.pk}
    assert found(handler_id=world.village_a1_clerk.pk) == {first.pk, second.pk}
    assert found(handler_id=world.township_a_officer.pk) == set()
    assert found(status="accepted") == {first.pk, second.pk}
    assert found(flag="red") == set()
    assert found(date_from="2000-01-01", date_to="2000-12-31") == set()


def test_list_names_a_bad_filter_date_in_chinese(world):
    accept(world)
    page = world.client_for(world.township_a_officer).get("/requests/", {"date_from": "2026-13-40"})
    assert page.status_code == 200
    assert "输入一个有效的日期。" in page.content.decode()

"""延期 of a proxy request (DOMAIN_RULES C.10, A.4.1 gap 1): the village asks for a new date with a reason,
only until its promise has passed; the promise stays until the township's leader or organisation member
grants the new date or denies it; one pending request at a time; every on-time figure counts against the
original promise, which never changes; 延期办结 is counted apart. And 退回 ends with an answer to the
applicant (明确答复制, gap 3), given in the return step itself."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client

from centers.models import ProxyRequest, ProxyRequestTimelineEvent
from centers.services.proxy_requests import (
    EXTENSION_DATE_NOT_LATER,
    EXTENSION_DATE_REQUIRED,
    EXTENSION_OWN,
    EXTENSION_TOO_FAR,
    EXTENSION_TOO_LATE,
    RETURN_REPLY_REQUIRED,
)
from centers.views.requests import NOT_AN_APPROVER
from centers.workflows import EXTENSION_ALREADY_PENDING, NO_EXTENSION_PENDING
from core.formats import Rate, zh_date
from core.forms import DATE_OUT_OF_RANGE
from core.workflow import REASON_REQUIRED
from notifications.models import Notification
from regions.roles import Role
from tests.centers.builders import accept, backdate, transition
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ACCEPTED = dt.date(2026, 9, 21)
PROMISED = dt.date(2026, 10, 10)
EXTENDED = dt.date(2026, 10, 20)
PERIOD = {"from": "2026-09-01", "to": "2026-09-30"}
REASON = "需到县档案馆调取原始档案"


@contextmanager
def on(day: dt.date):
    """The services' and views' clock on ``day``."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def promised_on_10_october(world, **changes) -> ProxyRequest:
    """A request of village A1 accepted on 21 September and promised for 10 October."""
    return backdate(
        accept(world, **changes),
        accepted_on=ACCEPTED,
        warn_on=dt.date(2026, 10, 9),
        promised_date=PROMISED,
    )


def ask(world, request, to=EXTENDED, note=REASON, user=None):
    """The village asks for an extension through the request's page."""
    request.refresh_from_db()
    return world.client_for(user or world.village_a1_clerk).post(
        f"/requests/{request.pk}/transition/",
        {"name": "extend_ask", "version": request.version, "promised_date": to, "note": note},
    )


def decide(world, request, decision="extend_grant", note="", user=None):
    """The township decides through the request's page."""
    request.refresh_from_db()
    return world.client_for(user or world.township_a_officer).post(
        f"/requests/{request.pk}/extension/",
        {"decision": decision, "version": request.version, "note": note},
    )


def unchanged(request: ProxyRequest, version: int) -> None:
    request.refresh_from_db()
    assert request.version == version and request.promised_date == PROMISED
    assert request.original_promised_date == PROMISED and request.extension_to is None


# -- asking ------------------------------------------------------------------------------------------


def test_asking_on_the_promised_date_itself_is_allowed_and_keeps_the_promise(world):
    request = promised_on_10_october(world)
    with on(PROMISED):
        response = ask(world, request)
    assert response.status_code == 302 and said(response) == ["已保存。"]
    request.refresh_from_db()
    assert (request.promised_date, request.original_promised_date) == (PROMISED, PROMISED)
    assert (request.extension_to, request.extension_reason) == (EXTENDED, REASON)
    assert (request.extension_asked_by, request.extension_asked_on) == (world.village_a1_clerk, PROMISED)
    # Still red the day after the promise until the township approves.
    assert request.flag_on(PROMISED + dt.timedelta(days=1)) == "red"
    event = request.timeline.get(kind="extend_ask")
    assert event.payload == {"from": PROMISED.isoformat(), "to": EXTENDED.isoformat()}
    assert event.note == REASON and not event.is_public
    # The township's approvers are told; the village's own cadre is not.
    told = Notification.objects.get(kind="extension_asked")
    assert told.recipient == world.township_a_officer and told.url == f"/requests/{request.pk}/"
    assert REASON in told.body and zh_date(EXTENDED) in told.body


def test_asking_the_day_after_the_promise_is_refused_and_changes_nothing(world):
    request = promised_on_10_october(world)
    version = request.version
    with on(PROMISED + dt.timedelta(days=1)):
        response = ask(world, request)
    assert said(response) == [EXTENSION_TOO_LATE.format(date=zh_date(PROMISED))]
    unchanged(request, version)
    assert not request.timeline.filter(kind="extend_ask").exists()
    assert not Notification.objects.filter(kind="extension_asked").exists()


@pytest.mark.parametrize(
    "to,note,message",
    [
        (PROMISED, REASON, EXTENSION_DATE_NOT_LATER.format(date=zh_date(PROMISED))),  # not later
        (dt.date(2026, 10, 1), REASON, EXTENSION_DATE_NOT_LATER.format(date=zh_date(PROMISED))),  # past
        (EXTENDED, "  ", REASON_REQUIRED),
        ("", REASON, EXTENSION_DATE_REQUIRED),
        # At most a year past the promise in force (a date of year 9999 would only park the request; the
        # form already refuses dates past the years every date field allows).
        (dt.date(2027, 10, 11), REASON, EXTENSION_TOO_FAR.format(date=zh_date(dt.date(2027, 10, 10)))),
        (dt.date(2100, 12, 31), REASON, EXTENSION_TOO_FAR.format(date=zh_date(dt.date(2027, 10, 10)))),
        (dt.date(9999, 12, 31), REASON, f"申请延期至：{DATE_OUT_OF_RANGE}"),
    ],
)
def test_bad_requests_for_an_extension_are_refused_with_a_message(world, to, note, message):
    request = promised_on_10_october(world)
    version = request.version
    with on(dt.date(2026, 10, 2)):
        response = ask(world, request, to=to, note=note)
    assert said(response) == [message]
    unchanged(request, version)
    assert not Notification.objects.filter(kind="extension_asked").exists()


def test_only_one_extension_may_wait_at_a_time(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 2)):
        ask(world, request)
        second = ask(world, request, to=dt.date(2026, 10, 25))
    assert said(second) == [EXTENSION_ALREADY_PENDING]
    request.refresh_from_db()
    assert request.extension_to == EXTENDED and request.timeline.filter(kind="extend_ask").count() == 1
    # The page no longer offers asking again, and shows what waits.
    page = world.client_for(world.village_a1_clerk).get(f"/requests/{request.pk}/").content.decode()
    assert 'value="extend_ask"' not in page and 'id="extension-pending"' in page
    assert REASON in page and 'id="extension-decide"' not in page  # the village cannot decide


def test_the_database_refuses_an_incomplete_or_earlier_extension(world):
    request = promised_on_10_october(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProxyRequest.objects.filter(pk=request.pk).update(extension_to=EXTENDED)  # no reason, no asker
    with pytest.raises(DatabaseError), transaction.atomic():
        ProxyRequest.objects.filter(pk=request.pk).update(
            extension_to=PROMISED,
            extension_reason=REASON,
            extension_asked_by=world.village_a1_clerk,
            extension_asked_on=PROMISED,
        )


def test_the_original_promise_never_changes(world):
    request = promised_on_10_october(world)
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        ProxyRequest.objects.filter(pk=request.pk).update(original_promised_date=EXTENDED)
    request.refresh_from_db()
    assert request.original_promised_date == PROMISED
    # Acceptance sets it to the promise it makes.
    fresh = accept(world, applicant_name="钱")
    assert fresh.original_promised_date == fresh.promised_date


# -- the township's decision ---------------------------------------------------------------------------


def test_the_township_grants_the_new_date_and_the_village_is_told(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        response = decide(world, request, note="同意")
    assert response.status_code == 302 and response.url == f"/requests/{request.pk}/"
    assert said(response) == ["已批准延期，已通知村里。"]
    request.refresh_from_db()
    assert (request.promised_date, request.original_promised_date) == (EXTENDED, PROMISED)
    assert request.extension_to is None and request.extension_asked_by is None
    assert request.warn_on < EXTENDED and request.warn_on > PROMISED
    # Flags follow the promise in force: not red after the original promise, red after the new one.
    assert request.flag_on(dt.date(2026, 10, 12)) == ""
    assert request.flag_on(EXTENDED) == "yellow" and request.flag_on(dt.date(2026, 10, 21)) == "red"
    event = request.timeline.get(kind="extend_grant")
    assert event.actor == world.township_a_officer and event.is_public
    assert event.payload == {"from": PROMISED.isoformat(), "to": EXTENDED.isoformat()}
    told = Notification.objects.get(kind="extension_decided")
    assert told.recipient == world.village_a1_clerk and told.title.startswith("延期已批准")
    assert zh_date(EXTENDED) in told.body
    page = world.client_for(world.village_a1_clerk).get(f"/requests/{request.pk}/").content.decode()
    assert 'id="original-promise"' in page and "经乡镇批准延期" in page
    assert f"承诺日期由{zh_date(PROMISED)}延至{zh_date(EXTENDED)}" in page
    # The applicant sees the new promise on the lookup, and the one made at acceptance.
    public = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    assert "extend_grant" in [e.kind for e in public.context["events"]]
    assert "extend_ask" not in [e.kind for e in public.context["events"]]
    assert f"原承诺{zh_date(PROMISED)}" in public.content.decode() and REASON not in public.content.decode()


def test_the_township_denies_with_a_reason_and_the_promise_stays(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        version = ProxyRequest.objects.get(pk=request.pk).version
        empty = decide(world, request, decision="extend_deny", note=" ")
        assert said(empty) == [REASON_REQUIRED]
        assert ProxyRequest.objects.get(pk=request.pk).version == version
        response = decide(world, request, decision="extend_deny", note="档案可在乡镇调取，不需延期")
    assert said(response) == ["已不批准延期，已通知村里。"]
    unchanged(request, version + 1)
    event = request.timeline.get(kind="extend_deny")
    assert event.note == "档案可在乡镇调取，不需延期" and not event.is_public
    told = Notification.objects.get(kind="extension_decided")
    assert told.title.startswith("延期未批准") and "档案可在乡镇调取" in told.body
    # Denied, the village may ask again (before its promise passes).
    with on(dt.date(2026, 10, 9)):
        assert said(ask(world, request, to=dt.date(2026, 10, 14))) == ["已保存。"]


def test_a_decision_needs_a_pending_request_and_a_choice(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        assert said(decide(world, request)) == [NO_EXTENSION_PENDING]
        ask(world, request)
        assert said(decide(world, request, decision="yes"))[0].startswith("审批意见：请选择批准或不批准")
    request.refresh_from_db()
    assert request.promised_date == PROMISED and request.extension_to == EXTENDED


def test_the_handling_page_cannot_take_the_townships_decision(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        request.refresh_from_db()
        response = world.client_for(world.township_a_officer).post(
            f"/requests/{request.pk}/transition/", {"name": "extend_grant", "version": request.version}
        )
    assert said(response) == ["name：选择一个有效的选项。 extend_grant 不在可用的选项中。"]
    request.refresh_from_db()
    assert request.promised_date == PROMISED and request.extension_to == EXTENDED


def test_who_may_decide(world):
    """Village cadres and the county see the request but may not decide (403); another township does not
    see it (404); an official does not approve their own request."""
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        refused = decide(world, request, user=world.village_a1_clerk)
        assert refused.status_code == 403 and NOT_AN_APPROVER in refused.content.decode()
        assert decide(world, request, user=world.county_admin).status_code == 403
        assert decide(world, request, user=world.township_b_officer).status_code == 404
        assert (
            world.client_for(world.county_admin).get(f"/requests/{request.pk}/extension/").status_code == 405
        )
    request.refresh_from_db()
    assert request.extension_to == EXTENDED and request.promised_date == PROMISED
    page = world.client_for(world.county_admin).get(f"/requests/{request.pk}/").content.decode()
    assert 'id="extension-pending"' in page and 'id="extension-decide"' not in page
    officer = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert 'id="extension-decide"' in officer

    # A township official who asked for the extension (they may carry the village's requests) does not
    # approve it; the township's leader does.
    own = promised_on_10_october(world, applicant_name="钱")
    leader = make_user("township_a_leader", Role.TOWNSHIP_LEADER, world.township_a)
    with on(dt.date(2026, 10, 8)):
        ask(world, own, user=world.township_a_officer)
        assert said(decide(world, own)) == [EXTENSION_OWN]
        assert said(decide(world, own, user=leader)) == ["已批准延期，已通知村里。"]
    own.refresh_from_db()
    assert own.promised_date == EXTENDED


def test_pending_extensions_are_listed_for_the_township_and_counted_on_its_home(world):
    request = promised_on_10_october(world)
    other = promised_on_10_october(world, applicant_name="钱")  # nothing asked
    b1 = accept(world, actor=world.township_b_officer, village=world.village_b1, applicant_name="孙")
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        officer = world.client_for(world.township_a_officer)
        home = officer.get(f"/regions/{world.township_a.code}/").content.decode()
        listed = officer.get("/requests/", {"extension": "pending"}).content.decode()
        b_list = world.client_for(world.township_b_officer).get("/requests/", {"extension": "pending"})
    assert 'id="extension-pending-count"' in home and "延期待批 <strong>1</strong>" in home
    assert f"?extension=pending&amp;township={world.township_a.code}" in home
    assert request.number in listed and other.number not in listed and "延期待批" in listed
    assert request.number not in b_list.content.decode() and b1.number not in b_list.content.decode()
    # Once decided it leaves the list.
    with on(dt.date(2026, 10, 8)):
        decide(world, request)
        listed = officer.get("/requests/", {"extension": "pending"}).content.decode()
        home = officer.get(f"/regions/{world.township_a.code}/").content.decode()
    assert request.number not in listed and "延期待批 <strong>0</strong>" in home


def test_a_request_that_ends_drops_its_pending_extension(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        transition(world, transition(world, request, "start"), "complete", result="已办好")
    request.refresh_from_db()
    assert request.status == "done" and request.extension_to is None and request.promised_date == PROMISED
    assert request.timeline.get(kind="complete").payload["extension_dropped"] == EXTENDED.isoformat()


# -- figures against the original promise ------------------------------------------------------------


def figures_row(world, today: dt.date) -> dict:
    with on(today):
        response = world.client_for(world.township_a_officer).get(
            "/requests/figures/", {"region": world.township_a.code, **PERIOD}
        )
    return response.context["rows"][0], response.content.decode()


def granted_and_finished(world, finished: dt.date, **changes) -> ProxyRequest:
    """Promised 10 October; an extension to 20 October asked and approved on 8 October; finished on
    ``finished``."""
    request = promised_on_10_october(world, **changes)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        decide(world, request)
        transition(world, request, "start")
    with on(finished):
        return transition(world, request, "complete", result="已办好")


def test_finished_after_the_original_promise_by_the_approved_date_is_extended_not_on_time(world):
    """The boundary of DOMAIN_RULES A.4.1: promised 10 Oct, extension to 20 Oct approved on 8 Oct,
    finished 15 Oct: not 按时, is 延期办结."""
    request = granted_and_finished(world, dt.date(2026, 10, 15))
    assert request.timeliness_on(dt.date(2026, 10, 15)) == "延期办结"
    row, page = figures_row(world, dt.date(2026, 10, 16))
    assert (row["done"], row["on_time"], row["extended"], row["overdue_open"]) == (1, 0, 1, 0)
    assert row["on_time_rate"] == Rate(0, 1)
    assert '<th class="text-end" data-sortable>延期办结</th>' in page and "原承诺办结日期" in page


@pytest.mark.parametrize(
    "finished,on_time,extended,word",
    [
        (PROMISED, 1, 0, "按时办结"),  # on the original promise: on time, whatever was approved
        (EXTENDED, 0, 1, "延期办结"),  # on the approved date
        (dt.date(2026, 10, 21), 0, 0, "超期办结"),  # after it: late
    ],
)
def test_the_boundaries_of_on_time_and_extended(world, finished, on_time, extended, word):
    request = granted_and_finished(world, finished)
    assert request.timeliness_on(finished) == word
    row, _ = figures_row(world, dt.date(2026, 10, 25))
    assert (row["done"], row["on_time"], row["extended"]) == (1, on_time, extended)


def test_an_open_request_past_its_original_promise_is_late_even_when_extended(world):
    request = promised_on_10_october(world)
    with on(dt.date(2026, 10, 8)):
        ask(world, request)
        decide(world, request)
    request.refresh_from_db()
    # On the original promise it is not late yet; the day after it counts as 超期未办结 in the figures,
    # though its flag (the approved date) is not red.
    row, _ = figures_row(world, PROMISED)
    assert row["overdue_open"] == 0
    row, _ = figures_row(world, dt.date(2026, 10, 11))
    assert row["overdue_open"] == 1 and row["on_time_rate"] == Rate(0, 1)
    assert request.flag_on(dt.date(2026, 10, 11)) == "" and request.timeliness_on(dt.date(2026, 10, 11)) == (
        "超期未办结"
    )


def test_the_chart_counts_extended_requests_apart(world):
    from tests.centers.test_charts import figures

    granted_and_finished(world, dt.date(2026, 10, 15))
    granted_and_finished(world, PROMISED, applicant_name="钱")
    table = figures("requests_by_month", world.township_a, dt.date(2026, 10, 25))
    # accepted, done, open past the promise, on time, 延期办结, rate
    assert table["2026年9月"] == (2, 2, 0, 1, 1, "50.0%（1/2）")


def test_the_register_shows_both_promises_and_how_the_request_stands(world):
    import io

    from openpyxl import load_workbook

    granted_and_finished(world, dt.date(2026, 10, 15))
    with on(dt.date(2026, 10, 16)):
        response = world.client_for(world.township_a_officer).post("/requests/export/", {})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert row["原承诺办结日期"] == dt.datetime(2026, 10, 10)
    assert row["承诺办结日期（含批准延期）"] == dt.datetime(2026, 10, 20)
    assert row["办结日期"] == dt.datetime(2026, 10, 15) and row["按时情况"] == "延期办结"


# -- 退回 with an answer to the applicant ------------------------------------------------------------


def test_a_return_answers_the_applicant_who_sees_it_on_the_lookup(world):
    request = accept(world)
    clerk = world.client_for(world.village_a1_clerk)
    page = clerk.get(f"/requests/{request.pk}/").content.decode()
    assert 'id="return-reply-text"' in page
    data = {"name": "return", "version": request.version, "note": "户籍不在本村", "reply_channel": "电话告知"}
    refused = clerk.post(f"/requests/{request.pk}/transition/", {**data, "reply_text": "  "})
    assert said(refused) == [RETURN_REPLY_REQUIRED]
    request.refresh_from_db()
    assert request.status == "accepted" and request.reply_text == ""
    answer = "您的户籍在邻村，请到李楼村党群服务中心申请"
    clerk.post(f"/requests/{request.pk}/transition/", {**data, "reply_text": answer})
    request.refresh_from_db()
    assert request.status == "returned" and request.reply_text == answer
    event = request.timeline.get(kind="return")
    assert event.note == "户籍不在本村" and event.payload == {"channel": "电话告知"} and event.is_public
    public = Client().post("/lookup/", {"code": request.receipt_code, "phone_last4": "5678"})
    text = public.content.decode()
    assert "退回答复：</span>" + answer in text and "已退回" in text and "电话告知" in text
    assert "户籍不在本村" not in text  # the internal reason stays internal


def test_a_return_without_a_channel_is_refused(world):
    from centers.services.proxy_requests import REPLY_CHANNEL_REQUIRED

    request = accept(world)
    with pytest.raises(ValidationError, match=REPLY_CHANNEL_REQUIRED):
        transition(world, request, "return", note="材料不全", reply_text="请补齐材料")
    request.refresh_from_db()
    assert request.status == "accepted"
    assert not ProxyRequestTimelineEvent.objects.filter(proxy_request=request, kind="return").exists()


def test_a_year_past_the_promise_is_the_latest_extension_and_the_township_grants_it(world):
    request = promised_on_10_october(world)
    a_year_on = dt.date(2027, 10, 10)
    with on(dt.date(2026, 10, 8)):
        assert said(ask(world, request, to=a_year_on)) == ["已保存。"]
        decide(world, request, note="同意")
    request.refresh_from_db()
    assert (request.promised_date, request.original_promised_date) == (a_year_on, PROMISED)

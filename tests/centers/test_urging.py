"""督办 on an overdue request: a township official presses the village (handler and secretary told, on the
timeline, once a day), the village answers, and the official sees whether and how it was answered."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from centers.models import ProxyRequest, ProxyRequestTimelineEvent
from centers.selectors import proxy_request_events
from centers.services.proxy_requests import NOT_OVERDUE
from centers.workflows import PROXY_REQUEST
from notifications.models import Notification
from regions.models import Urging
from regions.services.urging import ALREADY_ANSWERED, ANSWER_REQUIRED, NOT_YOUR_OWN, ONCE_A_DAY, urging_answer
from tests.centers.builders import accept
from tests.centers.test_figures_by_township import overdue

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def urge(world, proxy_request, user=None, message="三天内办结并回复"):
    client = world.client_for(user or world.township_a_officer)
    return client.post(f"/requests/{proxy_request.pk}/urge/", {"message": message})


def test_a_township_official_urges_an_overdue_request_and_the_village_is_told(world):
    request = overdue(accept(world))
    response = urge(world, request)
    assert response.status_code == 302 and response.url == f"/requests/{request.pk}/"
    assert said(response) == ["已督办，已通知承办人和村党组织书记。"]
    urging = Urging.objects.get()
    assert (urging.record, urging.village, urging.issued_by) == (
        request,
        world.village_a1,
        world.township_a_officer,
    )
    assert urging.message == "三天内办结并回复" and not urging.is_answered
    # The handler is the village secretary here: told once, not twice.
    told = Notification.objects.filter(kind="urged")
    assert [n.recipient for n in told] == [world.village_a1_clerk] and "三天内办结并回复" in told[0].body
    event = ProxyRequestTimelineEvent.objects.get(proxy_request=request, kind="urge")
    assert (
        event.actor == world.township_a_officer
        and not event.is_public
        and event.payload == {"urging": urging.pk}
    )
    assert "urge" not in [e.kind for e in proxy_request_events(proxy_request=request, public_only=True)]
    page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert "督办" in page and "未回复" in page and "三天内办结并回复" in page


def test_an_empty_message_takes_the_default(world):
    request = overdue(accept(world))
    urge(world, request, message="  ")
    assert Urging.objects.get().message == "请尽快办理并回复办理情况。"


def test_urging_twice_a_day_is_refused_and_tells_nobody_again(world):
    request = overdue(accept(world))
    urge(world, request)
    second = urge(world, request, user=world.county_admin)
    assert said(second) == [ONCE_A_DAY]
    assert Urging.objects.count() == 1 and Notification.objects.filter(kind="urged").count() == 1
    assert ProxyRequestTimelineEvent.objects.filter(kind="urge").count() == 1


def test_a_request_not_yet_overdue_or_closed_cannot_be_urged(world):
    request = accept(world)
    assert said(urge(world, request)) == [NOT_OVERDUE]
    assert not Urging.objects.exists() and not Notification.objects.filter(kind="urged").exists()
    page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert 'id="urgings"' not in page  # nothing to urge, nothing urged


def test_only_township_and_county_officials_may_urge(world):
    request = overdue(accept(world))
    assert urge(world, request, user=world.village_a1_clerk).status_code == 403
    assert urge(world, request, user=world.township_b_officer).status_code == 404
    assert not Urging.objects.exists()
    clerk_page = world.client_for(world.village_a1_clerk).get(f"/requests/{request.pk}/").content.decode()
    assert f'action="/requests/{request.pk}/urge/"' not in clerk_page
    officer_page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert f'action="/requests/{request.pk}/urge/"' in officer_page


def test_a_message_too_long_is_refused_and_changes_nothing(world):
    request = overdue(accept(world))
    response = urge(world, request, message="快" * 201)
    assert response.status_code == 302 and "200" in said(response)[0]
    assert not Urging.objects.exists()


def test_the_village_answers_and_the_official_sees_it(world):
    request = overdue(accept(world))
    urge(world, request)
    urging = Urging.objects.get()
    clerk = world.client_for(world.village_a1_clerk)
    url = f"/requests/{request.pk}/urgings/{urging.pk}/answer/"
    response = clerk.post(url, {"answer": "材料已补齐，明天办结"})
    assert said(response) == ["已回复督办。"]
    urging.refresh_from_db()
    assert (
        urging.is_answered
        and urging.answered_by == world.village_a1_clerk
        and urging.answer == "材料已补齐，明天办结"
    )
    told = Notification.objects.get(kind="urging_answered")
    assert told.recipient == world.township_a_officer and "材料已补齐" in told.body
    assert ProxyRequestTimelineEvent.objects.filter(proxy_request=request, kind="urge_answer").count() == 1
    page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert "已回复" in page and "材料已补齐，明天办结" in page and "未回复" not in page
    assert said(clerk.post(url, {"answer": "再答一次"}))[-1] == ALREADY_ANSWERED
    assert Urging.objects.get().answer == "材料已补齐，明天办结"


def test_answers_need_text_and_the_right_to_handle_and_a_matching_urging(world):
    request = overdue(accept(world))
    urge(world, request)
    urging = Urging.objects.get()
    url = f"/requests/{request.pk}/urgings/{urging.pk}/answer/"
    clerk = world.client_for(world.village_a1_clerk)
    assert ANSWER_REQUIRED in said(clerk.post(url, {"answer": ""}))[0] or said(
        clerk.post(url, {"answer": ""})
    )
    assert world.client_for(world.village_a1_readonly).post(url, {"answer": "x"}).status_code == 403
    assert world.client_for(world.township_b_officer).post(url, {"answer": "x"}).status_code == 404
    other = accept(world, applicant_name="钱")
    foreign = f"/requests/{other.pk}/urgings/{urging.pk}/answer/"  # the urging belongs to another request
    assert clerk.post(foreign, {"answer": "x"}).status_code == 404
    assert not Urging.objects.get().is_answered
    assert ProxyRequest.objects.get(pk=request.pk).status == "accepted"


def test_the_service_refuses_a_blank_answer_whatever_the_form_lets_through(world):
    request = overdue(accept(world))
    urge(world, request)
    urging = Urging.objects.get()
    with pytest.raises(Exception, match=ANSWER_REQUIRED):
        urging_answer(
            actor=world.village_a1_clerk,
            record=request,
            urging=urging,
            answer="   ",
            title="t",
            url="/",
            workflow=PROXY_REQUEST,
        )
    assert not Urging.objects.get().is_answered


def test_the_official_who_urged_cannot_answer_it_even_when_they_may_handle_the_request(world):
    """A township organization member also holds change_center on its villages: the answer is the village's."""
    request = overdue(accept(world))
    urge(world, request)
    urging = Urging.objects.get()
    officer = world.client_for(world.township_a_officer)
    page = officer.get(f"/requests/{request.pk}/").content.decode()
    answer_url = f"/requests/{request.pk}/urgings/{urging.pk}/answer/"
    assert f'action="{answer_url}"' not in page
    assert said(officer.post(answer_url, {"answer": "自己答复"}))[-1] == NOT_YOUR_OWN
    assert not Urging.objects.get().is_answered
    assert not Notification.objects.filter(kind="urging_answered").exists()

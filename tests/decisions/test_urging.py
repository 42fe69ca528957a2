"""督办 on a matter stuck on one step longer than the county allows: the township presses the village (the
secretary told, on the matter's timeline, once a day), the village answers, the page shows both."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from decisions.models import Matter, MatterTimelineEvent
from decisions.services.urging import NOT_STUCK
from notifications.models import Notification
from regions.models import Urging
from regions.services.urging import ONCE_A_DAY
from tests.decisions.builders import matter_register

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def stuck(matter: Matter, days: int = 31) -> Matter:
    """The matter as it stands ``days`` after it entered its step (the default limit is 30 days)."""
    Matter.objects.filter(pk=matter.pk).update(
        step_since=timezone.localdate() - datetime.timedelta(days=days)
    )
    return Matter.objects.get(pk=matter.pk)


def urge(world, matter, user=None, message="本周内召开两委会商议"):
    return world.client_for(user or world.township_a_officer).post(
        f"/decisions/matters/{matter.pk}/urge/", {"message": message}
    )


def test_a_stuck_matter_is_urged_and_the_village_answers(world, roster):
    matter = stuck(matter_register(world.village_a1_clerk, world.village_a1))
    officer_page = world.client_for(world.township_a_officer).get(matter.get_absolute_url()).content.decode()
    assert f'action="/decisions/matters/{matter.pk}/urge/"' in officer_page
    response = urge(world, matter)
    assert response.status_code == 302 and said(response) == ["已督办，已通知村党组织书记和事项登记人。"]
    urging = Urging.objects.get()
    assert urging.record == matter and urging.issued_by == world.township_a_officer
    assert Notification.objects.filter(kind="urged", recipient=world.village_a1_clerk).count() == 1
    event = MatterTimelineEvent.objects.get(matter=matter, kind="urge")
    assert not event.is_public and event.note == "本周内召开两委会商议"
    # The matter's page is cached: the 督办 shows at once, to the village too, with the answer form.
    clerk = world.client_for(world.village_a1_clerk)
    page = clerk.get(matter.get_absolute_url()).content.decode()
    assert "本周内召开两委会商议" in page and "未回复" in page
    answer_url = f"/decisions/matters/{matter.pk}/urgings/{urging.pk}/answer/"
    assert f'action="{answer_url}"' in page
    assert said(clerk.post(answer_url, {"answer": "已定于周五召开两委会"})) == ["已回复督办。"]
    assert Urging.objects.get().answer == "已定于周五召开两委会"
    assert Notification.objects.get(kind="urging_answered").recipient == world.township_a_officer
    assert MatterTimelineEvent.objects.filter(matter=matter, kind="urge_answer").count() == 1
    officer_page = world.client_for(world.township_a_officer).get(matter.get_absolute_url()).content.decode()
    assert "已回复" in officer_page and "已定于周五召开两委会" in officer_page


def test_a_matter_within_its_limit_or_in_implementation_cannot_be_urged(world, roster):
    matter = stuck(matter_register(world.village_a1_clerk, world.village_a1), days=30)  # not more than 30
    assert said(urge(world, matter)) == [NOT_STUCK.format(days=30)]
    page = world.client_for(world.township_a_officer).get(matter.get_absolute_url()).content.decode()
    assert "/urge/" not in page
    Matter.objects.filter(pk=matter.pk).update(step="implementation")
    assert said(urge(world, stuck(matter, days=200)))[-1] == NOT_STUCK.format(days=30)
    assert not Urging.objects.exists()


def test_once_a_day_and_only_by_officials(world, roster):
    matter = stuck(matter_register(world.village_a1_clerk, world.village_a1))
    urge(world, matter)
    assert said(urge(world, matter, user=world.county_admin)) == [ONCE_A_DAY]
    assert urge(world, matter, user=world.village_a1_clerk).status_code == 403
    assert urge(world, matter, user=world.township_b_officer).status_code == 404
    assert Urging.objects.count() == 1 and MatterTimelineEvent.objects.filter(kind="urge").count() == 1


def test_only_the_village_answers_and_only_its_own_matters_urging(world, roster):
    matter = stuck(matter_register(world.village_a1_clerk, world.village_a1))
    urge(world, matter)
    urging = Urging.objects.get()
    url = f"/decisions/matters/{matter.pk}/urgings/{urging.pk}/answer/"
    assert world.client_for(world.township_a_officer).post(url, {"answer": "x"}).status_code == 403
    assert world.client_for(world.township_b_officer).post(url, {"answer": "x"}).status_code == 404
    other = matter_register(world.village_a1_clerk, world.village_a1, title="另一件事")
    foreign = f"/decisions/matters/{other.pk}/urgings/{urging.pk}/answer/"
    assert world.client_for(world.village_a1_clerk).post(foreign, {"answer": "x"}).status_code == 404
    assert not Urging.objects.get().is_answered

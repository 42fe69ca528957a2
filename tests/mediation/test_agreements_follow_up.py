"""M13/M14 through the pages: follow-up visits on an effective agreement, closure only after performance
(or the parties went to court), and 司法确认 within 30 days of the agreement's effect (day 30 in time,
day 31 recorded and flagged)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.formats import zh_date
from mediation import rules
from mediation.models import Dispute, FollowUp, JudicialConfirmation, State
from mediation.services import agreements as sa
from regions.models import CalendarDay
from tests.mediation.agreements_builders import effective, url, written

pytestmark = pytest.mark.django_db


def _visit(client, dispute: Dispute, performance: str, on: dt.date | None = None):
    dispute.refresh_from_db()
    return client.post(
        url("follow-up-create", dispute),
        {
            "version": dispute.version,
            "visited_on": (on or timezone.localdate()).isoformat(),
            "visitor": "李调解",
            "performance": performance,
            "notes": "",
        },
    )


def test_a_follow_up_before_the_agreement_took_effect_is_refused(world):
    today = timezone.localdate()
    agreement = effective(world, on=today - dt.timedelta(days=5))
    client = world.client_for(world.village_a1_clerk)
    response = _visit(client, agreement.dispute, "performed", on=today - dt.timedelta(days=6))
    assert response.status_code == 200
    expected = sa.VISIT_BEFORE_EFFECTIVE.format(date=zh_date(agreement.effective_on))
    assert expected in response.content.decode()
    assert not FollowUp.objects.filter(dispute_id=agreement.dispute_id).exists()
    # On the effective date itself it is taken.
    response = _visit(client, agreement.dispute, "performed", on=today - dt.timedelta(days=5))
    assert response.status_code == 302
    assert FollowUp.objects.filter(dispute_id=agreement.dispute_id).count() == 1


def test_a_follow_up_on_an_agreement_not_yet_effective_is_refused(world):
    agreement = written(world)
    client = world.client_for(world.village_a1_clerk)
    response = _visit(client, agreement.dispute, "performed")
    assert sa.NOT_EFFECTIVE.format(action="回访") in response.content.decode()
    assert not FollowUp.objects.filter(dispute_id=agreement.dispute_id).exists()


def test_close_is_refused_after_an_unperformed_follow_up_and_allowed_after_a_performed_one(world):
    agreement = effective(world)
    dispute = agreement.dispute
    client = world.client_for(world.village_a1_clerk)
    assert _visit(client, dispute, "unperformed").status_code == 302
    page = client.get(url("agreement-detail", dispute)).content.decode()
    # The advice: 督促履行, 起诉 (第32条) or 司法确认 (第33条).
    assert 'id="unperformed-advice"' in page and "第三十二条" in page and "第三十三条" in page
    assert 'id="close-button"' in page

    dispute.refresh_from_db()
    response = client.post(url("dispute-close", dispute), {"version": dispute.version}, follow=True)
    assert sa.CLOSE_NOT_PERFORMED in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.state == State.FOLLOWING_UP

    assert _visit(client, dispute, "performed").status_code == 302
    dispute.refresh_from_db()
    response = client.post(url("dispute-close", dispute), {"version": dispute.version})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == State.CLOSED


def test_the_first_follow_up_due_date_and_its_flag(world):
    """The follow-up falls due 30 days after an agreement without a performance deadline took effect
    (county default); yellow within the warning days, red from the day after."""
    today = timezone.localdate()
    agreement = effective(world, on=today - dt.timedelta(days=40))
    assert agreement.follow_up_due_on < today
    page = world.client_for(world.village_a1_clerk).get(url("agreement-detail", agreement)).content.decode()
    overdue = (today - agreement.follow_up_due_on).days
    assert "flag-red" in page and f"已超期{overdue}天" in page


def _boundary_agreement(world) -> tuple[object, dt.date]:
    """An agreement effective on a day whose 30th day after is made a working day (so no rest day moves it)."""
    today = timezone.localdate()
    on = today - dt.timedelta(days=45)
    day30 = on + dt.timedelta(days=30)
    CalendarDay.objects.create(county=world.county, date=day30, kind=CalendarDay.Kind.WORKDAY, name="测试")
    agreement = effective(world, on=on)
    assert rules.confirmation_last_day(world.village_a1, on) == day30
    return agreement, day30


def test_judicial_confirmation_on_day_30_is_in_time_and_on_day_31_flagged(world):
    agreement, day30 = _boundary_agreement(world)
    dispute = agreement.dispute
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        url("confirmation-create", dispute), {"applied_on": day30.isoformat(), "court": "测试县人民法院"}
    )
    assert response.status_code == 302
    late = day30 + dt.timedelta(days=1)
    client.post(
        url("confirmation-create", dispute), {"applied_on": late.isoformat(), "court": "测试县人民法院"}
    )
    on_time, out_of_time = JudicialConfirmation.objects.filter(dispute=dispute).order_by("applied_on")
    assert on_time.applied_on == day30 and on_time.in_time
    assert out_of_time.applied_on == late and not out_of_time.in_time
    page = client.get(url("agreement-detail", dispute)).content.decode()
    listed = page[page.index('id="confirmations"') :]
    assert listed.count("超过30日申请期限") == 1 and listed.count("在30日内申请") == 1
    assert 'id="confirmation-last-day"' in page


def test_judicial_confirmation_through_the_service_with_dates(world):
    agreement, day30 = _boundary_agreement(world)
    dispute = Dispute.objects.get(pk=agreement.dispute_id)
    actor = world.village_a1_clerk
    in_time = sa.confirmation_record(
        actor=actor, dispute=dispute, applied_on=day30, court="测试县人民法院", today=day30
    )
    late = sa.confirmation_record(
        actor=actor, dispute=dispute, applied_on=day30 + dt.timedelta(days=1), court="测试县人民法院"
    )
    assert in_time.in_time and not late.in_time


def test_the_court_ruling_is_recorded_once(world):
    agreement = effective(world)
    dispute = agreement.dispute
    client = world.client_for(world.village_a1_clerk)
    client.post(
        url("confirmation-create", dispute),
        {"applied_on": timezone.localdate().isoformat(), "court": "测试县人民法院"},
    )
    confirmation = JudicialConfirmation.objects.get(dispute=dispute)
    result_url = url("confirmation-result", dispute, confirmation.pk)
    assert client.post(result_url, {"outcome": "valid"}).status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.outcome == "valid"
    response = client.post(result_url, {"outcome": "invalid"}, follow=True)
    assert "该申请已有结果。" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.outcome == "valid"


def test_a_confirmation_of_another_case_is_not_found_here(world):
    first = effective(world)
    second = effective(world)
    client = world.client_for(world.village_a1_clerk)
    client.post(
        url("confirmation-create", second.dispute),
        {"applied_on": timezone.localdate().isoformat(), "court": "测试县人民法院"},
    )
    confirmation = JudicialConfirmation.objects.get(dispute=second.dispute)
    response = client.post(url("confirmation-result", first.dispute, confirmation.pk), {"outcome": "valid"})
    assert response.status_code == 404

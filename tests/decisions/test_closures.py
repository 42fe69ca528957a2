"""The exits of an open matter (DOMAIN_RULES A.2.1 "missing exits"): 撤回 while no resolution has passed,
终止 after one with a result disclosure "未实施" and its reason. Both close the matter: no further step, no
"stuck" reminder, their badge on the list and the bulletin, counted as closed by oversight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from decisions.charts import matters_by_step_rows
from decisions.models import Disclosure, Matter, MatterTimelineEvent, Step
from decisions.selectors import matters_by_child
from decisions.services import decision_reminders_send
from decisions.workflows import (
    MATTER_CLOSED,
    TERMINATE_AFTER_RESULT,
    TERMINATE_BEFORE_POSTING,
    TERMINATE_BEFORE_RESOLUTION,
    WITHDRAW_AFTER_RESOLUTION,
)
from notifications.models import Notification
from tests.decisions.builders import disclose, matter_register, resolve, step_pass, take_to_resolution, zh
from tests.decisions.conftest import meeting_post

pytestmark = pytest.mark.django_db

WITHDRAW_REASON = "提议人撤回：该地块已列入县道扩建"
TERMINATE_REASON = "上级专项资金未能到位，经村民代表会议研究，本年度不再实施"


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def withdraw(client, matter: Matter, reason: str = WITHDRAW_REASON):
    matter.refresh_from_db()
    return client.post(
        reverse("decisions:matter-withdraw", args=[matter.pk]), {"version": matter.version, "reason": reason}
    )


def terminate(client, matter: Matter, reason: str = TERMINATE_REASON, posted_on=None, **extra):
    matter.refresh_from_db()
    data = {
        "version": matter.version,
        "reason": reason,
        "posted_on": (posted_on or timezone.localdate()).isoformat(),
        **extra,
    }
    return client.post(reverse("decisions:matter-terminate", args=[matter.pk]), data)


def stuck(matter: Matter, days: int = 40) -> Matter:
    Matter.objects.filter(pk=matter.pk).update(step_since=timezone.localdate() - timedelta(days=days))
    matter.refresh_from_db()
    return matter


def stuck_reminders(matter: Matter) -> int:
    return Notification.objects.filter(kind__startswith="matter_stuck", url=matter.get_absolute_url()).count()


# -- 撤回 ------------------------------------------------------------------------------------------


def test_a_matter_withdrawn_before_its_proposal_meeting_is_closed_and_no_longer_stuck(
    world, roster, secretary, clerk
):
    dropped = stuck(matter_register(secretary, world.village_a1, title="修建村东头文化广场"))
    kept = stuck(matter_register(secretary, world.village_a1, title="村内道路硬化"))
    response = withdraw(clerk, dropped)
    assert response.status_code == 302 and said(response) == ["事项已撤回，不再办理。"]
    dropped.refresh_from_db()
    assert (dropped.status, dropped.step) == (Matter.Status.WITHDRAWN, Step.PROPOSAL)
    event = MatterTimelineEvent.objects.get(matter=dropped, kind="withdrawn")
    assert event.note == WITHDRAW_REASON and event.actor == world.village_a1_clerk
    # The page and the list say so.
    page = clerk.get(dropped.get_absolute_url()).content.decode()
    assert 'id="matter-closed"' in page and WITHDRAW_REASON in page and "已撤回" in page
    assert 'id="next-step"' not in page and 'id="matter-exit"' not in page
    listing = clerk.get(reverse("decisions:matter-list") + "?status=withdrawn").content.decode()
    assert "修建村东头文化广场" in listing and "已撤回" in listing and "村内道路硬化" not in listing
    # No further step.
    response = meeting_post(clerk, dropped, "proposal", present=5, votes_for=5)
    assert MATTER_CLOSED["withdrawn"] in response.content.decode()
    assert not dropped.meetings.exists()
    # The daily job reminds the other stuck matter only.
    decision_reminders_send(today=timezone.localdate())
    assert stuck_reminders(kept) == 1 and stuck_reminders(dropped) == 0
    # A closed matter stays closed.
    response = withdraw(clerk, dropped)
    assert said(response)[-1] == MATTER_CLOSED["withdrawn"]


def test_withdrawing_is_allowed_up_to_the_resolution_and_refused_after_it(world, roster, secretary, clerk):
    at_resolution = take_to_resolution(secretary, matter_register(secretary, world.village_a1, title="甲"))
    assert at_resolution.step == Step.RESOLUTION
    assert withdraw(clerk, at_resolution).status_code == 302
    at_resolution.refresh_from_db()
    assert at_resolution.status == Matter.Status.WITHDRAWN
    # One step later (the resolution passed), it is refused and nothing changes.
    resolved = resolve(secretary, matter_register(secretary, world.village_a1, title="乙"))
    assert resolved.step == Step.RESOLUTION_DISCLOSURE
    version = resolved.version
    response = withdraw(clerk, resolved)
    assert said(response)[-1] == WITHDRAW_AFTER_RESOLUTION
    resolved.refresh_from_db()
    assert (resolved.status, resolved.version) == (Matter.Status.OPEN, version)
    assert not MatterTimelineEvent.objects.filter(matter=resolved, kind="withdrawn").exists()


def test_withdrawing_needs_a_reason_a_manager_and_the_matter_in_scope(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    response = withdraw(clerk, matter, reason="  ")
    assert said(response) == ["撤回原因：请填写撤回的原因。"]
    assert withdraw(world.client_for(world.village_a1_readonly), matter).status_code == 403
    assert withdraw(world.client_for(world.township_a_officer), matter).status_code == 403
    assert withdraw(world.client_for(world.township_b_officer), matter).status_code == 404
    assert clerk.get(reverse("decisions:matter-withdraw", args=[matter.pk])).status_code == 405
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN and matter.version == 1


# -- 终止 ------------------------------------------------------------------------------------------


@pytest.fixture
def posted(world, roster, secretary) -> Matter:
    """Resolved 11 days ago, its resolution posted 10 days ago (its 7 days are over even when the last one
    fell on a weekend and moved to the Monday: implementation)."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=11)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=10))
    assert matter.step == Step.IMPLEMENTATION
    return matter


def test_a_resolved_matter_is_terminated_with_its_reason_posted_as_not_implemented(
    world, posted, secretary, clerk
):
    today = timezone.localdate()
    stuck(posted)
    form = clerk.get(reverse("decisions:matter-terminate", args=[posted.pk]))
    assert form.status_code == 200 and "未实施的原因" in form.content.decode()
    response = terminate(clerk, posted, spent_amount="3000.00")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert said(response) == ["事项已终止，“未实施”及其原因已在村务公开栏公开。"]
    posted.refresh_from_db()
    assert posted.status == Matter.Status.TERMINATED and not posted.is_open
    result = posted.disclosures.get(kind=Disclosure.Kind.RESULT)
    assert result.not_implemented and result.text == TERMINATE_REASON and result.posted_on == today
    assert str(result.spent_amount) == "3000.00" and result.round == 1 and result.ends_on > today
    event = MatterTimelineEvent.objects.get(matter=posted, kind="terminated")
    assert event.note == TERMINATE_REASON and event.payload["posted_on"] == today.isoformat()
    # The bulletin posts it as the result, marked 未实施, and the matter's badge.
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert "已终止（未实施）" in bulletin and TERMINATE_REASON in bulletin and "未实施</span>" in bulletin
    assert f"{zh(today)}张贴 · 公示期：自张贴次日起7日，至{zh(result.ends_on)}" in bulletin
    page = clerk.get(posted.get_absolute_url()).content.decode()
    assert 'id="matter-closed"' in page and "终止实施" in page and TERMINATE_REASON in page
    # Closed: no stuck reminder, no result posting, the period's end changes nothing.
    decision_reminders_send(today=today + timedelta(days=30))
    assert stuck_reminders(posted) == 0
    posted.refresh_from_db()
    assert posted.status == Matter.Status.TERMINATED and posted.completed_on is None
    response = clerk.get(reverse("decisions:disclosure-create", args=[posted.pk]))
    assert response.status_code == 302


def test_terminating_during_the_resolutions_period(world, roster, secretary, clerk):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=3)
    )
    # Resolved, not posted yet: post the resolution first.
    assert clerk.get(reverse("decisions:matter-terminate", args=[matter.pk])).status_code == 302
    response = terminate(clerk, matter)
    assert said(response)[-1] == TERMINATE_BEFORE_POSTING
    resolution = disclose(secretary, matter, posted_on=today - timedelta(days=2))
    # Not before the resolution's posting.
    response = terminate(clerk, matter, posted_on=today - timedelta(days=3))
    assert f"“未实施”公开的张贴日期不能早于决议公开的张贴日期（{zh(resolution.posted_on)}）。" in (
        response.content.decode()
    )
    assert terminate(clerk, matter, posted_on=resolution.posted_on).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.TERMINATED and matter.step == Step.RESOLUTION_DISCLOSURE


def test_terminating_is_refused_before_the_resolution_and_after_the_result(world, roster, secretary, clerk):
    early = take_to_resolution(secretary, matter_register(secretary, world.village_a1, title="甲"))
    response = clerk.get(reverse("decisions:matter-terminate", args=[early.pk]))
    assert response.status_code == 302 and said(response) == [TERMINATE_BEFORE_RESOLUTION]
    response = terminate(clerk, early)
    assert TERMINATE_BEFORE_RESOLUTION in response.content.decode()
    today = timezone.localdate()
    late = resolve(
        secretary,
        matter_register(secretary, world.village_a1, title="乙"),
        held_on=today - timedelta(days=30),
    )
    disclose(secretary, late, posted_on=today - timedelta(days=29))
    disclose(secretary, late, posted_on=today, result=True)
    assert late.step == Step.RESULT_DISCLOSURE
    response = terminate(clerk, late)
    assert TERMINATE_AFTER_RESULT in response.content.decode()
    for matter in (early, late):
        matter.refresh_from_db()
        assert matter.status == Matter.Status.OPEN
        assert not matter.disclosures.filter(not_implemented=True).exists()


def test_terminating_needs_a_reason_a_manager_and_the_matter_in_scope(world, posted, clerk):
    response = terminate(clerk, posted, reason="")
    assert (
        response.status_code == 200 and "请填写未实施的原因（将在公开栏公开）。" in response.content.decode()
    )
    response = terminate(clerk, posted, posted_on=timezone.localdate() + timedelta(days=1))
    assert "张贴日期不能晚于今天。" in response.content.decode()
    assert terminate(world.client_for(world.township_a_officer), posted).status_code == 403
    assert terminate(world.client_for(world.township_b_officer), posted).status_code == 404
    posted.refresh_from_db()
    assert posted.status == Matter.Status.OPEN
    assert not posted.disclosures.filter(kind=Disclosure.Kind.RESULT).exists()


def test_a_matter_decided_again_after_an_upheld_objection_may_be_terminated_not_withdrawn(
    world, roster, secretary, clerk
):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=3)
    )
    first = disclose(secretary, matter, posted_on=today - timedelta(days=1))
    objection = first.objections.create(received_on=today, summary="占用晒场")
    clerk.post(
        reverse("decisions:objection-uphold", args=[objection.pk]),
        {"answer": "异议属实", "answered_on": today.isoformat()},
    )
    matter.refresh_from_db()
    assert (matter.step, matter.round) == (Step.RESOLUTION, 2)
    assert said(withdraw(clerk, matter))[-1] == WITHDRAW_AFTER_RESOLUTION
    assert terminate(clerk, matter).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.TERMINATED
    assert matter.disclosures.get(kind=Disclosure.Kind.RESULT).round == 2


def test_oversight_and_the_chart_count_them_as_closed(world, roster, secretary, clerk, posted):
    dropped = matter_register(secretary, world.village_a1, title="撤回的事项")
    withdraw(clerk, dropped)
    terminate(clerk, posted)
    step_pass(secretary, matter_register(secretary, world.village_a1, title="办理中"), "proposal")
    row = next(r for r in matters_by_child(region=world.township_a) if r["region"] == world.village_a1)
    assert (row["withdrawn"], row["terminated"], row["total"]) == (1, 1, 3)
    assert sum(row["steps"]) == 1  # only the open one is on a step
    chart = {
        r["key"]: r["v1"] for r in matters_by_step_rows(region=world.township_a, today=timezone.localdate())
    }
    assert chart == {Step.CONSULTATION: 1}
    page = world.client_for(world.township_a_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_a.code}"
    )
    assert "<th data-sortable>已撤回</th><th data-sortable>已终止</th>" in page.content.decode()

"""异议成立: an objection upheld during either posting sends the matter back to 决议 for a new vote (its next
round); the earlier meetings and postings stay on record, marked as superseded, and the reason is on the
timeline (DOMAIN_RULES A.2.6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from decisions.models import Disclosure, Matter, MatterTimelineEvent, Meeting, Objection, Step
from decisions.services import decision_reminders_send, disclosure_period_close, objection_record
from decisions.services.disclosures import DisclosureInput, disclosure_post
from decisions.services.objections import UPHOLD_SUPERSEDED
from decisions.services.reviews import REVIEW_MISSING
from decisions.workflows import UPHOLD_NOT_IN_PERIOD
from tests.decisions.builders import (
    RESOLUTION_TEXT,
    disclose,
    matter_register,
    resolve,
    review_agree,
    step_pass,
)
from tests.decisions.conftest import disclose_post, pass_step

pytestmark = pytest.mark.django_db

REASON = "经核实，决议未列明广场占用的集体晒场，需重新表决"
NEW_TEXT = "决议（重新表决）：修建村东头文化广场，另择晒场。"


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def uphold(client, objection: Objection, answer: str = REASON, answered_on=None):
    return client.post(
        reverse("decisions:objection-uphold", args=[objection.pk]),
        {"answer": answer, "answered_on": (answered_on or timezone.localdate()).isoformat()},
    )


@pytest.fixture
def posted(world, roster, secretary) -> Matter:
    """Resolved 10 days ago, its resolution posted 2 days ago: the period runs."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=10)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=2))
    return matter


def objection_on(secretary, disclosure: Disclosure, summary: str = "广场占用了集体晒场") -> Objection:
    return objection_record(
        actor=secretary, disclosure=disclosure, received_on=timezone.localdate(), summary=summary
    )


def test_an_upheld_objection_returns_to_the_resolution_and_the_second_round_is_held_and_posted(
    world, posted, secretary, clerk
):
    today = timezone.localdate()
    first = posted.disclosures.get()
    objection = objection_on(secretary, first)
    response = uphold(clerk, objection)
    assert response.status_code == 302
    assert said(response) == ["已认定异议成立，事项退回“村民（代表）会议决议”环节，请重新召开会议表决。"]
    posted.refresh_from_db()
    assert (posted.step, posted.round, posted.is_open) == (Step.RESOLUTION, 2, True)
    assert posted.resolved_on is None and posted.disclosed_on is None and posted.step_since == today
    objection.refresh_from_db()
    assert objection.upheld and objection.answer == REASON and objection.answered_by == world.village_a1_clerk
    # What was posted stays as it was.
    first.refresh_from_db()
    assert (first.round, first.text) == (1, RESOLUTION_TEXT)
    # The reason is on the timeline, and the matter page says what happened.
    event = MatterTimelineEvent.objects.get(matter=posted, kind="objection_upheld")
    assert event.note == REASON and event.from_state == Step.RESOLUTION_DISCLOSURE
    assert event.to_state == Step.RESOLUTION and event.payload["round"] == 2
    page = clerk.get(posted.get_absolute_url()).content.decode()
    assert REASON in page and "第2轮" in page and "异议成立，已重新决议" in page
    record = clerk.get(reverse("decisions:matter-record", args=[posted.pk])).content.decode()
    assert "决议公开（异议成立，已重新决议）" in record and f"认定异议成立：{REASON}" in record
    # The bulletin keeps the withdrawn posting, marked, while the matter is decided again.
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert RESOLUTION_TEXT in bulletin and "异议成立，已重新决议" in bulletin and "重新决议中" in bulletin

    # The second round: a new resolution meeting (the first one's row stays) and a new posting.
    pass_step(clerk, posted, "resolution")
    assert posted.step == Step.RESOLUTION_DISCLOSURE and posted.resolved_on == today
    held = Meeting.objects.filter(matter=posted, step=Step.RESOLUTION, quorum_met=True).order_by("id")
    assert [m.round for m in held] == [1, 2]
    response = disclose_post(clerk, posted, posted_on=today, text=NEW_TEXT)
    assert response.status_code == 302, response.content.decode()[:2000]
    posted.refresh_from_db()
    assert posted.disclosed_on == today and posted.step == Step.RESOLUTION_DISCLOSURE
    second = posted.disclosures.get(round=2)
    assert second.kind == Disclosure.Kind.RESOLUTION and second.text == NEW_TEXT
    bulletin = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert NEW_TEXT in bulletin and RESOLUTION_TEXT in bulletin
    assert bulletin.count("异议成立，已重新决议") == 2  # the first round's vote and its posting
    assert bulletin.index(NEW_TEXT) > bulletin.index(RESOLUTION_TEXT)  # posted in order
    # The second posting's period closes as any other: the matter moves on to implementation.
    decision_reminders_send(today=second.ends_on + timedelta(days=1))
    posted.refresh_from_db()
    assert posted.step == Step.IMPLEMENTATION


def test_an_upheld_objection_to_the_result_also_returns_to_the_resolution(world, roster, secretary, clerk):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=40)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=39))  # its period is over: implementation
    assert matter.step == Step.IMPLEMENTATION
    result = disclose(secretary, matter, posted_on=today, result=True)
    assert matter.step == Step.RESULT_DISCLOSURE
    response = uphold(clerk, objection_on(secretary, result, "实际支出与验收不符"))
    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.step, matter.round) == (Step.RESOLUTION, 2)
    assert matter.resolved_on is None and matter.disclosed_on is None
    page = clerk.get(matter.get_absolute_url()).content.decode()
    assert 'id="disclosure-resolution-1"' in page and 'id="disclosure-result-1"' in page
    # The new vote can be held.
    step_pass(secretary, matter, "resolution")
    assert matter.step == Step.RESOLUTION_DISCLOSURE and matter.round == 2


def test_upholding_needs_a_reason_and_a_manager_and_404s_out_of_scope(world, posted, secretary, clerk):
    objection = objection_on(secretary, posted.disclosures.get())
    version = Matter.objects.get(pk=posted.pk).version
    response = uphold(clerk, objection, answer="   ")
    assert response.status_code == 302 and said(response) == ["答复内容：这个字段是必填项。"]
    assert uphold(world.client_for(world.village_a1_readonly), objection).status_code == 403
    assert uphold(world.client_for(world.township_a_officer), objection).status_code == 403
    assert uphold(world.client_for(world.township_b_officer), objection).status_code == 404
    assert (
        world.client_for(None).post(reverse("decisions:objection-uphold", args=[objection.pk])).status_code
        == 302
    )
    assert clerk.get(reverse("decisions:objection-uphold", args=[objection.pk])).status_code == 405
    # Nothing changed.
    objection.refresh_from_db()
    assert objection.answered_on is None and not objection.upheld
    posted.refresh_from_db()
    assert (posted.step, posted.round, posted.version) == (Step.RESOLUTION_DISCLOSURE, 1, version)


def test_a_superseded_posting_neither_moves_the_new_round_nor_takes_another_upheld_objection(
    world, roster, secretary, clerk
):
    """Two objections to a posting whose period has ended: one upheld (round 2), the matter decided again;
    the other, answered later, must not close the new round with the old posting's period."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=3)
    )
    first = disclose(secretary, matter, posted_on=today - timedelta(days=2))
    a = objection_on(secretary, first, "占用晒场")
    b = objection_on(secretary, first, "预算偏高")
    after_period = first.ends_on + timedelta(days=1)
    decision_reminders_send(today=after_period)
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE  # waiting for the answers
    assert uphold(clerk, a).status_code == 302
    step_pass(secretary, matter, "resolution")
    assert (matter.step, matter.round, matter.disclosed_on) == (Step.RESOLUTION_DISCLOSURE, 2, None)
    # Upholding the other objection of the superseded posting is refused; answering it is fine ...
    response = uphold(clerk, b)
    assert said(response)[-1] == UPHOLD_SUPERSEDED
    clerk.post(
        reverse("decisions:objection-answer", args=[b.pk]),
        {"answer": "预算已经乡镇审核", "answered_on": today.isoformat()},
    )
    b.refresh_from_db()
    assert b.answered_on == today and not b.upheld
    # ... and neither the old posting's period nor the daily job closes the new round.
    assert disclosure_period_close(disclosure=first, today=after_period) == ("moved_before", 0)
    decision_reminders_send(today=after_period)
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE and matter.disclosed_on is None


def test_upholding_is_refused_once_the_matter_has_moved_on(world, roster, secretary, clerk):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=30)
    )
    first = disclose(secretary, matter, posted_on=today - timedelta(days=29))
    answered_late = Objection.objects.create(
        disclosure=first, received_on=first.posted_on, summary="占用晒场"
    )
    # An unanswered objection on a matter that moved on (the record was made outside the service).
    Matter.objects.filter(pk=matter.pk).update(step=Step.IMPLEMENTATION, version=matter.version + 1)
    response = uphold(clerk, answered_late)
    assert said(response) == [UPHOLD_NOT_IN_PERIOD]
    matter.refresh_from_db()
    assert matter.step == Step.IMPLEMENTATION and matter.round == 1


def test_the_posted_dates_move_only_with_a_new_round(world, posted):
    """The trigger keeps what the bulletin showed: the resolution and posting dates change only together
    with the move to the next round, the content never, and a round is never undone."""
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=posted.pk).update(disclosed_on=None, resolved_on=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=posted.pk).update(round=3)
    Matter.objects.filter(pk=posted.pk).update(
        round=2, disclosed_on=None, resolved_on=None, step="resolution"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=posted.pk).update(title="改名")  # posted in round 1: frozen in round 2 too
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=posted.pk).update(round=1)


def test_the_new_round_is_reviewed_afresh_even_when_its_text_is_the_same(world, posted, secretary, clerk):
    """The committee's agreement to the first round's text does not carry over to the new vote's posting."""
    today = timezone.localdate()
    uphold(clerk, objection_on(secretary, posted.disclosures.get()))
    pass_step(clerk, posted, "resolution")
    posted.refresh_from_db()
    data = DisclosureInput(text=RESOLUTION_TEXT, posted_on=today, spent_amount=None, acceptance="")
    with pytest.raises(ValidationError) as refused:
        disclosure_post(
            actor=secretary, matter=posted, version=posted.version, kind=Disclosure.Kind.RESOLUTION, data=data
        )
    assert refused.value.messages == [REVIEW_MISSING.format(posting="决议公开")]
    assert posted.disclosures.filter(round=2).count() == 0
    # Reviewed in this round, the same text is posted.
    review_agree(secretary, posted, Disclosure.Kind.RESOLUTION, text=RESOLUTION_TEXT)
    posted.refresh_from_db()
    disclosure_post(
        actor=secretary, matter=posted, version=posted.version, kind=Disclosure.Kind.RESOLUTION, data=data
    )
    assert posted.disclosures.get(round=2).text == RESOLUTION_TEXT

"""The edges where rounds, corrections and exits meet (a review of issue 10's work found each of them):
corrections lapse with their round, objections are taken in exactly the periods that hold the matter
(also by villagers during a correction's period and on a "未实施" notice), a matter is not terminated over
open objections or corrections, and a new vote is not flagged late against the first proposal."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions import services
from decisions.models import Amendment, DecisionRules, Disclosure, Matter, Step
from decisions.services.closures import TERMINATE_AMENDMENT_PENDING, TERMINATE_OBJECTIONS_OPEN
from decisions.services.common import SUPERSEDED_NOT_AMENDED
from decisions.services.objections import AMENDMENT_LAPSED
from regions.services import county_settings_save
from tests.conftest import triggers_off
from tests.decisions.builders import amendment_confirm, disclose, matter_register, resolve, step_pass

pytestmark = pytest.mark.django_db

NEW_TEXT = "决议：修建文化广场，预算12.5万元。"


def object_to(secretary, disclosure, summary="预算增加的理由不充分", received_on=None):
    return services.objection_record(
        actor=secretary,
        disclosure=disclosure,
        received_on=received_on or timezone.localdate(),
        summary=summary,
    )


def propose(secretary, disclosure, corrected=NEW_TEXT) -> Amendment:
    return services.amendment_create(
        actor=secretary, disclosure=disclosure, field="text", corrected=corrected, reason="预算调整"
    )


@pytest.fixture
def posting(world, roster, secretary) -> Disclosure:
    """A resolution posted today: its period runs."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=1)
    )
    disclosure = disclose(secretary, matter, posted_on=today)
    disclosure.matter = matter  # refreshed by disclose()
    return disclosure


@pytest.fixture
def implementing(world, roster, secretary) -> Disclosure:
    """A resolution whose own period is over (posted 10 days ago): the matter is at implementation."""
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=11)
    )
    disclosure = disclose(secretary, matter, posted_on=today - timedelta(days=10))
    disclosure.matter = matter  # refreshed by disclose()
    assert matter.step == Step.IMPLEMENTATION
    return disclosure


def test_a_correction_waiting_for_the_committee_lapses_when_an_objection_is_upheld(posting, secretary):
    pending = propose(secretary, posting)
    objection = object_to(secretary, posting)
    services.objection_uphold(
        actor=secretary, objection=objection, reason="需重新表决", answered_on=timezone.localdate()
    )
    pending.refresh_from_db()
    assert (pending.signoff, pending.signoff_reason, pending.in_force) == ("refused", AMENDMENT_LAPSED, False)
    assert pending.signed_at is not None and pending.posted_on is None
    # The earlier round's posting is neither corrected nor signed off any more.
    with pytest.raises(ValidationError) as refused:
        propose(secretary, posting, "决议：再改一次。")
    assert refused.value.messages == [SUPERSEDED_NOT_AMENDED]
    assert posting.amendments.count() == 1


def test_an_earlier_rounds_correction_cannot_be_confirmed(posting, secretary):
    pending = propose(secretary, posting)
    # The round moves on without going through the upheld objection's service (as if it lapsed otherwise).
    Matter.objects.filter(pk=posting.matter_id).update(
        round=2, resolved_on=None, disclosed_on=None, step="resolution"
    )
    with pytest.raises(ValidationError) as refused:
        amendment_confirm(pending)
    assert refused.value.messages == [SUPERSEDED_NOT_AMENDED]
    pending.refresh_from_db()
    assert pending.is_pending


def test_villagers_object_online_during_a_corrections_period_at_implementation(
    world, implementing, secretary
):
    bulletin = reverse("bulletin", args=[world.village_a1.code])
    form_url = reverse("bulletin-objection", args=[world.village_a1.code, implementing.pk])
    assert form_url not in Client().get(bulletin).content.decode()  # its own period is over
    amendment_confirm(propose(secretary, implementing))
    page = Client().get(form_url).content.decode()
    assert 'id="objection-form"' in page and form_url in Client().get(bulletin).content.decode()
    response = Client().post(
        form_url, {"name": "张三", "phone": "13812345678", "summary": "预算增加没有说明"}
    )
    assert response.status_code == 302
    assert implementing.objections.get().name == "张三"


def test_once_the_result_is_posted_the_resolutions_correction_period_takes_no_objection(
    world, implementing, secretary
):
    today = timezone.localdate()
    amendment = amendment_confirm(propose(secretary, implementing))
    matter = implementing.matter
    # Its period over, the result is posted; an objection dated inside the correction's period comes late.
    with triggers_off("decisions.Amendment:append_only"):  # the test sets the clock, not the code
        Amendment.objects.filter(pk=amendment.pk).update(
            posted_on=today - timedelta(days=9), ends_on=today - timedelta(days=2)
        )
    disclose(secretary, matter, posted_on=today, result=True)
    assert matter.step == Step.RESULT_DISCLOSURE
    with pytest.raises(ValidationError):
        object_to(secretary, implementing, received_on=today - timedelta(days=3))
    assert not implementing.objections.exists()


def test_a_matter_is_not_terminated_over_an_open_objection_or_a_pending_correction(implementing, secretary):
    today = timezone.localdate()
    matter = implementing.matter
    pending = propose(secretary, implementing)

    def terminate():
        matter.refresh_from_db()
        return services.matter_terminate(
            actor=secretary, matter=matter, version=matter.version, reason="资金未到位", posted_on=today
        )

    with pytest.raises(ValidationError) as refused:
        terminate()
    assert refused.value.messages == [TERMINATE_AMENDMENT_PENDING]
    amendment_confirm(pending)
    objection = object_to(secretary, implementing)
    with pytest.raises(ValidationError) as refused:
        terminate()
    assert refused.value.messages == [TERMINATE_OBJECTIONS_OPEN]
    matter.refresh_from_db()
    assert matter.is_open
    services.objection_answer(actor=secretary, objection=objection, answer="维持原决议", answered_on=today)
    notice = terminate()
    matter.refresh_from_db()
    assert matter.status == Matter.Status.TERMINATED and notice.not_implemented


def test_the_not_implemented_notice_takes_objections_during_its_period(world, implementing, secretary):
    today = timezone.localdate()
    matter = implementing.matter
    notice = services.matter_terminate(
        actor=secretary, matter=matter, version=matter.version, reason="资金未到位", posted_on=today
    )
    form_url = reverse("bulletin-objection", args=[world.village_a1.code, notice.pk])
    response = Client().post(
        form_url, {"name": "李四", "phone": "13912345678", "summary": "已经花的钱去哪了"}
    )
    assert response.status_code == 302
    assert notice.objections.get().summary == "已经花的钱去哪了"
    # The earlier resolution posting of the closed matter takes none.
    with pytest.raises(ValidationError):
        object_to(secretary, implementing)


def test_a_review_of_a_terminated_matter_is_not_decided(world, implementing, secretary):
    today = timezone.localdate()
    matter = implementing.matter
    review = services.review_submit(
        actor=secretary,
        matter=matter,
        kind=Disclosure.Kind.RESULT,
        data=services.ReviewInput(text="未实施", spent_amount=0, acceptance="无"),
    )
    matter.refresh_from_db()
    services.matter_terminate(
        actor=secretary, matter=matter, version=matter.version, reason="资金未到位", posted_on=today
    )
    with pytest.raises(ValidationError):
        services.review_decide(actor=None, review=review, verdict="agree")
    review.refresh_from_db()
    assert review.is_pending


def test_a_new_vote_after_an_upheld_objection_is_not_flagged_late(world, roster, secretary):
    """The county's limit runs from the proposal to the first resolution only."""
    county_settings_save(
        actor=None, county=world.county, model=DecisionRules, values={"resolution_within_days": 1}
    )
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=3)
    )
    assert not matter.resolved_late  # proposed and resolved the same day
    posting = disclose(secretary, matter, posted_on=today - timedelta(days=2))
    services.objection_uphold(
        actor=secretary, objection=object_to(secretary, posting), reason="需重新表决", answered_on=today
    )
    step_pass(secretary, matter, "resolution", held_on=today)  # three days after the proposal
    matter.refresh_from_db()
    assert (matter.round, matter.step, matter.resolved_late) == (2, Step.RESOLUTION_DISCLOSURE, False)


def test_the_record_book_sheet_marks_the_vote_an_upheld_objection_set_aside(world, posting, secretary, clerk):
    today = timezone.localdate()
    matter = posting.matter
    services.objection_uphold(
        actor=secretary, objection=object_to(secretary, posting), reason="需重新表决", answered_on=today
    )
    step_pass(secretary, matter, "resolution", held_on=today)
    response = clerk.get(
        reverse("decisions:record-book", args=[world.village_a1.code]) + f"?year={today.year}"
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["会议记录"].values)[2:]
    votes = [row[16] for row in rows if row[2] == "村民（代表）会议决议"]
    assert votes == ["通过（异议成立，已重新决议）", "通过"]

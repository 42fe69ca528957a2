"""一监督 ("四议两公开一监督"): the 村务监督委员会 reviews each posting's content before it is posted, and signs
off the corrections of substance made after, which then run a new period. Through the real URLs."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions.models import Amendment, Disclosure, DisclosureReview, Matter, Step
from decisions.services import decision_reminders_send
from notifications.models import Notification
from regions.roles import Role
from regions.workdays import period_end
from tests.conftest import make_user
from tests.decisions.builders import RESOLUTION_TEXT, disclose, matter_register, resolve, zh
from tests.decisions.conftest import disclose_post


def seven_days_from(world, day):
    """A new period of the county's 7 days from ``day`` (民法典 201/203: the day itself not counted, a rest-day
    end moved to the next working day; the counting's own boundaries are tests/core/test_periods.py's)."""
    return period_end(county=world.county, start=day, days=7)


pytestmark = pytest.mark.django_db

OBJECTION = "公开内容未写明资金来源"
ANSWER = "资金来源为村集体经营性收入，已在会议记录中载明，公开内容按原文张贴。"
RESULT_TEXT = "文化广场已建成并投入使用。"
ACCEPTANCE = "2026年镇村联合验收合格"


@pytest.fixture
def supervisor(world):
    return make_user("a1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_a1, real_name="监委会主任")


@pytest.fixture
def committee(world, supervisor):
    return world.client_for(supervisor)


@pytest.fixture
def resolved(world, roster, secretary):
    """A matter whose resolution passed three days ago: its posting is due."""
    return resolve(
        secretary,
        matter_register(secretary, world.village_a1),
        held_on=timezone.localdate() - timedelta(days=3),
    )


def review_url(matter) -> str:
    return reverse("decisions:review-create", args=[matter.pk])


def submit(client, matter, text: str = RESOLUTION_TEXT, **extra):
    return client.post(review_url(matter), {"text": text, **extra})


def decide(client, review, verdict: str, reason: str = ""):
    return client.post(
        reverse("decisions:review-decide", args=[review.pk]),
        {"verdict": verdict, "reason": reason},
        follow=True,
    )


def answer(client, review, text: str):
    return client.post(reverse("decisions:review-answer", args=[review.pk]), {"answer": text}, follow=True)


def signoff(client, amendment, verdict: str, reason: str = ""):
    return client.post(
        reverse("decisions:amendment-signoff", args=[amendment.pk]),
        {"verdict": verdict, "reason": reason},
        follow=True,
    )


def propose(client, disclosure, field: str, corrected: str, reason: str = "预算金额笔误，以会议记录为准"):
    return client.post(
        reverse("decisions:amendment-create", args=[disclosure.pk]),
        {"field": field, "corrected": corrected, "reason": reason},
    )


def bulletin(world) -> str:
    return world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()


# -- the review of a posting ---------------------------------------------------------------------------


def test_a_resolution_cannot_be_posted_without_the_committees_review(world, resolved, clerk, supervisor):
    page = clerk.get(resolved.get_absolute_url()).content.decode()
    assert "送村务监督委员会审核（决议公开）" in page and "张贴决议公开" not in page
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate(), reviewed=False)
    assert response.status_code == 200
    assert "“决议公开”尚未经村务监督委员会审核" in response.content.decode()
    assert not Disclosure.objects.exists()
    resolved.refresh_from_db()
    assert resolved.disclosed_on is None and resolved.step == Step.RESOLUTION_DISCLOSURE


def test_the_village_submits_the_text_and_the_committee_is_told(world, resolved, clerk, supervisor):
    form = clerk.get(review_url(resolved)).content.decode()
    assert "送村务监督委员会审核" in form and resolved.title in form  # starts from the resolution
    response = submit(clerk, resolved, text="   ")
    assert "请填写公开内容" in response.content.decode()
    assert not DisclosureReview.objects.exists()
    response = submit(clerk, resolved)
    assert response.status_code == 302 and response.url == resolved.get_absolute_url()
    review = DisclosureReview.objects.get()
    assert (review.kind, review.text, review.submitted_by, review.verdict) == (
        "resolution",
        RESOLUTION_TEXT,
        world.village_a1_clerk,
        "",
    )
    told = Notification.objects.filter(kind="decision_review_submitted")
    assert list(told.values_list("recipient__username", flat=True)) == ["a1_supervisor"]
    # One submission at a time waits for the committee.
    response = submit(clerk, resolved, text="决议：另一个版本。")
    assert "尚未审核；审核后才能再次送审或张贴" in response.content.decode()
    assert DisclosureReview.objects.count() == 1
    # The posting waits for the verdict, and the page says so.
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate(), reviewed=False)
    assert "正在等待村务监督委员会审核" in response.content.decode()
    assert "已送村务监督委员会审核，审核后才能张贴" in clerk.get(resolved.get_absolute_url()).content.decode()


def test_the_posting_carries_exactly_the_reviewed_text(world, resolved, clerk, committee):
    submit(clerk, resolved)
    review = DisclosureReview.objects.get()
    response = decide(committee, review, "agree")
    assert "审核意见已记录" in response.content.decode()
    review.refresh_from_db()
    assert review.verdict == "agree" and review.reviewed_by.username == "a1_supervisor"
    told = Notification.objects.filter(kind="decision_review_done")
    assert list(told.values_list("recipient__username", flat=True)) == ["village_a1_clerk"]
    # A changed text is refused: it needs a new review.
    response = disclose_post(
        clerk,
        resolved,
        posted_on=timezone.localdate(),
        text="决议：修建文化广场，预算20万元。",
        reviewed=False,
    )
    assert "与村务监督委员会审核的内容不一致" in response.content.decode()
    assert not Disclosure.objects.exists()
    # The form starts from the reviewed text, and that text is posted.
    form = clerk.get(reverse("decisions:disclosure-create", args=[resolved.pk]))
    assert form.context["form"].initial["text"] == RESOLUTION_TEXT
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate(), reviewed=False)
    assert response.status_code == 302
    assert Disclosure.objects.get().text == RESOLUTION_TEXT
    page = bulletin(world)
    assert "已经村务监督委员会审核" in page
    assert "监委会主任" not in page  # the committee's work is not public, only that it reviewed


def test_an_objection_must_be_answered_before_posting(world, resolved, clerk, committee):
    submit(clerk, resolved)
    review = DisclosureReview.objects.get()
    response = decide(committee, review, "object", reason="  ")
    assert "提出异议须写明理由" in response.content.decode()
    review.refresh_from_db()
    assert review.is_pending
    decide(committee, review, "object", reason=OBJECTION)
    review.refresh_from_db()
    assert (review.verdict, review.reason) == ("object", OBJECTION)
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate(), reviewed=False)
    assert (
        f"村务监督委员会对“决议公开”的送审内容有异议（{OBJECTION}），请先答复异议"
        in response.content.decode()
    )
    assert not Disclosure.objects.exists()
    # The committee cannot answer for the village; the village must write something.
    assert (
        committee.post(reverse("decisions:review-answer", args=[review.pk]), {"answer": ANSWER}).status_code
        == 403
    )
    assert "请填写答复内容" in answer(clerk, review, " ").content.decode()
    review.refresh_from_db()
    assert review.answered_at is None
    answer(clerk, review, ANSWER)
    review.refresh_from_db()
    assert review.answer == ANSWER and review.answered_by == world.village_a1_clerk
    assert Notification.objects.filter(
        kind="decision_review_answered", recipient__username="a1_supervisor"
    ).exists()
    # A verdict and an answer are written once.
    assert "该异议已经答复" in answer(clerk, review, "再答一次").content.decode()
    assert "该送审内容已经审核" in decide(committee, review, "agree").content.decode()
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureReview.objects.filter(pk=review.pk).update(verdict="agree")
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureReview.objects.filter(pk=review.pk).update(text="改了")
    response = disclose_post(clerk, resolved, posted_on=timezone.localdate(), reviewed=False)
    assert response.status_code == 302
    # The record book shows who reviewed, when, the verdict, the reason and the answer.
    record = clerk.get(reverse("decisions:matter-record", args=[resolved.pk])).content.decode()
    section = record[record.index('id="record-reviews"') :]
    assert "有异议" in section and OBJECTION in section and ANSWER in section and "监委会主任" in section
    assert zh(timezone.localdate()) in section


def test_a_resubmission_does_not_skip_an_unanswered_objection(world, resolved, clerk, committee):
    submit(clerk, resolved)
    decide(committee, DisclosureReview.objects.get(), "object", reason=OBJECTION)
    submit(clerk, resolved, text="决议：修建文化广场，预算12万元，资金来源为村集体收入。")
    decide(committee, DisclosureReview.objects.latest("id"), "agree")
    response = disclose_post(
        clerk,
        resolved,
        posted_on=timezone.localdate(),
        text="决议：修建文化广场，预算12万元，资金来源为村集体收入。",
        reviewed=False,
    )
    assert "请先答复异议" in response.content.decode()
    answer(clerk, DisclosureReview.objects.earliest("id"), ANSWER)
    response = disclose_post(
        clerk,
        resolved,
        posted_on=timezone.localdate(),
        text="决议：修建文化广场，预算12万元，资金来源为村集体收入。",
        reviewed=False,
    )
    assert response.status_code == 302


def test_only_the_villages_committee_reviews_and_never_its_own_submission(world, resolved, clerk, committee):
    submit(clerk, resolved)
    review = DisclosureReview.objects.get()
    url = reverse("decisions:review-decide", args=[review.pk])
    # The cadre who submitted it, and the township, may see it but not review it.
    assert clerk.post(url, {"verdict": "agree"}).status_code == 403
    assert world.client_for(world.township_a_officer).post(url, {"verdict": "agree"}).status_code == 403
    # Another village's committee does not even see it (nor its submission page).
    other = world.client_for(make_user("b1_supervisor", Role.VILLAGE_SUPERVISOR, world.village_b1))
    assert other.post(url, {"verdict": "agree"}).status_code == 404
    other_cadre = world.client_for(make_user("b1_clerk", Role.VILLAGE_SECRETARY, world.village_b1))
    assert other_cadre.get(review_url(resolved)).status_code == 404
    assert (
        other_cadre.post(reverse("decisions:review-answer", args=[review.pk]), {"answer": "x"}).status_code
        == 404
    )
    review.refresh_from_db()
    assert review.is_pending
    # Someone holding both posts cannot review what they submitted.
    both = make_user("a1_both", Role.VILLAGE_COMMITTEE, world.village_a1)
    from regions.services import post_grant

    post_grant(actor=None, user=both, role=Role.VILLAGE_SUPERVISOR, region=world.village_a1)
    decide(committee, review, "agree")
    matter = resolve(
        world.village_a1_clerk,
        matter_register(world.village_a1_clerk, world.village_a1, title="第二件事"),
        held_on=timezone.localdate() - timedelta(days=1),
    )
    both_client = world.client_for(both)
    assert submit(both_client, matter).status_code == 302
    own = DisclosureReview.objects.get(matter=matter)
    assert "送审人不能审核自己送审的公开内容" in decide(both_client, own, "agree").content.decode()
    own.refresh_from_db()
    assert own.is_pending
    # GET on the POST-only actions.
    assert committee.get(url).status_code == 405


def test_no_review_is_due_outside_the_postings_steps(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    response = clerk.get(review_url(matter))
    assert response.status_code == 302 and response.url == matter.get_absolute_url()
    response = submit(clerk, matter)
    assert "不能跳过“党组织提议”" in response.content.decode()
    assert not DisclosureReview.objects.exists()


def test_the_result_is_reviewed_with_its_amount_and_acceptance(world, resolved, secretary, clerk, committee):
    today = timezone.localdate()
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1, title="硬化村内道路"),
        held_on=today - timedelta(days=30),
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=29))
    matter.refresh_from_db()
    assert matter.step == Step.IMPLEMENTATION
    response = submit(clerk, matter, text=RESULT_TEXT, spent_amount="", acceptance=ACCEPTANCE)
    assert "请填写实际支出金额" in response.content.decode()
    submit(clerk, matter, text=RESULT_TEXT, spent_amount="118500.00", acceptance=ACCEPTANCE)
    review = DisclosureReview.objects.get(matter=matter, kind="result")
    assert (review.kind, review.spent_amount, review.acceptance) == (
        "result",
        Decimal("118500.00"),
        ACCEPTANCE,
    )
    decide(committee, review, "agree")
    base = {"text": RESULT_TEXT, "acceptance": ACCEPTANCE, "result": True, "reviewed": False}
    response = disclose_post(clerk, matter, posted_on=today, **{**base, "spent_amount": "120000.00"})
    assert "张贴的实际支出与村务监督委员会审核的内容不一致" in response.content.decode()
    response = disclose_post(
        clerk, matter, posted_on=today, **{**base, "spent_amount": "118500.00", "acceptance": "验收合格"}
    )
    assert "张贴的验收情况与村务监督委员会审核的内容不一致" in response.content.decode()
    assert not matter.disclosures.filter(kind="result").exists()
    response = disclose_post(clerk, matter, posted_on=today, **{**base, "spent_amount": "118500.00"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.step == Step.RESULT_DISCLOSURE
    # The record book's workbook lists both reviews.
    year = matter.proposed_on.year
    book = load_workbook(
        io.BytesIO(
            clerk.get(
                reverse("decisions:record-book", args=[world.village_a1.code]) + f"?year={year}"
            ).content
        )
    )
    rows = [r for r in book["监委会审核"].iter_rows(values_only=True) if r[0] == matter.pk]
    assert [(r[2], r[8]) for r in rows] == [("决议公开", "同意公开"), ("实施结果公开", "同意公开")]
    assert rows[1][6] == 118500 and rows[1][10] == "监委会主任"


# -- amendments that need the committee's sign-off --------------------------------------------------


@pytest.fixture
def posted(world, resolved, secretary):
    """The resolution posted three days ago (its period runs to three days after today)."""
    return disclose(secretary, resolved, posted_on=timezone.localdate() - timedelta(days=3))


def test_a_text_amendment_is_pending_until_the_committee_confirms_it(world, posted, clerk, committee):
    today = timezone.localdate()
    response = propose(clerk, posted, "text", "决议：修建文化广场，预算20万元。")
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.needs_signoff and amendment.is_pending and not amendment.in_force
    assert Notification.objects.filter(
        kind="decision_amendment_proposed", recipient__username="a1_supervisor"
    ).exists()
    page = bulletin(world)
    assert RESOLUTION_TEXT in page and "预算20万元" not in page  # not on the bulletin as in force
    assert "更正待监委会确认" in clerk.get(posted.matter.get_absolute_url()).content.decode()
    # One pending correction per field.
    propose(clerk, posted, "text", "决议：修建文化广场，预算25万元。")
    assert Amendment.objects.count() == 1
    # The village cannot sign off its own correction; a refusal needs its reason.
    assert (
        clerk.post(
            reverse("decisions:amendment-signoff", args=[amendment.pk]), {"verdict": "confirmed"}
        ).status_code
        == 403
    )
    assert "不予确认须写明理由" in signoff(committee, amendment, "refused").content.decode()
    signoff(committee, amendment, "refused", "预算变化须重新表决")
    amendment.refresh_from_db()
    assert amendment.signoff == "refused" and not amendment.in_force and amendment.posted_on is None
    assert "预算20万元" not in bulletin(world)
    assert "该更正已经处理过" in signoff(committee, amendment, "confirmed").content.decode()
    # A new proposal, confirmed: in force, posted today for a new period of the county's length.
    propose(clerk, posted, "text", "决议：修建文化广场，预算12.5万元。")
    second = Amendment.objects.latest("id")
    assert second.original == RESOLUTION_TEXT  # the refused one never was in force
    response = signoff(committee, second, "confirmed")
    assert f"更正公示期{zh(today)}至{zh(seven_days_from(world, today))}" in response.content.decode()
    second.refresh_from_db()
    assert (second.signoff, second.posted_on, second.ends_on) == (
        "confirmed",
        today,
        seven_days_from(world, today),
    )
    assert second.signed_by.username == "a1_supervisor"
    assert Notification.objects.filter(
        kind="decision_amendment_signed", recipient__username="village_a1_clerk"
    ).exists()
    page = bulletin(world)
    assert (
        "预算12.5万元" in page
        and f"更正公示期{zh(today)}至{zh(seven_days_from(world, today))}（公示中）" in page
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Amendment.objects.filter(pk=second.pk).update(ends_on=today)
    record = clerk.get(reverse("decisions:matter-record", args=[posted.matter_id])).content.decode()
    assert "村务监督委员会确认（监委会主任" in record and "村务监督委员会不予确认（监委会主任" in record


def test_an_acceptance_correction_stays_a_plain_correction(world, roster, secretary, clerk):
    today = timezone.localdate()
    # A matter whose resolution's period has run, its result posted today.
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1, title="硬化村内道路"),
        held_on=today - timedelta(days=30),
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=29))
    result = disclose(secretary, matter, posted_on=today, result=True, text=RESULT_TEXT)
    propose(clerk, result, "acceptance", "2026年11月镇村联合验收合格", reason="补写验收月份")
    amendment = Amendment.objects.get()
    assert not amendment.needs_signoff and amendment.in_force
    assert "2026年11月镇村联合验收合格" in bulletin(world)


def test_the_amended_resolutions_new_period_holds_the_step_until_the_day_after_it_ends(
    world, posted, clerk, committee
):
    today = timezone.localdate()
    matter = posted.matter
    propose(clerk, posted, "text", "决议：修建文化广场，预算12.5万元。")
    amendment = Amendment.objects.get()
    # Waiting for the sign-off holds the matter past the posting's own end.
    decision_reminders_send(today=posted.ends_on + timedelta(days=1))
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE
    signoff(committee, amendment, "confirmed")
    amendment.refresh_from_db()
    assert amendment.ends_on == seven_days_from(world, today) > posted.ends_on
    decision_reminders_send(today=amendment.ends_on)  # the day the new period ends: it still runs
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE
    decision_reminders_send(today=amendment.ends_on + timedelta(days=1))  # the day after
    matter.refresh_from_db()
    assert matter.step == Step.IMPLEMENTATION and matter.step_since == amendment.ends_on + timedelta(days=1)
    assert matter.timeline.get(kind="period_ended").payload == {"ends_on": amendment.ends_on.isoformat()}


def test_during_an_amended_resolutions_period_objections_are_taken_and_implementation_waits(
    world, roster, secretary, clerk, committee
):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=30)
    )
    resolution = disclose(secretary, matter, posted_on=today - timedelta(days=29))
    matter.refresh_from_db()
    assert matter.step == Step.IMPLEMENTATION
    objection_url = reverse("decisions:objection-create", args=[resolution.pk])
    clerk.post(objection_url, {"received_on": today.isoformat(), "summary": "期满后的意见"})
    assert not resolution.objections.exists()  # the posting's own period is over
    propose(clerk, resolution, "text", "决议：修建文化广场，预算12.5万元。")
    signoff(committee, Amendment.objects.get(), "confirmed")
    clerk.post(objection_url, {"received_on": today.isoformat(), "summary": "预算增加的理由不充分"})
    objection = resolution.objections.get()
    # The result cannot be posted while the amended resolution's period runs (nor with an objection open).
    response = disclose_post(clerk, matter, posted_on=today, result=True, text=RESULT_TEXT)
    assert (
        f"实施结果须在决议公示期满（{zh(seven_days_from(world, today))}）后公开" in response.content.decode()
    )
    assert not matter.disclosures.filter(kind="result").exists()
    page = clerk.get(matter.get_absolute_url()).content.decode()
    assert f"更正内容公示中，至{zh(seven_days_from(world, today))}期满" in page and "不得组织实施" in page
    clerk.post(
        reverse("decisions:objection-answer", args=[objection.pk]),
        {"answer": "增加部分为健身器材，经村民代表会议说明", "answered_on": today.isoformat()},
    )
    objection.refresh_from_db()
    assert objection.answered_on == today


def test_the_matter_completes_only_after_the_amended_results_period(
    world, roster, secretary, clerk, committee
):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=30)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=29))
    result = disclose(secretary, matter, posted_on=today - timedelta(days=3), result=True, text=RESULT_TEXT)
    propose(clerk, result, "spent_amount", "119000", reason="发票复核")
    amendment = Amendment.objects.get()
    assert amendment.needs_signoff
    assert "119,000.00元" not in bulletin(world)
    decision_reminders_send(today=result.ends_on + timedelta(days=1))  # pending: the matter waits
    matter.refresh_from_db()
    assert matter.is_open
    signoff(committee, amendment, "confirmed")
    amendment.refresh_from_db()
    decision_reminders_send(today=result.ends_on + timedelta(days=1))
    decision_reminders_send(today=amendment.ends_on)
    matter.refresh_from_db()
    assert matter.is_open and matter.step == Step.RESULT_DISCLOSURE
    decision_reminders_send(today=amendment.ends_on + timedelta(days=1))
    matter.refresh_from_db()
    assert matter.status == Matter.Status.COMPLETED
    assert matter.completed_on == amendment.ends_on + timedelta(days=1)
    assert "119,000.00元" in bulletin(world)
    # After the matter ended, the amount and the text are no longer corrected (a new matter is).
    response = propose(clerk, result, "spent_amount", "119500", reason="再次复核")
    assert "该事项已结束，公开内容和实际支出不能再更正" in response.content.decode()
    assert Amendment.objects.count() == 1

"""一监督: the 村务监督委员会 reviews each posting before it goes on the bulletin, and signs off the
corrections of substance made after (DOMAIN_RULES A.2.6, A.2.7, B.2.2).

The village submits the content it means to post; a committee member agrees or objects with a reason;
an objection is answered by the village before posting; the posting must carry exactly the reviewed
content. A correction of the resolution's text, or of the result's text or spent amount, is proposed and
comes into force only when a committee member confirms it; it then runs a new period of the county's
length of its own. The committee's verdicts are not public (like its opinions): the bulletin only says
that a posting was reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.caching import matter_changed
from decisions.kinds import DecisionReminder
from decisions.models import Amendment, Disclosure, DisclosureReview, Matter, Step
from decisions.permissions import SUPERVISE_DECISIONS
from decisions.selectors import latest_review
from decisions.services.common import SUPERSEDED_NOT_AMENDED, check_manages, period_ends_on, rules_for
from decisions.workflows import MATTER, Kind, Status, require_step
from notifications.services import remind
from regions.roles import Role
from regions.scoping import require
from regions.selectors import post_holders

NOT_A_REVIEWER = "只有本村村务监督委员会成员可以审核公开内容。"
OWN_SUBMISSION = "送审人不能审核自己送审的公开内容，请由村务监督委员会其他成员审核。"
NOT_A_SIGNER = "只有本村村务监督委员会成员可以确认更正。"
OWN_AMENDMENT = "更正人不能确认自己登记的更正，请由村务监督委员会其他成员确认。"
REVIEW_PENDING = "“{posting}”的公开内容已送村务监督委员会审核，尚未审核；审核后才能再次送审或张贴。"
REVIEW_DONE = "该送审内容已经审核。"
REVIEW_MISSING = "“{posting}”尚未经村务监督委员会审核：请先将公开内容送村务监督委员会审核，审核后才能张贴。"
REVIEW_WAITING = "“{posting}”的公开内容正在等待村务监督委员会审核，审核后才能张贴。"
REVIEW_OBJECTION_OPEN = (
    "村务监督委员会对“{posting}”的送审内容有异议（{reason}），请先答复异议，答复后才能张贴。"
)
REVIEW_CONTENT_CHANGED = (
    "张贴的{what}与村务监督委员会审核的内容不一致：内容有改动的，须重新送村务监督委员会审核。"
)
VERDICT_REQUIRED = "请选择审核意见。"
OBJECTION_REASON_REQUIRED = "提出异议须写明理由。"
NOT_AN_OBJECTION = "只有村务监督委员会的审核异议需要答复。"
ALREADY_ANSWERED = "该异议已经答复。"
ANSWER_REQUIRED = "请填写答复内容。"
REVIEW_NOT_DUE = "当前环节是“{current}”，现在没有需要送审的公开内容。"
TEXT_REQUIRED = "请填写公开内容。"
SPENT_REQUIRED = "请填写实际支出金额（没有支出填0）。"
ACCEPTANCE_REQUIRED = "请填写验收情况。"
AMENDMENT_NOT_PENDING = "该更正已经处理过。"
SIGNOFF_REASON_REQUIRED = "不予确认须写明理由。"
SIGNOFF_CHOICE_REQUIRED = "请选择确认或不予确认。"
MATTER_NOT_OPEN = "该事项已结束，不能再处理更正。"


@dataclass(frozen=True)
class ReviewInput:
    """The content submitted for review: what would be posted (the result's also with amount and acceptance)."""

    text: str
    spent_amount: Decimal | None = None
    acceptance: str = ""


def posting_label(kind: str) -> str:
    return Disclosure.Kind(kind).label


def _committee(matter: Matter) -> list:
    return post_holders([matter.village_id], (Role.VILLAGE_SUPERVISOR,)).get(matter.village_id, [])


def _secretaries(matter: Matter) -> list:
    return post_holders([matter.village_id], (Role.VILLAGE_SECRETARY,)).get(matter.village_id, [])


def review_due_kind(matter: Matter) -> str | None:
    """The posting the matter waits for: the resolution's at 决议公开 before it is posted, the result's
    during implementation; None at any other step."""
    if not matter.is_open:
        return None
    if matter.step == Step.RESOLUTION_DISCLOSURE and matter.disclosed_on is None:
        return Disclosure.Kind.RESOLUTION
    if matter.step == Step.IMPLEMENTATION:
        return Disclosure.Kind.RESULT
    return None


def _check_content(kind: str, data: ReviewInput) -> None:
    if not data.text.strip():
        raise ValidationError(TEXT_REQUIRED)
    if kind == Disclosure.Kind.RESULT:
        if data.spent_amount is None:
            raise ValidationError(SPENT_REQUIRED)
        if not data.acceptance.strip():
            raise ValidationError(ACCEPTANCE_REQUIRED)


@transaction.atomic
def review_submit(*, actor, matter: Matter, kind: str, data: ReviewInput) -> DisclosureReview:
    """The village submits the content of the posting due for the committee's review; the committee's
    members are told. One submission at a time waits for review."""
    check_manages(actor, matter.village)
    matter = Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=matter.pk)
    MATTER.ensure_open(matter)
    require_step(
        matter, Step.RESOLUTION_DISCLOSURE if kind == Disclosure.Kind.RESOLUTION else Step.IMPLEMENTATION
    )
    if review_due_kind(matter) != kind:
        raise ValidationError(REVIEW_NOT_DUE.format(current=matter.get_step_display()))
    _check_content(kind, data)
    if matter.reviews.filter(kind=kind, reviewed_at__isnull=True).exists():
        raise ValidationError(REVIEW_PENDING.format(posting=posting_label(kind)))
    result = kind == Disclosure.Kind.RESULT
    review = DisclosureReview(
        matter=matter,
        kind=kind,
        text=data.text.strip(),
        spent_amount=data.spent_amount if result else None,
        acceptance=data.acceptance.strip() if result else "",
        submitted_by=actor,
        round=matter.round,
    )
    review.full_clean()
    review.save()
    MATTER.record(
        matter,
        Kind.REVIEW_SUBMITTED,
        actor=actor,
        payload={"disclosure": kind},
        public=False,  # the committee's work is not on the public bulletin
    )
    matter_changed(matter)
    remind(
        review,
        kind=DecisionReminder.REVIEW_SUBMITTED,
        due_date=timezone.localdate(),
        recipients=_committee(matter),
        body=review.text,
        url=matter.get_absolute_url(),
        title=f"请审核：{matter.village.name}“{matter.title}”{posting_label(kind)}的公开内容",
    )
    return review


def _review_locked(review: DisclosureReview) -> DisclosureReview:
    # The matter's lock first (as every write of the matter takes it), then the review's.
    matter = Matter.objects.select_for_update(of=("self",)).get(pk=review.matter_id)
    # A closed matter posts nothing more: its reviews are not decided nor answered any more.
    MATTER.ensure_open(matter)
    return (
        DisclosureReview.objects.select_for_update(of=("self",))
        .select_related("matter__village", "submitted_by")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_decide(*, actor, review: DisclosureReview, verdict: str, reason: str = "") -> DisclosureReview:
    """A committee member agrees to the submitted content or objects with a reason (once); the village
    (its secretary and the submitter) is told. Nobody reviews their own submission."""
    require(actor, SUPERVISE_DECISIONS, review.village, message=NOT_A_REVIEWER)
    review = _review_locked(review)
    if actor is not None and review.submitted_by_id == actor.pk:
        raise ValidationError(OWN_SUBMISSION)
    if not review.is_pending:
        raise ValidationError(REVIEW_DONE)
    if verdict not in DisclosureReview.Verdict.values:
        raise ValidationError(VERDICT_REQUIRED)
    reason = reason.strip()
    if verdict == DisclosureReview.Verdict.OBJECT and not reason:
        raise ValidationError(OBJECTION_REASON_REQUIRED)
    review.verdict, review.reviewed_by, review.reviewed_at = verdict, actor, timezone.now()
    # An agreement needs no reason; anything typed beside it is not kept as an objection's reason.
    review.reason = reason if verdict == DisclosureReview.Verdict.OBJECT else ""
    review.full_clean()
    review.save(update_fields=["verdict", "reason", "reviewed_by", "reviewed_at"])
    matter = review.matter
    agreed = verdict == DisclosureReview.Verdict.AGREE
    MATTER.record(
        matter,
        Kind.REVIEW_AGREED if agreed else Kind.REVIEW_OBJECTED,
        actor=actor,
        note=review.reason,
        payload={"disclosure": review.kind},
        public=False,
    )
    matter_changed(matter)
    outcome = "同意公开" if agreed else "有异议，请答复后再张贴"
    remind(
        review,
        kind=DecisionReminder.REVIEW_DONE,
        due_date=timezone.localdate(),
        recipients=[r for r in [review.submitted_by, *_secretaries(matter)] if r is not None],
        body=review.reason,
        url=matter.get_absolute_url(),
        title=f"监委会审核{outcome}：“{matter.title}”{review.get_kind_display()}",
    )
    return review


@transaction.atomic
def review_answer(*, actor, review: DisclosureReview, answer: str) -> DisclosureReview:
    """The village answers the committee's objection to the submitted content (once); the committee is told."""
    check_manages(actor, review.village)
    review = _review_locked(review)
    if review.verdict != DisclosureReview.Verdict.OBJECT:
        raise ValidationError(NOT_AN_OBJECTION)
    if review.answered_at is not None:
        raise ValidationError(ALREADY_ANSWERED)
    if not answer.strip():
        raise ValidationError(ANSWER_REQUIRED)
    review.answer, review.answered_by, review.answered_at = answer.strip(), actor, timezone.now()
    review.full_clean()
    review.save(update_fields=["answer", "answered_by", "answered_at"])
    matter = review.matter
    MATTER.record(
        matter,
        Kind.REVIEW_ANSWERED,
        actor=actor,
        note=review.answer,
        payload={"disclosure": review.kind},
        public=False,
    )
    matter_changed(matter)
    remind(
        review,
        kind=DecisionReminder.REVIEW_ANSWERED,
        due_date=timezone.localdate(),
        recipients=[r for r in [review.reviewed_by, *_committee(matter)] if r is not None],
        body=review.answer,
        url=matter.get_absolute_url(),
        title=f"村里已答复审核异议：“{matter.title}”{review.get_kind_display()}",
    )
    return review


def posting_review_check(matter: Matter, kind: str, *, text: str, spent_amount, acceptance: str) -> None:
    """A posting needs the committee's review of exactly its content: the last submission reviewed, and
    every objection to this posting's submissions answered. Raises the refusal naming what is missing."""
    reviews = list(matter.reviews.filter(kind=kind, round=matter.round).order_by("submitted_at", "id"))
    posting = posting_label(kind)
    latest = latest_review(reviews, kind, matter.round)
    if latest is None:
        raise ValidationError(REVIEW_MISSING.format(posting=posting))
    if latest.is_pending:
        raise ValidationError(REVIEW_WAITING.format(posting=posting))
    unanswered = next(
        (r for r in reviews if r.verdict == DisclosureReview.Verdict.OBJECT and r.answered_at is None), None
    )
    if unanswered is not None:
        raise ValidationError(REVIEW_OBJECTION_OPEN.format(posting=posting, reason=unanswered.reason))
    if text.strip() != latest.text:
        raise ValidationError(REVIEW_CONTENT_CHANGED.format(what="公开内容"))
    if kind == Disclosure.Kind.RESULT:
        if spent_amount != latest.spent_amount:
            raise ValidationError(REVIEW_CONTENT_CHANGED.format(what="实际支出"))
        if acceptance.strip() != latest.acceptance:
            raise ValidationError(REVIEW_CONTENT_CHANGED.format(what="验收情况"))


@transaction.atomic
def amendment_signoff(*, actor, amendment: Amendment, verdict: str, reason: str = "") -> Amendment:
    """A committee member confirms a correction of substance, which then comes into force and is posted
    for a new period of the county's length from today (objections may be filed during it), or refuses it
    with a reason (it never comes into force). The village is told; nobody signs off their own correction."""
    require(actor, SUPERVISE_DECISIONS, amendment.village, message=NOT_A_SIGNER)
    matter = (
        Matter.objects.select_for_update(of=("self",))
        .select_related("village")
        .get(pk=amendment.disclosure.matter_id)
    )
    amendment = (
        Amendment.objects.select_for_update(of=("self",)).select_related("disclosure").get(pk=amendment.pk)
    )
    if actor is not None and amendment.created_by_id == actor.pk:
        raise ValidationError(OWN_AMENDMENT)
    if not amendment.is_pending:
        raise ValidationError(AMENDMENT_NOT_PENDING)
    if matter.status != Status.OPEN:
        raise ValidationError(MATTER_NOT_OPEN)
    if amendment.disclosure.round != matter.round:
        raise ValidationError(SUPERSEDED_NOT_AMENDED)
    reason = reason.strip()
    today = timezone.localdate()
    if verdict == Amendment.Signoff.CONFIRMED:
        amendment.posted_on = today
        amendment.ends_on = period_ends_on(
            today, rules_for(matter.village).disclosure_days, village=matter.village
        )
        kind = Kind.AMENDMENT_CONFIRMED
    elif verdict == Amendment.Signoff.REFUSED:
        if not reason:
            raise ValidationError(SIGNOFF_REASON_REQUIRED)
        amendment.signoff_reason = reason
        kind = Kind.AMENDMENT_REFUSED
    else:
        raise ValidationError(SIGNOFF_CHOICE_REQUIRED)
    amendment.signoff, amendment.signed_by, amendment.signed_at = verdict, actor, timezone.now()
    amendment.full_clean()
    amendment.save(
        update_fields=["signoff", "signoff_reason", "signed_by", "signed_at", "posted_on", "ends_on"]
    )
    facts = {"amendment_id": amendment.pk, "field": amendment.field, "disclosure": amendment.disclosure.kind}
    if amendment.posted_on is not None:
        facts.update(posted_on=amendment.posted_on, ends_on=amendment.ends_on)
    # A confirmed correction is posted on the bulletin; a refusal stays with the committee's work.
    MATTER.record(
        matter, kind, actor=actor, note=reason, payload=facts, public=kind == Kind.AMENDMENT_CONFIRMED
    )
    matter_changed(matter)
    remind(
        amendment,
        kind=DecisionReminder.AMENDMENT_SIGNED,
        due_date=today,
        recipients=[r for r in [amendment.created_by, *_secretaries(matter)] if r is not None],
        body=reason,
        url=matter.get_absolute_url(),
        title=f"监委会{amendment.get_signoff_display()}更正：“{matter.title}”{amendment.get_field_display()}",
    )
    return amendment


def amendment_signoff_request(matter: Matter, amendment: Amendment) -> int:
    """Tells the committee's members that a correction waits for their sign-off."""
    return remind(
        amendment,
        kind=DecisionReminder.AMENDMENT_PROPOSED,
        due_date=timezone.localdate(),
        recipients=_committee(matter),
        body=f"更正为：{amendment.corrected}；理由：{amendment.reason}",
        url=matter.get_absolute_url(),
        title=f"请确认更正：{matter.village.name}“{matter.title}”{amendment.get_field_display()}",
    )

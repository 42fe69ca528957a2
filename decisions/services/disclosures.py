"""The two disclosures (两公开) on the public bulletin: postings, board photos, corrections, villagers'
objections, and the close of each period."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import zh_date, zh_month_day
from core.workflow import version_check
from decisions.caching import matter_changed
from decisions.kinds import DecisionReminder
from decisions.models import Amendment, BoardPhoto, Disclosure, Matter, Objection, Step
from decisions.selectors import disclosed_value, objection_periods, posting_ends_on
from decisions.services.common import (
    DATE_IN_FUTURE,
    REASON_REQUIRED,
    SUPERSEDED_NOT_AMENDED,
    check_manages,
    period_ends_on,
    rules_for,
)
from decisions.services.reviews import amendment_signoff_request, posting_review_check
from decisions.workflows import (
    MATTER,
    MATTER_EDITED_MEANWHILE,
    STEP_DONE,
    STEP_SKIPPED,
    Kind,
    Status,
    require_step,
)
from notifications.services import remind
from regions.roles import Role
from regions.selectors import post_holders
from uploads.images import photo_reencode
from uploads.storage import atomic_with_files, file_store

MAX_BOARD_PHOTO_BYTES = 10 * 1024 * 1024

OBJECTION_MATTER_MOVED = "该公示已结束，事项已进入下一环节，不能再登记异议。"
POSTED_BEFORE_RESOLUTION = "张贴日期不能早于决议日期（{date}）。"
POSTED_IN_PERIOD = "实施结果须在决议公示期满（{date}）后公开。"
SPENT_REQUIRED = "请填写实际支出金额（没有支出填0）。"
ACCEPTANCE_REQUIRED = "请填写验收情况。"
TEXT_REQUIRED = "请填写公开内容。"
NOTHING_CORRECTED = "更正后的内容与原内容相同。"
FIELD_REQUIRED = "请选择要更正的项目。"
AMOUNT_INVALID = "实际支出须是不小于0的金额（元），最多两位小数，如 118500.00。"
AMOUNT_PATTERN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
OBJECTION_OUTSIDE_PERIOD = "异议须在公示期内（{periods}）收到。"
OBJECTION_REQUIRED = "请填写异议内容。"
OBJECTION_ANSWERED = "该异议已经答复。"
ANSWER_REQUIRED = "请填写答复内容。"
ANSWER_BEFORE_RECEIVED = "答复日期不能早于收到日期。"
RESOLUTION_AMENDMENT_PENDING = (
    "决议内容的更正正在等待村务监督委员会确认：确认（或不予确认）且更正公示期满后才能公开实施结果。"
)
RESOLUTION_OBJECTIONS_OPEN = "决议公示期间收到的异议尚未全部答复，答复后才能公开实施结果。"
RESOLUTION_AMENDMENT_LATE = "实施结果已经公开，不能再更正决议内容。"
SUBSTANCE_CLOSED = "该事项已结束，公开内容和实际支出不能再更正；确需改变的，请重新提议。"


@dataclass(frozen=True)
class DisclosureInput:
    text: str
    posted_on: datetime.date
    spent_amount: Decimal | None = None
    acceptance: str = ""


def _check_posting(matter: Matter, kind: str, data: DisclosureInput) -> None:
    """The posting must be the matter's current step, after the resolution (and its period) it discloses."""
    if kind == Disclosure.Kind.RESOLUTION:
        require_step(matter, Step.RESOLUTION_DISCLOSURE)
        if matter.disclosed_on is not None:
            raise ValidationError(
                STEP_DONE.format(step=Step.RESOLUTION_DISCLOSURE.label, current=matter.get_step_display())
            )
        if data.posted_on < matter.resolved_on:
            raise ValidationError(POSTED_BEFORE_RESOLUTION.format(date=zh_date(matter.resolved_on)))
        return
    if matter.step == Step.RESOLUTION_DISCLOSURE:
        raise ValidationError(STEP_SKIPPED.format(missing="决议公示期满", step=Step.RESULT_DISCLOSURE.label))
    require_step(matter, Step.IMPLEMENTATION)
    resolution = matter.disclosures.get(kind=Disclosure.Kind.RESOLUTION, round=matter.round)
    amendments = list(resolution.amendments.all())
    # A confirmed correction of the resolution runs a new period: implementation waits for it too.
    if any(a.is_pending for a in amendments):
        raise ValidationError(RESOLUTION_AMENDMENT_PENDING)
    ends_on = posting_ends_on(resolution, amendments)
    if data.posted_on <= ends_on:
        raise ValidationError(POSTED_IN_PERIOD.format(date=zh_date(ends_on)))
    if resolution.objections.filter(answered_on__isnull=True).exists():
        raise ValidationError(RESOLUTION_OBJECTIONS_OPEN)
    if data.spent_amount is None:
        raise ValidationError(SPENT_REQUIRED)
    if not data.acceptance.strip():
        raise ValidationError(ACCEPTANCE_REQUIRED)


@dataclass(frozen=True)
class DisclosureCheck:
    """A posting as the service would record it: its period and whether oversight will see it as late."""

    kind: str
    data: DisclosureInput
    days: int
    ends_on: datetime.date
    late: bool
    already_ended: bool  # entered after its period: the matter moves on at once


def _disclosure_check(
    matter: Matter, kind: str, data: DisclosureInput, today: datetime.date
) -> DisclosureCheck:
    """Every rule of a posting, writing nothing (the confirmation page and the record run the same)."""
    MATTER.ensure_open(matter)
    _check_posting(matter, kind, data)
    if not data.text.strip():
        raise ValidationError(TEXT_REQUIRED)
    if data.posted_on > today:
        raise ValidationError(DATE_IN_FUTURE.format(what="张贴日期"))
    # 一监督: exactly the content the 村务监督委员会 reviewed goes on the bulletin.
    posting_review_check(
        matter, kind, text=data.text, spent_amount=data.spent_amount, acceptance=data.acceptance
    )
    rules = rules_for(matter.village)
    # 民法典 第201、203条: the posting day is not counted, and a last day that is a rest day on the county's
    # calendar moves to the next working day (DOMAIN_RULES C.4).
    ends_on = period_ends_on(data.posted_on, rules.disclosure_days, village=matter.village)
    # A posting entered after its whole period (or long after it went up) never ran its period online:
    # oversight sees it as recorded late.
    late = (
        ends_on < today or (today - data.posted_on).days > rules.record_within_days
    ) and not matter.recorded_late
    return DisclosureCheck(kind, data, rules.disclosure_days, ends_on, late, ends_on < today)


def disclosure_preview(
    *, actor, matter: Matter, version: int, kind: str, data: DisclosureInput
) -> DisclosureCheck:
    """What posting would do, for the user to confirm before it is frozen. Writes nothing; disclosure_post
    checks everything again when the user confirms."""
    check_manages(actor, matter.village)
    version_check(matter, version, message=MATTER_EDITED_MEANWHILE)
    return _disclosure_check(matter, kind, data, timezone.localdate())


@atomic_with_files
def disclosure_post(
    *, actor, matter: Matter, version: int, kind: str, data: DisclosureInput, board_photo=None
) -> Disclosure:
    """Posts the resolution (or, after implementation, the result) on the bulletin for the county's period."""
    check_manages(actor, matter.village)
    matter = MATTER.lock(matter, version)
    today = timezone.localdate()
    checked = _disclosure_check(matter, kind, data, today)
    ends_on, late = checked.ends_on, checked.late
    photo = photo_reencode(board_photo, max_bytes=MAX_BOARD_PHOTO_BYTES) if board_photo is not None else None
    result = kind == Disclosure.Kind.RESULT
    disclosure = Disclosure(
        matter=matter,
        round=matter.round,
        kind=kind,
        text=data.text.strip(),
        posted_on=data.posted_on,
        ends_on=ends_on,
        period_days=checked.days,
        spent_amount=data.spent_amount if result else None,
        acceptance=data.acceptance.strip() if result else "",
        posted_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    if photo is not None:
        _board_photo_save(actor, disclosure, photo)
    changes = {"recorded_late": True} if late else {}
    facts = {"posted_on": disclosure.posted_on, "ends_on": disclosure.ends_on, "days": disclosure.period_days}
    if result:
        MATTER.apply(
            matter,
            Kind.RESULT_DISCLOSED,
            actor=actor,
            version=None,
            locked=matter,
            changes={**changes, "step_since": data.posted_on},
            payload=facts,
        )
    else:
        MATTER.apply(
            matter,
            Kind.RESOLUTION_DISCLOSED,
            actor=actor,
            version=None,
            locked=matter,
            changes={**changes, "disclosed_on": data.posted_on},
            payload=facts,
        )
    matter_changed(matter)
    # A posting recorded after the fact may already have run its period.
    if disclosure.ends_on < today:
        disclosure_period_close(disclosure=disclosure, today=today)
    return disclosure


@atomic_with_files
def board_photo_add(*, actor, disclosure: Disclosure, photo) -> BoardPhoto:
    """A photo of the notice board, also later: checked by content and re-encoded."""
    check_manages(actor, disclosure.village)
    board_photo = _board_photo_save(actor, disclosure, photo_reencode(photo, max_bytes=MAX_BOARD_PHOTO_BYTES))
    matter_changed(disclosure.matter)
    return board_photo


def _board_photo_save(actor, disclosure: Disclosure, content) -> BoardPhoto:
    board_photo = BoardPhoto(disclosure=disclosure, uploaded_by=actor)
    file_store(board_photo.photo, content)
    board_photo.save()
    return board_photo


def amount_parse(text: str) -> Decimal:
    """An amount in yuan as people type it ("118500", "118,500.00", "１１８５００元"), to the fen; anything
    else (words, a sign, a third decimal) is refused rather than guessed or rounded."""
    cleaned = re.sub(r"[,，\s]", "", unicodedata.normalize("NFKC", text or "")).removesuffix("元")
    if not AMOUNT_PATTERN.fullmatch(cleaned):
        raise ValidationError(AMOUNT_INVALID)
    return Decimal(cleaned).quantize(Decimal("0.01"))


@transaction.atomic
def amendment_create(*, actor, disclosure: Disclosure, field: str, corrected: str, reason: str) -> Amendment:
    """Corrects disclosed content: a new row with the reason; the original stays as it was posted.

    A correction of substance (the text; the result's spent amount) is only proposed: it waits for the
    村务监督委员会's sign-off (decisions.services.reviews.amendment_signoff) and is not in force before.
    It can be proposed only while the matter is open, and the resolution's only until the result is
    posted. The acceptance's wording stays a plain correction, in force at once."""
    check_manages(actor, disclosure.village)
    matter = (
        Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=disclosure.matter_id)
    )
    if field not in Amendment.Field.values or (
        field != Amendment.Field.TEXT and disclosure.kind != Disclosure.Kind.RESULT
    ):
        raise ValidationError(FIELD_REQUIRED)
    if disclosure.round != matter.round:
        raise ValidationError(SUPERSEDED_NOT_AMENDED)
    needs_signoff = field != Amendment.Field.ACCEPTANCE
    if needs_signoff:
        if matter.status != Status.OPEN:
            raise ValidationError(SUBSTANCE_CLOSED)
        if disclosure.kind == Disclosure.Kind.RESOLUTION and matter.step not in (
            Step.RESOLUTION_DISCLOSURE,
            Step.IMPLEMENTATION,
        ):
            raise ValidationError(RESOLUTION_AMENDMENT_LATE)
    corrected, reason = corrected.strip(), reason.strip()
    amount = None
    if field == Amendment.Field.SPENT_AMOUNT:
        amount = amount_parse(corrected)
        corrected = str(amount)
    if not reason:
        raise ValidationError(REASON_REQUIRED)
    original = disclosed_value(disclosure, field)
    if not corrected or corrected == original:
        raise ValidationError(NOTHING_CORRECTED)
    amendment = Amendment(
        disclosure=disclosure,
        field=field,
        original=original,
        corrected=corrected,
        amount=amount,
        reason=reason,
        created_by=actor,
        needs_signoff=needs_signoff,
    )
    amendment.full_clean()
    amendment.save()
    matter_changed(matter)
    MATTER.record(
        matter,
        Kind.AMENDED,
        actor=actor,
        note=reason,
        payload={
            "amendment_id": amendment.pk,
            "field": field,
            "disclosure": disclosure.kind,
            "needs_signoff": needs_signoff,
        },
        # A proposal is not on the bulletin until the committee confirms it.
        public=not needs_signoff,
    )
    if needs_signoff:
        amendment_signoff_request(matter, amendment)
    return amendment


def disclosure_is_current(matter: Matter, disclosure: Disclosure) -> bool:
    """The posting is the open matter's current one: its step, in its round (an upheld objection sent the
    matter back to 决议, so an earlier round's posting is superseded even when the step comes round again)."""
    return (
        matter.status == Status.OPEN
        and matter.step == _disclosure_step(disclosure)
        and disclosure.round == matter.round
    )


def _disclosure_step(disclosure: Disclosure) -> str:
    return (
        Step.RESOLUTION_DISCLOSURE
        if disclosure.kind == Disclosure.Kind.RESOLUTION
        else Step.RESULT_DISCLOSURE
    )


@transaction.atomic
def objection_record(*, actor, disclosure: Disclosure, received_on: datetime.date, summary: str) -> Objection:
    check_manages(actor, disclosure.village)
    # The matter's lock orders this against the period's close (which checks for open objections).
    matter = Matter.objects.select_for_update(of=("self",)).get(pk=disclosure.matter_id)
    periods = objection_periods(matter, disclosure)
    if not periods:
        raise ValidationError(OBJECTION_MATTER_MOVED)
    if not any(start <= received_on <= end for start, end in periods):
        raise ValidationError(
            OBJECTION_OUTSIDE_PERIOD.format(
                periods="；".join(f"{zh_date(start)}至{zh_date(end)}" for start, end in periods)
            )
        )
    if received_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="收到日期"))
    if not summary.strip():
        raise ValidationError(OBJECTION_REQUIRED)
    objection = Objection(
        disclosure=disclosure, received_on=received_on, summary=summary.strip(), recorded_by=actor
    )
    objection.full_clean()
    objection.save()
    matter_changed(matter)
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str, answered_on: datetime.date) -> Objection:
    check_manages(actor, objection.village)
    # The matter first, then the objection: the order objection_uphold and the period's close lock in.
    Matter.objects.select_for_update(of=("self",)).filter(disclosures__objections=objection.pk).first()
    objection = Objection.objects.select_for_update().select_related("disclosure").get(pk=objection.pk)
    if objection.answered_on is not None:
        raise ValidationError(OBJECTION_ANSWERED)
    if not answer.strip():
        raise ValidationError(ANSWER_REQUIRED)
    if answered_on < objection.received_on:
        raise ValidationError(ANSWER_BEFORE_RECEIVED)
    if answered_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="答复日期"))
    objection.answer, objection.answered_on, objection.answered_by = answer.strip(), answered_on, actor
    objection.save(update_fields=["answer", "answered_on", "answered_by"])
    matter_changed(objection.disclosure.matter)
    # The period may have ended while this objection was waiting for its answer (the close checks the
    # periods of confirmed corrections too).
    if objection.disclosure.ends_on < timezone.localdate():
        disclosure_period_close(disclosure=objection.disclosure, today=timezone.localdate())
    return objection


def disclosure_period_close(*, disclosure: Disclosure, today: datetime.date) -> tuple[str, int]:
    """After the period (and every objection answered) the matter moves on: to implementation after the
    resolution's disclosure, to completed after the result's; the secretary is told once. A correction
    confirmed by the committee runs a new period, and one waiting for its sign-off holds the matter too.
    Returns ("moved", reminders sent), or why not: "running", "amendment_pending", "objections" (answers
    outstanding) or "moved_before"."""
    if disclosure.ends_on >= today:
        return "running", 0
    with transaction.atomic():
        matter = (
            Matter.objects.select_for_update(of=("self",))
            .select_related("village")
            .get(pk=disclosure.matter_id)
        )
        if not disclosure_is_current(matter, disclosure):
            return "moved_before", 0
        amendments = list(disclosure.amendments.all())
        if any(a.is_pending for a in amendments):
            return "amendment_pending", 0
        ends_on = posting_ends_on(disclosure, amendments)
        if ends_on >= today:
            return "running", 0
        if disclosure.objections.filter(answered_on__isnull=True).exists():
            return "objections", 0
        matter_changed(matter)
        day_after = ends_on + datetime.timedelta(days=1)
        facts = {"ends_on": ends_on}
        if disclosure.kind == Disclosure.Kind.RESOLUTION:
            MATTER.apply(
                matter,
                Kind.PERIOD_ENDED,
                actor=None,
                version=None,
                locked=matter,
                changes={"step_since": day_after},
                payload=facts,
            )
        else:
            MATTER.apply(
                matter,
                Kind.COMPLETED,
                actor=None,
                version=None,
                locked=matter,
                changes={"status": Status.COMPLETED, "completed_on": day_after},
                payload=facts,
            )
        sent = secretaries_remind(
            matter,
            disclosure,
            kind=DecisionReminder.DISCLOSURE_ENDED,
            title=f"公示期满：{matter.village.name}“{matter.title}”{disclosure.get_kind_display()}"
            f"已于{zh_month_day(ends_on)}期满",
        )
    return "moved", sent


def secretaries_remind(matter: Matter, disclosure: Disclosure, *, kind: str, title: str) -> int:
    """Tells the village's party secretary about a disclosure of the matter, once."""
    secretaries = post_holders([matter.village_id], (Role.VILLAGE_SECRETARY,))
    return remind(
        disclosure,
        kind=kind,
        due_date=disclosure.ends_on,
        title=title,
        url=matter.get_absolute_url(),
        recipients=secretaries.get(matter.village_id, []),
    )

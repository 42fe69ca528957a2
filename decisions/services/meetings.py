"""Meetings of the four deliberations (四议): quorum and result computed from the counts, never typed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from core import periods
from core.formats import zh_date
from core.workflow import version_check
from decisions import quorum
from decisions.caching import matter_changed
from decisions.models import (
    BODIES_OF_STEP,
    MEETING_STEPS,
    STEP_ORDER,
    VILLAGERS_NOTICE_DAYS,
    Body,
    DecisionRules,
    Majority,
    Matter,
    Meeting,
    MeetingAttachment,
    Step,
)
from decisions.selectors import roster_on
from decisions.services.common import DATE_IN_FUTURE, check_manages, rules_for
from decisions.services.matters import representatives_short_text
from decisions.workflows import MATTER, MATTER_EDITED_MEANWHILE, STEP_DONE, Kind, Status, require_step
from uploads.documents import document_clean
from uploads.storage import atomic_with_files, file_store

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

NO_MEETING_STEP = "请选择会议环节。"
WRONG_BODY = "“{step}”应由{bodies}进行。"
DATE_BEFORE_PREVIOUS = "会议日期不能早于上一环节“{step}”的会议日期（{date}）。"
PRESENT_OVER_ENTITLED = "实到人数（{present}人）不能多于应到人数（{entitled}人）。"
VOTES_OVER_PRESENT = "赞成、反对、弃权票数之和（{votes}票）不能多于实到人数（{present}人）。"
HOUSEHOLDS_OVER_TOTAL = "到会户代表数（{present}户）不能多于户数（{total}户）。"
HOUSEHOLDS_REQUIRED = "村民会议请填写户数。"
HOUSEHOLDS_OVER_PRESENT = "到会户代表数（{households}户）不能多于实到人数（{present}人）。"
HOUSEHOLDS_REASON_REQUIRED = "户数（{total}户）与{date}起的人数登记（{roster}户）不同，请在调整理由中说明。"
ENTITLED_REASON_REQUIRED = "应到人数（{entitled}人）与{date}起的人数登记（{roster}人）不同，请填写调整理由。"
NO_ROSTER_REASON_REQUIRED = "没有适用于会议日期的人数登记，请填写应到人数的依据。"
NO_ATTACHMENT_KIND = "请选择附件类型。"
NO_ASSEMBLY_REASON_REQUIRED = "{date}起的人数登记没有村民委员会成员数，无法算出村民代表会议组成人员数：请补充人数登记，或填写应到人数的依据。"
NOTICE_REQUIRED = "村民会议请填写通知日期（召集村民会议应当提前十天通知村民）。"
NOTICE_AFTER_MEETING = "通知日期不能晚于会议日期。"
NOTICE_SHORT = (
    "召集村民会议应当提前十天通知村民（村民委员会组织法第二十一条）：{notice}通知的，"
    "最早{earliest}召开，本次会议通知不足10天。"
)


@dataclass(frozen=True)
class MeetingInput:
    step: str
    body: str
    held_on: datetime.date
    place: str
    chair: str
    recorder: str
    entitled: int
    present: int
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    minutes: str = ""
    entitled_reason: str = ""
    households_total: int | None = None
    households_present: int | None = None
    notice_on: datetime.date | None = None


def meeting_check_numbers(data: MeetingInput) -> None:
    """The counts must add up (the database refuses them too; this names the figures)."""
    if data.present > data.entitled:
        raise ValidationError(PRESENT_OVER_ENTITLED.format(present=data.present, entitled=data.entitled))
    votes = data.votes_for + data.votes_against + data.votes_abstain
    if votes > data.present:
        raise ValidationError(VOTES_OVER_PRESENT.format(votes=votes, present=data.present))
    if data.body == Body.VILLAGERS:
        if not data.households_total:
            raise ValidationError(HOUSEHOLDS_REQUIRED)
        if (data.households_present or 0) > data.households_total:
            raise ValidationError(
                HOUSEHOLDS_OVER_TOTAL.format(present=data.households_present, total=data.households_total)
            )
        if (data.households_present or 0) > data.present:
            raise ValidationError(
                HOUSEHOLDS_OVER_PRESENT.format(households=data.households_present, present=data.present)
            )


def _check_step(matter: Matter, step: str, body: str) -> None:
    """The meeting must be the matter's current step, held by that step's body."""
    if step not in MEETING_STEPS:
        raise ValidationError(NO_MEETING_STEP)
    if matter.step not in MEETING_STEPS and STEP_ORDER.index(matter.step) > STEP_ORDER.index(step):
        raise ValidationError(STEP_DONE.format(step=Step(step).label, current=matter.get_step_display()))
    require_step(matter, step)
    if body not in BODIES_OF_STEP[Step(step)]:
        raise ValidationError(
            WRONG_BODY.format(
                step=Step(step).label, bodies="或".join(Body(b).label for b in BODIES_OF_STEP[Step(step)])
            )
        )


@dataclass(frozen=True)
class MeetingCheck:
    """A meeting as the service would record it: the counts (household total from the roster when left
    blank), the roster's figure and the reason, and the outcome with the figures it was decided on."""

    data: MeetingInput
    roster_entitled: int | None
    reason: str
    outcome: quorum.Outcome
    notice_short: bool = False
    warnings: tuple[str, ...] = ()


def _notice_check(data: MeetingInput, rules: DecisionRules) -> tuple[bool, str | None]:
    """A 村民会议 needs ten days' notice (组织法 第21条), counted as 民法典 第201条 counts: notice on 1 Oct
    allows the meeting on 11 Oct. Short notice is refused, or flagged where the county says so."""
    if data.body != Body.VILLAGERS:
        return False, None
    if data.notice_on is None:
        raise ValidationError(NOTICE_REQUIRED)
    if data.notice_on > data.held_on:
        raise ValidationError(NOTICE_AFTER_MEETING)
    earliest = periods.period_end_days(data.notice_on, VILLAGERS_NOTICE_DAYS)
    if data.held_on >= earliest:
        return False, None
    message = NOTICE_SHORT.format(notice=zh_date(data.notice_on), earliest=zh_date(earliest))
    if rules.short_notice != DecisionRules.ShortNotice.FLAG:
        raise ValidationError(message)
    return True, message + "本县规定可以录入，会议将标记为“通知不足10天”。"


def _meeting_check(matter: Matter, data: MeetingInput, today: datetime.date) -> MeetingCheck:
    """Every rule of a meeting, writing nothing (the confirmation page and the record run the same)."""
    MATTER.ensure_open(matter)
    _check_step(matter, data.step, data.body)
    if data.held_on > today:
        raise ValidationError(DATE_IN_FUTURE.format(what="会议日期"))
    previous = matter.meetings.filter(quorum_met=True).order_by("-held_on").first()
    if previous and data.held_on < previous.held_on:
        raise ValidationError(
            DATE_BEFORE_PREVIOUS.format(step=previous.get_step_display(), date=zh_date(previous.held_on))
        )
    notice_short, notice_warning = _notice_check(data, rules_for(matter.village))
    roster = roster_on(village=matter.village, day=data.held_on)
    roster_entitled = roster.entitled_for(data.body) if roster else None
    reason = data.entitled_reason.strip()
    if roster and roster_entitled is None and not reason:
        raise ValidationError(NO_ASSEMBLY_REASON_REQUIRED.format(date=zh_date(roster.valid_from)))
    if roster_entitled is None and not reason:
        raise ValidationError(NO_ROSTER_REASON_REQUIRED)
    if roster_entitled is not None and data.entitled != roster_entitled and not reason:
        raise ValidationError(
            ENTITLED_REASON_REQUIRED.format(
                entitled=data.entitled, date=zh_date(roster.valid_from), roster=roster_entitled
            )
        )
    households_total = data.households_total
    if data.body == Body.VILLAGERS and roster:
        # The household route to quorum counts against the roster too; another figure needs its reason.
        if not households_total:
            households_total = roster.households
        elif households_total != roster.households and not reason:
            raise ValidationError(
                HOUSEHOLDS_REASON_REQUIRED.format(
                    total=households_total, date=zh_date(roster.valid_from), roster=roster.households
                )
            )
    data = MeetingInput(
        **{
            **data.__dict__,
            "households_total": households_total,
            "notice_on": data.notice_on if data.body == Body.VILLAGERS else None,
        }
    )
    meeting_check_numbers(data)
    warnings = [notice_warning] if notice_warning else []
    if data.body == Body.REPRESENTATIVES and roster and roster.representatives_short:
        warnings.append(representatives_short_text(roster))
    # The category's majority applies to the resolution, the vote the villagers (or representatives) take.
    majority = matter.category.majority if data.step == Step.RESOLUTION else Majority.STANDARD
    count = quorum.Count(
        entitled=data.entitled,
        present=data.present,
        votes_for=data.votes_for,
        households_total=data.households_total,
        households_present=data.households_present,
    )
    return MeetingCheck(
        data,
        roster_entitled,
        reason,
        quorum.explain(data.body, count, majority),
        notice_short=notice_short,
        warnings=tuple(warnings),
    )


def meeting_preview(*, actor, matter: Matter, version: int, data: MeetingInput) -> MeetingCheck:
    """What recording the meeting would do, for the user to confirm before it is frozen. Writes nothing;
    meeting_record checks everything again when the user confirms."""
    check_manages(actor, matter.village)
    version_check(matter, version, message=MATTER_EDITED_MEANWHILE)
    return _meeting_check(matter, data, timezone.localdate())


@atomic_with_files
def meeting_record(
    *, actor, matter: Matter, version: int, data: MeetingInput, attachments: list[tuple[str, object]] = ()
) -> Meeting:
    """Records the meeting of the matter's current step; quorum and result are computed from the counts.

    Passed: the matter moves to the next step. Failed: the matter ends as rejected. No quorum: the
    meeting is recorded as not held and the step stays open.
    """
    check_manages(actor, matter.village)
    matter = MATTER.lock(matter, version)
    today = timezone.localdate()
    checked = _meeting_check(matter, data, today)
    data, outcome = checked.data, checked.outcome
    quorum_met, passed = outcome.quorum_met, outcome.passed
    # Papers are checked before anything is written, so a bad file leaves no meeting and no stray file.
    papers = [
        (kind, *document_clean(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)) for kind, uploaded in attachments
    ]
    villagers = data.body == Body.VILLAGERS
    meeting = Meeting(
        matter=matter,
        round=matter.round,
        step=data.step,
        body=data.body,
        held_on=data.held_on,
        place=data.place.strip(),
        chair=data.chair.strip(),
        recorder=data.recorder.strip(),
        entitled=data.entitled,
        roster_entitled=checked.roster_entitled,
        entitled_reason=checked.reason,
        present=data.present,
        households_total=data.households_total if villagers else None,
        households_present=data.households_present if villagers else None,
        # No quorum, no vote (DOMAIN_RULES A.2.1: the meeting was not held): votes typed for it are not
        # kept; the confirmation page says so before the user confirms.
        votes_for=data.votes_for if quorum_met else 0,
        votes_against=data.votes_against if quorum_met else 0,
        votes_abstain=data.votes_abstain if quorum_met else 0,
        majority=outcome.majority,
        notice_on=data.notice_on,
        notice_short=checked.notice_short,
        minutes=data.minutes.strip(),
        quorum_met=quorum_met,
        passed=passed,
        recorded_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    for kind, content, content_type in papers:
        _attachment_save(actor, meeting, kind, content, content_type)
    _meeting_transition(actor, matter, meeting, today)
    matter_changed(matter)
    return meeting


def _meeting_transition(actor, matter: Matter, meeting: Meeting, today: datetime.date) -> None:
    """The matter's transition for the meeting's outcome, with the meeting's counts as the event's facts."""
    rules = rules_for(matter.village)
    changes: dict = {}
    if (today - meeting.held_on).days > rules.record_within_days and not matter.recorded_late:
        changes["recorded_late"] = True
    facts = {"body": meeting.body, "entitled": meeting.entitled, "present": meeting.present}
    if meeting.majority != Majority.STANDARD:
        facts["majority"] = meeting.majority
    if meeting.notice_on:
        facts.update(notice_on=meeting.notice_on, notice_short=meeting.notice_short)
    if meeting.households_total:  # a villagers' meeting may reach its quorum through the households
        facts.update(households_total=meeting.households_total, households_present=meeting.households_present)
    if not meeting.quorum_met:
        MATTER.apply(
            matter,
            Kind.MEETING_NOT_HELD,
            actor=actor,
            version=None,
            locked=matter,
            changes=changes,
            payload=facts,
        )
        return
    facts.update(
        votes_for=meeting.votes_for, votes_against=meeting.votes_against, votes_abstain=meeting.votes_abstain
    )
    if not meeting.passed:
        MATTER.apply(
            matter,
            Kind.REJECTED,
            actor=actor,
            version=None,
            locked=matter,
            changes={**changes, "status": Status.REJECTED},
            payload=facts,
        )
        return
    changes["step_since"] = meeting.held_on
    if meeting.step == Step.PROPOSAL:
        changes["proposed_on"] = meeting.held_on
    if meeting.step == Step.RESOLUTION:
        changes["resolved_on"] = meeting.held_on
        start = matter.proposed_on or meeting.held_on
        # The time limit runs from the proposal to the first resolution; a new vote after an upheld
        # objection (a later round) is not measured against it.
        if matter.round == 1 and (meeting.held_on - start).days > rules.resolution_within_days:
            changes["resolved_late"] = True
    MATTER.apply(
        matter, Kind.MEETING_HELD, actor=actor, version=None, locked=matter, changes=changes, payload=facts
    )


@atomic_with_files
def attachment_add(*, actor, meeting: Meeting, kind: str, uploaded) -> MeetingAttachment:
    """Adds a paper to a meeting (also later, when the signed scan arrives). Checked by content, ≤10 MB."""
    check_manages(actor, meeting.village)
    if kind not in MeetingAttachment.Kind.values:
        raise ValidationError(NO_ATTACHMENT_KIND)
    content, content_type = document_clean(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)
    attachment = _attachment_save(actor, meeting, kind, content, content_type)
    matter_changed(meeting.matter)
    return attachment


def _attachment_save(actor, meeting: Meeting, kind: str, content, content_type: str) -> MeetingAttachment:
    attachment = MeetingAttachment(
        meeting=meeting, kind=kind, content_type=content_type, size=content.size, uploaded_by=actor
    )
    file_store(attachment.file, content)
    attachment.save()
    return attachment

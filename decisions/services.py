"""Every write of the decisions app: the 四议两公开 state machine and what hangs on it.

The transitions table: a matter's ``step`` moves forward only, one step at a time:

    proposal -(meeting passed)-> consultation -(passed)-> review -(passed)-> resolution
    -(passed)-> resolution_disclosure -(posted; period over)-> implementation
    -(result posted)-> result_disclosure -(period over)-> completed

A meeting without quorum leaves the step open; a failed vote ends the matter as rejected.
Each transition appends an immutable MatterTransition.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from centers.models import Post, Region
from centers.roles import MANAGE_DECISION_CATEGORIES, MANAGE_DECISIONS, SUPERVISE_DECISIONS, Level, Role
from centers.scoping import region_in_scope
from decisions import quorum
from decisions.bulletin_cache import bulletin_changed
from decisions.models import (
    BODIES_OF_STEP,
    MEETING_STEPS,
    STEP_ORDER,
    Amendment,
    BoardPhoto,
    Body,
    DecisionRules,
    Disclosure,
    Matter,
    MatterCategory,
    MatterTransition,
    Meeting,
    MeetingAttachment,
    Objection,
    Step,
    SupervisionOpinion,
    VillageRoster,
)
from uploads.documents import document_clean
from uploads.images import photo_reencode

Kind = MatterTransition.Kind
Status = Matter.Status

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_BOARD_PHOTO_BYTES = 10 * 1024 * 1024

NOT_A_VILLAGE = "决策事项只能登记在村（社区）。"
NOT_YOUR_VILLAGE = "您不能办理该村的决策事项。"
NOT_A_SUPERVISOR = "只有本村村务监督委员会成员可以记录监督意见。"
CATEGORY_NOT_HERE = "该事项类别不适用于本村。"
MATTER_EDITED_MEANWHILE = "该事项已被他人更新，请刷新页面查看最新进展后再操作。"
MATTER_CLOSED = {"rejected": "该事项表决未通过，已终止，不能再办理。", "completed": "该事项已办结，不能再办理。"}
STEP_SKIPPED = "不能跳过“{missing}”：请先完成“{missing}”，再进行“{step}”。"
STEP_DONE = "“{step}”已经完成，当前环节是“{current}”。"
WRONG_BODY = "“{step}”应由{bodies}进行。"
DATE_IN_FUTURE = "{what}不能晚于今天。"
DATE_BEFORE_PREVIOUS = "会议日期不能早于上一环节“{step}”的会议日期（{date}）。"
PRESENT_OVER_ENTITLED = "实到人数（{present}人）不能多于应到人数（{entitled}人）。"
VOTES_OVER_PRESENT = "赞成、反对、弃权票数之和（{votes}票）不能多于实到人数（{present}人）。"
HOUSEHOLDS_OVER_TOTAL = "到会户代表数（{present}户）不能多于户数（{total}户）。"
HOUSEHOLDS_REQUIRED = "村民会议请填写户数。"
HOUSEHOLDS_OVER_PRESENT = "到会户代表数（{households}户）不能多于实到人数（{present}人）。"
HOUSEHOLDS_REASON_REQUIRED = "户数（{total}户）与{date}起的人数登记（{roster}户）不同，请在调整理由中说明。"
ENTITLED_REASON_REQUIRED = "应到人数（{entitled}人）与{date}起的人数登记（{roster}人）不同，请填写调整理由。"
NO_ROSTER_REASON_REQUIRED = "没有适用于会议日期的人数登记，请填写应到人数的依据。"
NOT_REJECTED = "只有未通过的事项可以重新提议。"
ALREADY_REPROPOSED = "该事项已经重新提议过，请办理新的事项。"
OBJECTION_MATTER_MOVED = "该公示已结束，事项已进入下一环节，不能再登记异议。"
POSTED_BEFORE_RESOLUTION = "张贴日期不能早于决议日期（{date}）。"
POSTED_IN_PERIOD = "实施结果须在决议公示期满（{date}）后公开。"
SPENT_REQUIRED = "请填写实际支出金额（没有支出填0）。"
ACCEPTANCE_REQUIRED = "请填写验收情况。"
TEXT_REQUIRED = "请填写公开内容。"
NOTHING_CORRECTED = "更正后的内容与原内容相同。"
REASON_REQUIRED = "请填写理由。"
OBJECTION_OUTSIDE_PERIOD = "异议须在公示期内（{start}至{end}）收到。"
OBJECTION_ANSWERED = "该异议已经答复。"
ANSWER_BEFORE_RECEIVED = "答复日期不能早于收到日期。"
OPINION_CLOSED = "该事项已结束，不能再记录监督意见。"
CATEGORY_LEVEL = "只有县和乡镇可以添加事项类别。"
CATEGORY_NOT_YOURS = "您不能维护该单位的事项类别。"
CATEGORY_STATUTORY = "法定事项类别不能停用。"


def _label(step: str) -> str:
    return Step(step).label


def _check_manages(actor, village: Region) -> None:
    if village.level != Level.VILLAGE:
        raise ValidationError(NOT_A_VILLAGE)
    if actor is not None and not region_in_scope(actor, MANAGE_DECISIONS, village):
        raise PermissionDenied(NOT_YOUR_VILLAGE)


def rules_for(village_or_county: Region) -> DecisionRules:
    """The county's rules, or the defaults (7 days' disclosure, resolution within 60 days ...)."""
    if len(village_or_county.prefix) < 6:  # above county level: the defaults
        return DecisionRules()
    # One query: the county is found by its prefix, not loaded first.
    rules = DecisionRules.objects.filter(county__prefix=village_or_county.prefix[:6]).first()
    return rules or DecisionRules()


@transaction.atomic
def rules_update(*, actor, county: Region, disclosure_days: int, resolution_within_days: int,
                 record_within_days: int, stuck_days: int) -> DecisionRules:
    rules = DecisionRules.objects.select_for_update().filter(county=county).first() or DecisionRules(county=county)
    rules.disclosure_days, rules.resolution_within_days = disclosure_days, resolution_within_days
    rules.record_within_days, rules.stuck_days = record_within_days, stuck_days
    rules.full_clean()
    rules.save()
    return rules


# -- categories -------------------------------------------------------------------------------------


def category_create(*, actor, region: Region, name: str) -> MatterCategory:
    if region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise ValidationError(CATEGORY_LEVEL)
    if actor is not None and not region_in_scope(actor, MANAGE_DECISION_CATEGORIES, region):
        raise PermissionDenied(CATEGORY_NOT_YOURS)
    category = MatterCategory(region=region, name=name.strip())
    category.full_clean()
    category.save()
    return category


def category_toggle(*, actor, category: MatterCategory) -> MatterCategory:
    if category.region is None:
        raise ValidationError(CATEGORY_STATUTORY)
    if actor is not None and not region_in_scope(actor, MANAGE_DECISION_CATEGORIES, category.region):
        raise PermissionDenied(CATEGORY_NOT_YOURS)
    category.is_active = not category.is_active
    category.save(update_fields=["is_active"])
    return category


def category_applies(category: MatterCategory, village: Region) -> bool:
    return category.is_active and (category.region_id is None or village.prefix.startswith(category.region.prefix))


# -- rosters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterCounts:
    branch_committee: int
    party_members: int
    committee_members: int
    representatives: int
    adults: int
    households: int


def roster_record(*, actor, village: Region, valid_from: datetime.date, counts: RosterCounts) -> VillageRoster:
    _check_manages(actor, village)
    if valid_from > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="起始日期"))
    roster = VillageRoster(village=village, valid_from=valid_from, recorded_by=actor, **counts.__dict__)
    roster.full_clean()
    roster.save()
    return roster


def roster_on(*, village: Region, day: datetime.date) -> VillageRoster | None:
    """The roster valid on ``day``: the latest one starting on or before it."""
    return VillageRoster.objects.filter(village=village, valid_from__lte=day).order_by("-valid_from").first()


# -- matters ----------------------------------------------------------------------------------------


def _event(matter: Matter, kind: str, actor, *, from_step: str = "", to_step: str = "", note: str = "") -> None:
    MatterTransition.objects.create(matter=matter, kind=kind, actor=actor, from_step=from_step, to_step=to_step,
                               note=note[:300])


@transaction.atomic
def matter_register(*, actor, village: Region, category: MatterCategory, title: str, content: str,
                    estimated_amount: Decimal | None, proposed_by: str, previous: Matter | None = None) -> Matter:
    """Registers a matter; it starts at 党组织提议 (the proposal meeting is its first step)."""
    _check_manages(actor, village)
    if not category_applies(category, village):
        raise ValidationError(CATEGORY_NOT_HERE)
    matter = Matter(village=village, category=category, title=title.strip(), content=content.strip(),
                    estimated_amount=estimated_amount, proposed_by=proposed_by.strip(), previous=previous,
                    step=Step.PROPOSAL, step_since=timezone.localdate(), created_by=actor)
    matter.full_clean()
    matter.save()
    _event(matter, Kind.REGISTERED, actor, to_step=Step.PROPOSAL,
           note=f"重新提议，原事项：{previous.title}" if previous else "")
    return matter


@transaction.atomic
def matter_repropose(*, actor, matter: Matter) -> Matter:
    """A rejected matter may be proposed again: a new matter linked to the old one."""
    _check_manages(actor, matter.village)
    matter = Matter.objects.select_for_update(of=("self",)).select_related("village", "category").get(pk=matter.pk)
    if matter.status != Status.REJECTED:
        raise ValidationError(NOT_REJECTED)
    if matter.reproposals.exists():
        raise ValidationError(ALREADY_REPROPOSED)
    category = matter.category if category_applies(matter.category, matter.village) else None
    if category is None:
        raise ValidationError(CATEGORY_NOT_HERE)
    new = matter_register(actor=actor, village=matter.village, category=category, title=matter.title,
                          content=matter.content, estimated_amount=matter.estimated_amount,
                          proposed_by=matter.proposed_by, previous=matter)
    _event(matter, Kind.REPROPOSED, actor, note=f"已重新提议（事项编号{new.pk}）")
    return new


def _locked(matter: Matter, version: int | None) -> Matter:
    locked = Matter.objects.select_for_update(of=("self",)).select_related("village", "category").get(pk=matter.pk)
    if version is not None and locked.version != version:
        raise ValidationError(MATTER_EDITED_MEANWHILE)
    if locked.status != Status.OPEN:
        raise ValidationError(MATTER_CLOSED[locked.status])
    return locked


def _require_step(matter: Matter, step: str) -> None:
    """Refuses anything but the matter's current step, naming the step that is missing."""
    if matter.step == step:
        return
    if STEP_ORDER.index(step) > STEP_ORDER.index(matter.step):
        raise ValidationError(STEP_SKIPPED.format(missing=_label(matter.step), step=_label(step)))
    raise ValidationError(STEP_DONE.format(step=_label(step), current=_label(matter.step)))


def _advance(matter: Matter, actor, kind: str, to_step: str | None, *, since: datetime.date, note: str = "",
             fields: tuple[str, ...] = ()) -> None:
    """Saves the matter one step further (or closed when ``to_step`` is None) and appends the event."""
    from_step = matter.step
    changed = ["version", *fields]
    if to_step is not None and to_step != from_step:
        matter.step, matter.step_since = to_step, since
        changed += ["step", "step_since"]
    matter.version = F("version") + 1
    matter.save(update_fields=changed)
    matter.refresh_from_db()
    _event(matter, kind, actor, from_step=from_step, to_step=to_step or "", note=note)


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
            raise ValidationError(HOUSEHOLDS_OVER_TOTAL.format(present=data.households_present,
                                                               total=data.households_total))
        if (data.households_present or 0) > data.present:
            raise ValidationError(HOUSEHOLDS_OVER_PRESENT.format(households=data.households_present,
                                                                 present=data.present))


@transaction.atomic
def meeting_record(*, actor, matter: Matter, version: int, data: MeetingInput,
                   attachments: list[tuple[str, object]] = ()) -> Meeting:
    """Records the meeting of the matter's current step; quorum and result are computed from the counts.

    Passed: the matter moves to the next step. Failed: the matter ends as rejected. No quorum: the
    meeting is recorded as not held and the step stays open.
    """
    _check_manages(actor, matter.village)
    matter = _locked(matter, version)
    if data.step not in MEETING_STEPS:
        raise ValidationError("请选择会议环节。")
    if matter.step not in MEETING_STEPS and STEP_ORDER.index(matter.step) > STEP_ORDER.index(data.step):
        raise ValidationError(STEP_DONE.format(step=_label(data.step), current=matter.get_step_display()))
    _require_step(matter, data.step)
    if data.body not in BODIES_OF_STEP[Step(data.step)]:
        raise ValidationError(WRONG_BODY.format(step=_label(data.step), bodies="或".join(
            Body(b).label for b in BODIES_OF_STEP[Step(data.step)])))
    today = timezone.localdate()
    if data.held_on > today:
        raise ValidationError(DATE_IN_FUTURE.format(what="会议日期"))
    previous = matter.meetings.filter(quorum_met=True).order_by("-held_on").first()
    if previous and data.held_on < previous.held_on:
        raise ValidationError(DATE_BEFORE_PREVIOUS.format(step=previous.get_step_display(),
                                                          date=f"{previous.held_on:%Y年%m月%d日}"))
    roster = roster_on(village=matter.village, day=data.held_on)
    roster_entitled = roster.entitled_for(data.body) if roster else None
    reason = data.entitled_reason.strip()
    if roster_entitled is None and not reason:
        raise ValidationError(NO_ROSTER_REASON_REQUIRED)
    if roster_entitled is not None and data.entitled != roster_entitled and not reason:
        raise ValidationError(ENTITLED_REASON_REQUIRED.format(
            entitled=data.entitled, date=f"{roster.valid_from:%Y年%m月%d日}", roster=roster_entitled))
    households_total = data.households_total
    if data.body == Body.VILLAGERS and roster:
        # The household route to quorum counts against the roster too; another figure needs its reason.
        if not households_total:
            households_total = roster.households
        elif households_total != roster.households and not reason:
            raise ValidationError(HOUSEHOLDS_REASON_REQUIRED.format(
                total=households_total, date=f"{roster.valid_from:%Y年%m月%d日}", roster=roster.households))
    data = MeetingInput(**{**data.__dict__, "households_total": households_total})
    meeting_check_numbers(data)
    count = quorum.Count(entitled=data.entitled, present=data.present, votes_for=data.votes_for,
                         households_total=data.households_total, households_present=data.households_present)
    quorum_met, passed = quorum.evaluate(data.body, count)
    # Papers are checked before anything is written, so a bad file leaves no meeting and no stray file.
    papers = [(kind, *document_clean(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)) for kind, uploaded in attachments]
    meeting = Meeting(
        matter=matter, step=data.step, body=data.body, held_on=data.held_on, place=data.place.strip(),
        chair=data.chair.strip(), recorder=data.recorder.strip(), entitled=data.entitled,
        roster_entitled=roster_entitled, entitled_reason=reason, present=data.present,
        households_total=data.households_total if data.body == Body.VILLAGERS else None,
        households_present=data.households_present if data.body == Body.VILLAGERS else None,
        # No quorum, no vote: counts typed for a meeting that was not held are not kept.
        votes_for=data.votes_for if quorum_met else 0, votes_against=data.votes_against if quorum_met else 0,
        votes_abstain=data.votes_abstain if quorum_met else 0, minutes=data.minutes.strip(),
        quorum_met=quorum_met, passed=passed, recorded_by=actor)
    meeting.full_clean()
    meeting.save()
    for kind, content, content_type in papers:
        _attachment_save(actor, meeting, kind, content, content_type)

    rules = rules_for(matter.village)
    fields: list[str] = []
    if (today - data.held_on).days > rules.record_within_days and not matter.recorded_late:
        matter.recorded_late = True
        fields.append("recorded_late")
    tally = f"应到{meeting.entitled}人，实到{meeting.present}人"
    if not quorum_met:
        _advance(matter, actor, Kind.MEETING_NOT_HELD, None, since=matter.step_since, fields=tuple(fields),
                 note=f"{meeting.get_body_display()}：{tally}，未达到法定人数，会议不成立")
        return meeting
    tally += f"；赞成{meeting.votes_for}票，反对{meeting.votes_against}票，弃权{meeting.votes_abstain}票"
    if not passed:
        matter.status = Status.REJECTED
        _advance(matter, actor, Kind.REJECTED, None, since=matter.step_since, fields=(*fields, "status"),
                 note=f"{meeting.get_body_display()}：{tally}，未通过")
        return meeting
    if data.step == Step.PROPOSAL:
        matter.proposed_on = data.held_on
        fields.append("proposed_on")
    if data.step == Step.RESOLUTION:
        matter.resolved_on = data.held_on
        fields.append("resolved_on")
        start = matter.proposed_on or data.held_on
        if (data.held_on - start).days > rules.resolution_within_days:
            matter.resolved_late = True
            fields.append("resolved_late")
    next_step = STEP_ORDER[STEP_ORDER.index(data.step) + 1]
    _advance(matter, actor, Kind.MEETING_HELD, next_step, since=data.held_on, fields=tuple(fields),
             note=f"{meeting.get_body_display()}：{tally}，通过")
    return meeting


def attachment_add(*, actor, meeting: Meeting, kind: str, uploaded) -> MeetingAttachment:
    """Adds a paper to a meeting (also later, when the signed scan arrives). Checked by content, ≤10 MB."""
    _check_manages(actor, meeting.matter.village)
    if kind not in MeetingAttachment.Kind.values:
        raise ValidationError("请选择附件类型。")
    content, content_type = document_clean(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)
    return _attachment_save(actor, meeting, kind, content, content_type)


def _attachment_save(actor, meeting: Meeting, kind: str, content, content_type: str) -> MeetingAttachment:
    attachment = MeetingAttachment(meeting=meeting, kind=kind, content_type=content_type, size=content.size,
                                   uploaded_by=actor)
    attachment.file.save(content.name, content, save=False)
    attachment.save()
    return attachment


# -- disclosures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosureInput:
    text: str
    posted_on: datetime.date
    spent_amount: Decimal | None = None
    acceptance: str = ""


@transaction.atomic
def disclosure_post(*, actor, matter: Matter, version: int, kind: str, data: DisclosureInput,
                    board_photo=None) -> Disclosure:
    """Posts the resolution (or, after implementation, the result) on the bulletin for the county's period."""
    _check_manages(actor, matter.village)
    matter = _locked(matter, version)
    today = timezone.localdate()
    if kind == Disclosure.Kind.RESOLUTION:
        _require_step(matter, Step.RESOLUTION_DISCLOSURE)
        if matter.disclosures.filter(kind=kind).exists():
            raise ValidationError(STEP_DONE.format(step=_label(Step.RESOLUTION_DISCLOSURE),
                                                   current=matter.get_step_display()))
        if data.posted_on < matter.resolved_on:
            raise ValidationError(POSTED_BEFORE_RESOLUTION.format(date=f"{matter.resolved_on:%Y年%m月%d日}"))
    else:
        if matter.step == Step.RESOLUTION_DISCLOSURE:
            raise ValidationError(STEP_SKIPPED.format(missing="决议公示期满", step=_label(Step.RESULT_DISCLOSURE)))
        _require_step(matter, Step.IMPLEMENTATION)
        resolution = matter.disclosures.get(kind=Disclosure.Kind.RESOLUTION)
        if data.posted_on <= resolution.ends_on:
            raise ValidationError(POSTED_IN_PERIOD.format(date=f"{resolution.ends_on:%Y年%m月%d日}"))
        if data.spent_amount is None:
            raise ValidationError(SPENT_REQUIRED)
        if not data.acceptance.strip():
            raise ValidationError(ACCEPTANCE_REQUIRED)
    if not data.text.strip():
        raise ValidationError(TEXT_REQUIRED)
    if data.posted_on > today:
        raise ValidationError(DATE_IN_FUTURE.format(what="张贴日期"))
    rules = rules_for(matter.village)
    # A posting entered after its whole period (or long after it went up) never ran its period online:
    # oversight sees it as recorded late.
    ends_on = data.posted_on + datetime.timedelta(days=rules.disclosure_days - 1)
    late = (ends_on < today or (today - data.posted_on).days > rules.record_within_days) and not matter.recorded_late
    if late:
        matter.recorded_late = True
    photo = photo_reencode(board_photo, max_bytes=MAX_BOARD_PHOTO_BYTES) if board_photo is not None else None
    disclosure = Disclosure(
        matter=matter, kind=kind, text=data.text.strip(), posted_on=data.posted_on,
        ends_on=ends_on,
        spent_amount=data.spent_amount if kind == Disclosure.Kind.RESULT else None,
        acceptance=data.acceptance.strip() if kind == Disclosure.Kind.RESULT else "", posted_by=actor)
    disclosure.full_clean()
    disclosure.save()
    if photo is not None:
        _board_photo_save(actor, disclosure, photo)
    period = f"{disclosure.posted_on:%Y年%m月%d日}至{disclosure.ends_on:%Y年%m月%d日}"
    if kind == Disclosure.Kind.RESOLUTION:
        matter.disclosed_on = data.posted_on
        _advance(matter, actor, Kind.DISCLOSED, None, since=matter.step_since,
                 fields=("disclosed_on", *(("recorded_late",) if late else ())), note=f"决议公示{period}")
    else:
        _advance(matter, actor, Kind.DISCLOSED, Step.RESULT_DISCLOSURE, since=data.posted_on,
                 fields=("recorded_late",) if late else (), note=f"实施结果公示{period}")
    bulletin_changed(matter.village)
    # A posting recorded after the fact may already have run its period.
    if disclosure.ends_on < today:
        disclosure_period_close(disclosure=disclosure, today=today)
    return disclosure


def board_photo_add(*, actor, disclosure: Disclosure, photo) -> BoardPhoto:
    """A photo of the notice board, also later: checked by content and re-encoded."""
    _check_manages(actor, disclosure.matter.village)
    return _board_photo_save(actor, disclosure, photo_reencode(photo, max_bytes=MAX_BOARD_PHOTO_BYTES))


def _board_photo_save(actor, disclosure: Disclosure, content) -> BoardPhoto:
    board_photo = BoardPhoto(disclosure=disclosure, uploaded_by=actor)
    board_photo.photo.save(content.name, content, save=False)
    board_photo.save()
    return board_photo


def disclosed_value(disclosure: Disclosure, field: str, amendments=None) -> str:
    """The value in force: the last amendment's, else the original."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    last = [a for a in amendments if a.field == field]
    if last:
        return last[-1].corrected
    value = getattr(disclosure, field)
    return "" if value is None else str(value)


@transaction.atomic
def amendment_create(*, actor, disclosure: Disclosure, field: str, corrected: str, reason: str) -> Amendment:
    """Corrects disclosed content: a new row with the reason; the original stays as it was posted."""
    _check_manages(actor, disclosure.matter.village)
    Matter.objects.select_for_update(of=("self",)).filter(pk=disclosure.matter_id).first()
    if field not in Amendment.Field.values or (field != Amendment.Field.TEXT and
                                                disclosure.kind != Disclosure.Kind.RESULT):
        raise ValidationError("请选择要更正的项目。")
    corrected, reason = corrected.strip(), reason.strip()
    if field == Amendment.Field.SPENT_AMOUNT:
        try:
            amount = Decimal(corrected)
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
                raise ArithmeticError
            corrected = str(amount.quantize(Decimal("0.01")))
        except ArithmeticError as exc:
            raise ValidationError("实际支出须是不小于0的金额。") from exc
    if not reason:
        raise ValidationError(REASON_REQUIRED)
    original = disclosed_value(disclosure, field)
    if not corrected or corrected == original:
        raise ValidationError(NOTHING_CORRECTED)
    amendment = Amendment(disclosure=disclosure, field=field, original=original, corrected=corrected,
                          reason=reason, created_by=actor)
    amendment.full_clean()
    amendment.save()
    bulletin_changed(disclosure.matter.village)
    _event(disclosure.matter, Kind.AMENDED, actor, note=f"更正{amendment.get_field_display()}：{reason}")
    return amendment


def _disclosure_step(disclosure: Disclosure) -> str:
    return Step.RESOLUTION_DISCLOSURE if disclosure.kind == Disclosure.Kind.RESOLUTION else Step.RESULT_DISCLOSURE


@transaction.atomic
def objection_record(*, actor, disclosure: Disclosure, received_on: datetime.date, summary: str) -> Objection:
    _check_manages(actor, disclosure.matter.village)
    # The matter's lock orders this against the period's close (which checks for open objections).
    matter = Matter.objects.select_for_update(of=("self",)).get(pk=disclosure.matter_id)
    if matter.status != Status.OPEN or matter.step != _disclosure_step(disclosure):
        raise ValidationError(OBJECTION_MATTER_MOVED)
    if not (disclosure.posted_on <= received_on <= disclosure.ends_on):
        raise ValidationError(OBJECTION_OUTSIDE_PERIOD.format(start=f"{disclosure.posted_on:%Y年%m月%d日}",
                                                              end=f"{disclosure.ends_on:%Y年%m月%d日}"))
    if received_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="收到日期"))
    if not summary.strip():
        raise ValidationError("请填写异议内容。")
    objection = Objection(disclosure=disclosure, received_on=received_on, summary=summary.strip(),
                          recorded_by=actor)
    objection.full_clean()
    objection.save()
    bulletin_changed(disclosure.matter.village)
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str, answered_on: datetime.date) -> Objection:
    _check_manages(actor, objection.disclosure.matter.village)
    objection = Objection.objects.select_for_update().select_related("disclosure").get(pk=objection.pk)
    if objection.answered_on is not None:
        raise ValidationError(OBJECTION_ANSWERED)
    if not answer.strip():
        raise ValidationError("请填写答复内容。")
    if answered_on < objection.received_on:
        raise ValidationError(ANSWER_BEFORE_RECEIVED)
    if answered_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="答复日期"))
    objection.answer, objection.answered_on, objection.answered_by = answer.strip(), answered_on, actor
    objection.save(update_fields=["answer", "answered_on", "answered_by"])
    bulletin_changed(objection.disclosure.matter.village)
    # The period may have ended while this objection was waiting for its answer.
    if objection.disclosure.ends_on < timezone.localdate():
        disclosure_period_close(disclosure=objection.disclosure, today=timezone.localdate())
    return objection


def disclosure_period_close(*, disclosure: Disclosure, today: datetime.date) -> tuple[str, int]:
    """After the period (and every objection answered) the matter moves on: to implementation after the
    resolution's disclosure, to completed after the result's; the secretary is told once. Returns ("moved",
    reminders sent), or why not: "running", "objections" (answers outstanding) or "moved_before"."""
    if disclosure.ends_on >= today:
        return "running", 0
    with transaction.atomic():
        matter = Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=disclosure.matter_id)
        if matter.status != Status.OPEN or matter.step != _disclosure_step(disclosure):
            return "moved_before", 0
        if disclosure.objections.filter(answered_on__isnull=True).exists():
            return "objections", 0
        bulletin_changed(matter.village)
        note = f"{disclosure.get_kind_display()}公示期满（{disclosure.ends_on:%Y年%m月%d日}）"
        if disclosure.kind == Disclosure.Kind.RESOLUTION:
            _advance(matter, None, Kind.PERIOD_ENDED, Step.IMPLEMENTATION,
                     since=disclosure.ends_on + datetime.timedelta(days=1), note=note + "，转入组织实施")
        else:
            matter.status, matter.completed_on = Status.COMPLETED, disclosure.ends_on + datetime.timedelta(days=1)
            _advance(matter, None, Kind.COMPLETED, None, since=matter.step_since,
                     fields=("status", "completed_on"), note=note + "，事项完成")
        sent = _secretaries_remind(matter, disclosure, kind="disclosure_ended",
                            title=f"公示期满：{matter.village.name}“{matter.title}”{disclosure.get_kind_display()}已于"
                                  f"{disclosure.ends_on:%m月%d日}期满")
    return "moved", sent


def _secretaries_remind(matter: Matter, disclosure: Disclosure, *, kind: str, title: str) -> int:
    from notifications.services import reminder_send

    sent = 0
    for user in _secretaries([matter.village_id]).get(matter.village_id, []):
        if reminder_send(obj=disclosure, kind=kind, due_date=disclosure.ends_on, recipient=user, title=title,
                         url=matter.get_absolute_url()):
            sent += 1
    return sent


# -- the supervision committee ----------------------------------------------------------------------


@transaction.atomic
def opinion_record(*, actor, matter: Matter, verdict: str, reason: str = "") -> SupervisionOpinion:
    """村务监督委员会 records its opinion on the matter's current step; an objection alerts the township."""
    if actor is not None and not region_in_scope(actor, SUPERVISE_DECISIONS, matter.village):
        raise PermissionDenied(NOT_A_SUPERVISOR)
    matter = Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=matter.pk)
    if matter.status != Status.OPEN:
        raise ValidationError(OPINION_CLOSED)
    if verdict == SupervisionOpinion.Verdict.OBJECT and not reason.strip():
        raise ValidationError("提出异议须写明理由。")
    opinion = SupervisionOpinion(matter=matter, step=matter.step, verdict=verdict, reason=reason.strip(),
                                 recorded_by=actor)
    opinion.full_clean()
    opinion.save()
    if verdict == SupervisionOpinion.Verdict.OBJECT:
        _objection_alert(opinion)
    return opinion


def _township_watchers(village: Region) -> list:
    township_prefix = village.prefix[:9]
    posts = Post.objects.filter(ended_on__isnull=True, region__prefix=township_prefix,
                                role__in=(Role.TOWNSHIP_LEADER, Role.TOWNSHIP_ORGANIZATION)).select_related("user")
    liaison = Post.objects.filter(ended_on__isnull=True, region=village, role=Role.LIAISON_CADRE).select_related("user")
    return list(dict.fromkeys(p.user for p in [*posts, *liaison]))


def _objection_alert(opinion: SupervisionOpinion) -> int:
    from notifications.services import reminder_send

    matter = opinion.matter
    sent = 0
    for user in _township_watchers(matter.village):
        if reminder_send(obj=opinion, kind="decision_objection", due_date=timezone.localdate(), recipient=user,
                         title=f"村务监督委员会异议：{matter.village.name}“{matter.title}”（{opinion.get_step_display()}）",
                         body=opinion.reason, url=matter.get_absolute_url()):
            sent += 1
    return sent


# -- reminders (daily task) -------------------------------------------------------------------------


def _secretaries(village_ids) -> dict[int, list]:
    watchers: dict[int, list] = {}
    for post in Post.objects.filter(region__in=set(village_ids), ended_on__isnull=True,
                                    role=Role.VILLAGE_SECRETARY).select_related("user"):
        watchers.setdefault(post.region_id, []).append(post.user)
    return watchers


def decision_reminders_send(*, today: datetime.date | None = None) -> int:
    """Closes the disclosure periods that ended and reminds, once each: the secretary when a period ended
    (or ended with objections unanswered), and when a matter has been stuck on a step too long."""
    from notifications.services import reminder_send

    today = today or timezone.localdate()
    sent = 0
    ended = Disclosure.objects.filter(
        Q(kind=Disclosure.Kind.RESOLUTION, matter__step=Step.RESOLUTION_DISCLOSURE) |
        Q(kind=Disclosure.Kind.RESULT, matter__step=Step.RESULT_DISCLOSURE),
        ends_on__lt=today, matter__status=Status.OPEN).select_related("matter__village")
    for disclosure in ended:
        outcome, moved_sent = disclosure_period_close(disclosure=disclosure, today=today)
        sent += moved_sent
        if outcome == "objections":
            matter = disclosure.matter
            sent += _secretaries_remind(matter, disclosure, kind="disclosure_objections_open",
                                        title=f"公示期已满但尚有异议未答复：{matter.village.name}“{matter.title}”")
    counties = Region.objects.filter(level=Level.COUNTY)
    rules = {r.county_id: r for r in DecisionRules.objects.all()}
    for county in counties:
        limit = (rules.get(county.pk) or DecisionRules()).stuck_days
        stuck = list(Matter.objects.filter(status=Status.OPEN, village__prefix__startswith=county.prefix,
                                           step_since__lt=today - datetime.timedelta(days=limit))
                     .exclude(step=Step.IMPLEMENTATION).select_related("village"))
        secretaries = _secretaries(m.village_id for m in stuck)
        for matter in stuck:
            for user in secretaries.get(matter.village_id, []):
                if reminder_send(obj=matter, kind=f"matter_stuck:{matter.step}", due_date=matter.step_since,
                                 recipient=user,
                                 title=f"事项停滞：{matter.village.name}“{matter.title}”在“{matter.get_step_display()}”"
                                       f"环节已超过{limit}天", url=matter.get_absolute_url()):
                    sent += 1
    return sent

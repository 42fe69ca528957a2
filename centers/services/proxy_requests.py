"""Proxy requests (代办): intake, and every transition of the state machine (centers.workflows)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centers.kinds import CenterReminder
from centers.models import DutyShift, ProxyRequest, ServiceItem
from centers.permissions import APPROVE_EXTENSION, CHANGE_CENTER
from centers.workflows import NOT_YOUR_VILLAGE, PROXY_REQUEST, Kind
from core import region_cache
from core.formats import zh_date, zh_month_day
from core.personal_data import id_number_validate, phone_validate
from core.workflow import lock_for_update
from notifications.services import notification_create, remind
from regions.models import Region, Urging
from regions.roles import Level, Role, roles_granting
from regions.scoping import region_in_scope, require, require_level
from regions.selectors import county_of, post_holders
from regions.services.urging import urging_answer, urging_issue
from regions.workdays import working_days_after, working_days_between

NOT_A_VILLAGE = "代办事项只能在村（社区）受理。"
ITEM_NOT_HERE = "该服务事项不适用于本村。"
ID_REQUIRED = "该事项需要申请人的身份证号。"
RESULT_REQUIRED = "请填写办理结果。"
SATISFACTION_REQUIRED = "请选择群众满意度。"
REPLY_TEXT_REQUIRED = "请填写告知申请人的办理结果（申请人查询办件时可以看到）。"
HANDLER_NOT_HERE = "新的承办人须在本村或所属乡镇任职。"
REPLY_CHANNEL_REQUIRED = "请选择告知申请人的方式。"
RETURN_REPLY_REQUIRED = "请填写告知申请人的退回理由和办理建议（申请人查询办件时可以看到）。"
EXTENSION_DATE_REQUIRED = "请填写申请延期至的日期。"
EXTENSION_DATE_NOT_LATER = "申请延期至的日期须晚于现在的承诺办结日期（{date}）。"
EXTENSION_TOO_LATE = "已超过承诺办结日期（{date}），不能再申请延期。"
# An extension is for a delay, not for parking a request: at most a year past the promise in force.
EXTENSION_MAX_DAYS = 365
EXTENSION_TOO_FAR = "申请延期至的日期最晚为{date}（现承诺办结日期后一年）。"
EXTENSION_OWN = "不能审批自己提出的延期申请，请由乡镇（街道）其他负责同志审批。"
MATERIAL_UNKNOWN = "所收材料不在该事项的材料清单中：{name}"
PROGRESS_REQUIRED = "请填写进展情况。"
NOT_OVERDUE = "只能督办已超过承诺日期仍未办结的代办事项。"


def _check_handles(actor, village: Region) -> None:
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    require(actor, CHANGE_CENTER, village, message=NOT_YOUR_VILLAGE)


def promise_dates(village: Region, start: date, days: int) -> tuple[date, date]:
    """(promised date, yellow-flag date): n working days after ``start``, and the working day before."""
    promised = working_days_after(county=county_of(village), start=start, days=days)
    return promised, warn_before(village, promised, start)


def warn_before(village: Region, promised: date, accepted_on: date) -> date:
    """The working day before ``promised`` (not before the acceptance day)."""
    county = county_of(village)
    days = working_days_between(county=county, start=accepted_on, end=promised)
    if days <= 1:
        return accepted_on
    return working_days_after(county=county, start=accepted_on, days=days - 1)


def new_codes(accepted_on: date) -> tuple[str, str]:
    """A new request's number (受理编号) and receipt code (回执码), both unused."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
    while True:
        number = f"DB{accepted_on:%Y%m%d}{secrets.randbelow(10**6):06d}"
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        if (
            not ProxyRequest.objects.filter(number=number).exists()
            and not ProxyRequest.objects.filter(receipt_code=code).exists()
        ):
            return number, code


@transaction.atomic
def proxy_request_accept(
    *,
    actor,
    village: Region,
    item: ServiceItem,
    applicant_name: str,
    applicant_phone: str,
    applicant_id_number: str = "",
    materials_received: list[str] | None = None,
    notes: str = "",
) -> ProxyRequest:
    """受理: the accepting cadre becomes responsible (首问负责); the promised date follows the item and calendar."""
    _check_handles(actor, village)
    if not ServiceItem.objects.applying_at(village).filter(pk=item.pk).exists():
        raise ValidationError(ITEM_NOT_HERE)
    phone = phone_validate(applicant_phone)
    id_number = id_number_validate(applicant_id_number) if applicant_id_number.strip() else ""
    if item.needs_id_number and not id_number:
        raise ValidationError(ID_REQUIRED)
    materials = list(dict.fromkeys(materials_received or []))
    for name in materials:
        if name not in item.material_list:
            raise ValidationError(MATERIAL_UNKNOWN.format(name=name))
    today = timezone.localdate()
    promised, warn = promise_dates(village, today, item.promised_days)
    number, code = new_codes(today)
    # A request accepted while the cadre is on duty here links to that shift.
    shift = DutyShift.objects.filter(
        village=village, date=today, cadre=actor, checked_in_at__isnull=False, checked_out_at__isnull=True
    ).first()
    proxy_request = ProxyRequest(
        number=number,
        receipt_code=code,
        village=village,
        item=item,
        applicant_name=applicant_name.strip(),
        applicant_phone=phone,
        applicant_id_number=id_number,
        materials_received=materials,
        notes=notes.strip(),
        accepted_by=actor,
        accepted_on=today,
        handler=actor,
        office=item.office,
        promised_date=promised,
        original_promised_date=promised,
        warn_on=warn,
        shift=shift,
    )
    proxy_request.full_clean()
    proxy_request.save()
    PROXY_REQUEST.record(
        proxy_request, Kind.ACCEPT, actor=actor, created=True, payload={"promised_date": promised}
    )
    region_cache.touch("requests", village)
    return proxy_request


@dataclass(frozen=True)
class TransitionInput:
    note: str = ""
    result: str = ""
    satisfaction: str = ""
    reply_channel: str = ""
    reply_text: str = ""
    handler: object = None
    office: str = ""
    promised_date: date | None = None


# The township decides on a request for an extension: its own permission, not the village's.
EXTENSION_DECISIONS = (Kind.EXTENSION_GRANT, Kind.EXTENSION_DENY)
NO_EXTENSION = {
    "extension_to": None,
    "extension_reason": "",
    "extension_asked_by": None,
    "extension_asked_on": None,
}


@transaction.atomic
def proxy_request_transition(
    *, actor, proxy_request: ProxyRequest, name: str, version: int, data: TransitionInput
) -> ProxyRequest:
    """Takes one transition of the state machine. Illegal ones, and saves on top of a newer version, are
    refused; the facts of the transition (new handler, dates, the reply) go into the event's payload.

    延期 (DOMAIN_RULES C.10): ``extend_ask`` records the village's request for a new date, only until
    the promised date has passed (the promised date itself included); the promise stays as it is until
    a township official with APPROVE_EXTENSION takes ``extend_grant`` (the new date becomes the promise)
    or ``extend_deny`` (with a reason). ``original_promised_date`` never changes."""
    if name not in EXTENSION_DECISIONS:
        _check_handles(actor, proxy_request.village)
    changes: dict = {}
    payload: dict = {}
    told: list = []  # (recipients, title, body) sent once the transition is saved

    def check(locked: ProxyRequest) -> None:
        """The transition's own rules, once the row is locked and its state allows the transition."""
        today = timezone.localdate()
        if name == Kind.PROGRESS and not data.note.strip():
            raise ValidationError(PROGRESS_REQUIRED)
        if name == Kind.START and data.office.strip():
            changes["office"] = data.office.strip()
        elif name == Kind.COMPLETE:
            if not data.result.strip():
                raise ValidationError(RESULT_REQUIRED)
            changes.update(
                result=data.result.strip(),
                finished_on=today,
                working_days_taken=working_days_between(
                    county=county_of(locked.village), start=locked.accepted_on, end=today
                ),
            )
            payload["result"] = data.result.strip()
        elif name == Kind.REPLY:
            if data.satisfaction not in ProxyRequest.Satisfaction.values:
                raise ValidationError(SATISFACTION_REQUIRED)
            # 明确答复: the applicant is told the outcome in words the public lookup then shows.
            if not data.reply_text.strip():
                raise ValidationError(REPLY_TEXT_REQUIRED)
            changes.update(satisfaction=data.satisfaction, reply_text=data.reply_text.strip())
            payload.update(satisfaction=data.satisfaction, channel=data.reply_channel.strip())
        elif name == Kind.RETURN:
            # 明确答复制 [004 宜昌]: a request that cannot be done ends with a clear answer to the
            # applicant, given in the return itself (no returned request waits for its reply).
            if not data.reply_channel.strip():
                raise ValidationError(REPLY_CHANNEL_REQUIRED)
            if not data.reply_text.strip():
                raise ValidationError(RETURN_REPLY_REQUIRED)
            changes["reply_text"] = data.reply_text.strip()
            payload["channel"] = data.reply_channel.strip()
        elif name == Kind.TRANSFER:
            if data.handler is None or not region_in_scope(data.handler, CHANGE_CENTER, locked.village):
                raise ValidationError(HANDLER_NOT_HERE)
            changes["handler"] = data.handler
            payload.update(handler_id=data.handler.pk, handler=data.handler.real_name)
        elif name == Kind.EXTENSION_ASK:
            _extension_ask_check(locked, data, today)
            changes.update(
                extension_to=data.promised_date,
                extension_reason=data.note.strip()[:300],
                extension_asked_by=actor,
                extension_asked_on=today,
            )
            payload.update({"from": locked.promised_date, "to": data.promised_date})
            told.append(
                (
                    _extension_approvers(locked.village),
                    f"延期申请：{_urging_title(locked)}",
                    f"{actor.real_name}申请将承诺办结日期由{zh_date(locked.promised_date)}延至"
                    f"{zh_date(data.promised_date)}。理由：{data.note.strip()}",
                )
            )
        elif name in EXTENSION_DECISIONS:
            if locked.extension_asked_by_id == actor.pk:
                raise ValidationError(EXTENSION_OWN)
            village_side = [locked.extension_asked_by, locked.handler, locked.accepted_by]
            if name == Kind.EXTENSION_GRANT:
                changes.update(
                    promised_date=locked.extension_to,
                    warn_on=warn_before(locked.village, locked.extension_to, locked.accepted_on),
                )
                payload.update({"from": locked.promised_date, "to": locked.extension_to})
                title = f"延期已批准：{_urging_title(locked)}"
                body = f"承诺办结日期延至{zh_date(locked.extension_to)}（原承诺{zh_date(locked.promised_date)}）。"
            else:
                payload["to"] = locked.extension_to
                title = f"延期未批准：{_urging_title(locked)}"
                body = f"仍须在{zh_date(locked.promised_date)}（含当日）前办结。理由：{data.note.strip()}"
            changes.update(NO_EXTENSION)
            told.append((village_side, title, f"{actor.real_name}：{body}"))
        if name in (Kind.COMPLETE, Kind.RETURN, Kind.WITHDRAW) and locked.extension_pending:
            # A request that ends leaves no extension waiting on the township's list.
            changes.update(NO_EXTENSION)
            payload["extension_dropped"] = locked.extension_to

    proxy_request = PROXY_REQUEST.apply(
        proxy_request,
        name,
        actor=actor,
        version=version,
        note=data.note,
        check=check,
        changes=lambda locked: changes,
        payload=lambda locked: payload,
    )
    for recipients, title, body in told:
        for recipient in dict.fromkeys(recipients):
            if recipient is not None and recipient != actor:
                notification_create(
                    recipient=recipient,
                    kind=CenterReminder.EXTENSION_ASKED
                    if name == Kind.EXTENSION_ASK
                    else CenterReminder.EXTENSION_DECIDED,
                    title=title,
                    body=body,
                    url=proxy_request.get_absolute_url(),
                )
    region_cache.touch("requests", proxy_request.village)
    return proxy_request


def _extension_ask_check(locked: ProxyRequest, data: TransitionInput, today: date) -> None:
    """A request for an extension comes before the promise has passed and asks for a later date."""
    if today > locked.promised_date:
        raise ValidationError(EXTENSION_TOO_LATE.format(date=zh_date(locked.promised_date)))
    if data.promised_date is None:
        raise ValidationError(EXTENSION_DATE_REQUIRED)
    if data.promised_date <= locked.promised_date:
        raise ValidationError(EXTENSION_DATE_NOT_LATER.format(date=zh_date(locked.promised_date)))
    latest = locked.promised_date + timedelta(days=EXTENSION_MAX_DAYS)
    if data.promised_date > latest:
        raise ValidationError(EXTENSION_TOO_FAR.format(date=zh_date(latest)))


def _extension_approvers(village: Region) -> list:
    """Who decides on the village's extensions: the township's posts that grant APPROVE_EXTENSION."""
    return post_holders([village.parent_id], roles_granting(APPROVE_EXTENSION)).get(village.parent_id, [])


def proxy_request_reminders_send(*, today: date | None = None) -> int:
    """督办 reminders, each sent once per (request, kind, promised date, recipient): yellow (one working day
    left) to the handler; red (overdue) to the village secretary and liaison cadre. The cadre who accepted
    the request gets both, also after 转办 (首问负责: the first cadre follows the request to its end)."""
    today = today or timezone.localdate()
    sent = 0
    open_requests = ProxyRequest.objects.filter(status__in=ProxyRequest.OPEN).select_related(
        "item", "handler", "accepted_by", "village"
    )
    for proxy_request in open_requests.filter(warn_on__lte=today, promised_date__gte=today).iterator(
        chunk_size=1000
    ):
        sent += remind(
            proxy_request,
            kind=CenterReminder.REQUEST_YELLOW,
            due_date=proxy_request.promised_date,
            recipients=[proxy_request.handler, proxy_request.accepted_by],
            url=proxy_request.get_absolute_url(),
            title=f"黄牌提醒：{proxy_request.village.name}“{proxy_request.item.name}”将于"
            f"{zh_month_day(proxy_request.promised_date)}到期",
        )
    overdue = list(open_requests.filter(promised_date__lt=today))
    watchers = post_holders({r.village_id for r in overdue}, (Role.VILLAGE_SECRETARY, Role.LIAISON_CADRE))
    for proxy_request in overdue:
        sent += remind(
            proxy_request,
            kind=CenterReminder.REQUEST_RED,
            due_date=proxy_request.promised_date,
            recipients=[*watchers.get(proxy_request.village_id, []), proxy_request.accepted_by],
            url=proxy_request.get_absolute_url(),
            title=f"红牌督办：{proxy_request.village.name}“{proxy_request.item.name}”已超过承诺日期"
            f"{zh_month_day(proxy_request.promised_date)}",
            body=f"承办人：{proxy_request.handler.real_name}",
        )
    return sent


def _urging_title(proxy_request: ProxyRequest) -> str:
    return f"{proxy_request.village.name}{proxy_request.item.name}（{proxy_request.number}）"


@transaction.atomic
def proxy_request_urge(*, actor, proxy_request: ProxyRequest, message: str = "") -> Urging:
    """督办 on a request past its promised date and still open: its handler and the village secretary
    are told, the timeline shows it (not publicly), at most once a day."""
    locked = lock_for_update(
        ProxyRequest.objects.select_related("village", "item", "handler"), proxy_request.pk
    )
    if locked.flag_on(timezone.localdate()) != "red":
        raise ValidationError(NOT_OVERDUE)
    return urging_issue(
        actor=actor,
        record=locked,
        village=locked.village,
        message=message,
        handlers=[locked.handler],
        title=_urging_title(locked),
        url=locked.get_absolute_url(),
        workflow=PROXY_REQUEST,
    )


@transaction.atomic
def proxy_request_urging_answer(*, actor, proxy_request: ProxyRequest, urging: Urging, answer: str) -> Urging:
    """The village's answer to a 督办 on its request (whoever may handle the village's requests)."""
    _check_handles(actor, proxy_request.village)
    return urging_answer(
        actor=actor,
        record=proxy_request,
        urging=urging,
        answer=answer,
        title=_urging_title(proxy_request),
        url=proxy_request.get_absolute_url(),
        workflow=PROXY_REQUEST,
    )

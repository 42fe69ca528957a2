"""Proxy requests (代办): intake, and every transition of the state machine (centers.workflows)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centers.kinds import CenterReminder
from centers.models import DutyShift, ProxyRequest, ServiceItem
from centers.permissions import CHANGE_CENTER
from centers.workflows import NOT_YOUR_VILLAGE, PROXY_REQUEST, Kind
from core import region_cache
from core.formats import zh_month_day
from core.personal_data import id_number_validate, phone_validate
from core.workflow import lock_for_update
from notifications.services import remind
from regions.models import Region, Urging
from regions.roles import Level, Role
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
DATE_NOT_LATER = "新的承诺日期不能早于受理日期。"
MATERIAL_UNKNOWN = "所收材料不在该事项的材料清单中：{name}"
PROGRESS_REQUIRED = "请填写进展情况。"
NOT_OVERDUE = "只能督办已超过承诺日期仍未办结的代办事项。"


def _check_handles(actor, village: Region) -> None:
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    require(actor, CHANGE_CENTER, village, message=NOT_YOUR_VILLAGE)


def promise_dates(village: Region, start: date, days: int) -> tuple[date, date]:
    """(promised date, yellow-flag date): n working days after ``start``, and the working day before."""
    promised = working_days_after(county=county_of(village), start=start, days=days)
    return promised, _warn_before(village, promised, start)


def _warn_before(village: Region, promised: date, accepted_on: date) -> date:
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


@transaction.atomic
def proxy_request_transition(
    *, actor, proxy_request: ProxyRequest, name: str, version: int, data: TransitionInput
) -> ProxyRequest:
    """Takes one transition of the state machine. Illegal ones, and saves on top of a newer version, are
    refused; the facts of the transition (new handler, dates, the reply) go into the event's payload."""
    _check_handles(actor, proxy_request.village)
    changes: dict = {}
    payload: dict = {}

    def check(locked: ProxyRequest) -> None:
        """The transition's own rules, once the row is locked and its state allows the transition."""
        if name == Kind.PROGRESS and not data.note.strip():
            raise ValidationError(PROGRESS_REQUIRED)
        if name == Kind.START and data.office.strip():
            changes["office"] = data.office.strip()
        elif name == Kind.COMPLETE:
            if not data.result.strip():
                raise ValidationError(RESULT_REQUIRED)
            today = timezone.localdate()
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
        elif name == Kind.TRANSFER:
            if data.handler is None or not region_in_scope(data.handler, CHANGE_CENTER, locked.village):
                raise ValidationError(HANDLER_NOT_HERE)
            changes["handler"] = data.handler
            payload.update(handler_id=data.handler.pk, handler=data.handler.real_name)
        elif name == Kind.RESCHEDULE:
            if data.promised_date is None or data.promised_date < locked.accepted_on:
                raise ValidationError(DATE_NOT_LATER)
            payload.update({"from": locked.promised_date, "to": data.promised_date})
            changes.update(
                promised_date=data.promised_date,
                warn_on=_warn_before(locked.village, data.promised_date, locked.accepted_on),
            )

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
    region_cache.touch("requests", proxy_request.village)
    return proxy_request


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

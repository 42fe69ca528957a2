"""Proxy requests (代办): intake and every step of the explicit state machine, each an immutable step row."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.personal_data import id_number_validate, phone_validate
from centers.models import DutyShift, ProxyRequest, ProxyRequestStep, Region, ServiceItem
from centers.roles import CHANGE_CENTER, Level
from centers.scoping import region_in_scope
from centers.selectors import county_of
from centers.workdays import working_days_after, working_days_between

Status = ProxyRequest.Status
Kind = ProxyRequestStep.Kind

REQUEST_EDITED_MEANWHILE = "该代办事项已被他人更新，请刷新页面查看最新进展后再操作。"
STEP_NOT_ALLOWED = "当前状态为“{status}”，不能“{step}”。"
NOT_A_VILLAGE = "代办事项只能在村（社区）受理。"
NOT_YOUR_VILLAGE = "您不能在该村受理或办理代办事项。"
ITEM_NOT_HERE = "该服务事项不适用于本村。"
ID_REQUIRED = "该事项需要申请人的身份证号。"
REASON_REQUIRED = "请填写原因。"
RESULT_REQUIRED = "请填写办理结果。"
SATISFACTION_REQUIRED = "请选择群众满意度。"
HANDLER_NOT_HERE = "新的承办人须在本村或所属乡镇任职。"
DATE_NOT_LATER = "新的承诺日期不能早于受理日期。"
MATERIAL_UNKNOWN = "所收材料不在该事项的材料清单中：{name}"

# The transitions table: step -> (statuses it may start from, status it leads to; None = unchanged).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Kind.START: ((Status.ACCEPTED,), Status.IN_PROGRESS),
    Kind.PROGRESS: ((Status.IN_PROGRESS,), None),
    Kind.COMPLETE: ((Status.IN_PROGRESS,), Status.DONE),
    Kind.REPLY: ((Status.DONE,), Status.REPLIED),
    Kind.RETURN: ((Status.ACCEPTED, Status.IN_PROGRESS), Status.RETURNED),
    Kind.TRANSFER: ((Status.ACCEPTED, Status.IN_PROGRESS), None),
    Kind.WITHDRAW: ((Status.ACCEPTED, Status.IN_PROGRESS), Status.WITHDRAWN),
    Kind.RESCHEDULE: ((Status.ACCEPTED, Status.IN_PROGRESS), None),
}
# Steps whose note stays internal on the public lookup (reasons may name people or circumstances).
INTERNAL_NOTES = {Kind.PROGRESS, Kind.TRANSFER, Kind.RESCHEDULE, Kind.RETURN}


def allowed_steps(request: ProxyRequest) -> list[str]:
    return [kind for kind, (sources, _) in TRANSITIONS.items() if request.status in sources]


def _check_handles(actor, village: Region) -> None:
    if village.level != Level.VILLAGE:
        raise ValidationError(NOT_A_VILLAGE)
    if actor is not None and not region_in_scope(actor, CHANGE_CENTER, village):
        raise PermissionDenied(NOT_YOUR_VILLAGE)


def _promise(village: Region, start: date, days: int) -> tuple[date, date]:
    """(promised date, yellow-flag date): n working days after ``start``, and the working day before."""
    promised = working_days_after(county=county_of(village), start=start, days=days)
    return promised, _warn_before(village, promised, start)


def _new_codes(accepted_on: date) -> tuple[str, str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
    while True:
        number = f"DB{accepted_on:%Y%m%d}{secrets.randbelow(10**6):06d}"
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        if not ProxyRequest.objects.filter(number=number).exists() and \
                not ProxyRequest.objects.filter(receipt_code=code).exists():
            return number, code


@transaction.atomic
def proxy_request_accept(*, actor, village: Region, item: ServiceItem, applicant_name: str, applicant_phone: str,
                         applicant_id_number: str = "", materials_received: list[str] | None = None,
                         notes: str = "") -> ProxyRequest:
    """受理: the accepting cadre becomes responsible (首问负责); the promised date follows the item and calendar."""
    _check_handles(actor, village)
    if item.region_id is not None and not village.prefix.startswith(item.region.prefix) or not item.is_active:
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
    promised, warn = _promise(village, today, item.promised_days)
    number, code = _new_codes(today)
    # A request accepted while the cadre is on duty here links to that shift.
    shift = DutyShift.objects.filter(village=village, date=today, cadre=actor, checked_in_at__isnull=False,
                                     checked_out_at__isnull=True).first()
    request = ProxyRequest(
        number=number, receipt_code=code, village=village, item=item, applicant_name=applicant_name.strip(),
        applicant_phone=phone, applicant_id_number=id_number, materials_received=materials, notes=notes.strip(),
        accepted_by=actor, accepted_on=today, handler=actor, office=item.office, promised_date=promised, warn_on=warn,
        shift=shift)
    request.full_clean()
    request.save()
    ProxyRequestStep.objects.create(request=request, kind=Kind.ACCEPT, to_status=Status.ACCEPTED, actor=actor,
                                    note=f"承诺{promised:%Y年%m月%d日}前办结")
    return request


@dataclass(frozen=True)
class StepInput:
    note: str = ""
    result: str = ""
    satisfaction: str = ""
    reply_channel: str = ""
    handler: object = None
    office: str = ""
    promised_date: date | None = None


@transaction.atomic
def proxy_request_step(*, actor, request: ProxyRequest, kind: str, version: int, data: StepInput) -> ProxyRequest:
    """Takes one step of the state machine. Illegal steps, and saves on top of a newer version, are refused."""
    _check_handles(actor, request.village)
    request = ProxyRequest.objects.select_for_update(of=("self",)).select_related("village", "item").get(pk=request.pk)
    if request.version != version:
        raise ValidationError(REQUEST_EDITED_MEANWHILE)
    sources, target = TRANSITIONS[kind]
    if request.status not in sources:
        raise ValidationError(STEP_NOT_ALLOWED.format(status=request.get_status_display(),
                                                      step=Kind(kind).label))
    note = data.note.strip()
    changed = ["status", "version"]
    if kind in (Kind.RETURN, Kind.WITHDRAW, Kind.RESCHEDULE, Kind.PROGRESS) and not note:
        raise ValidationError(REASON_REQUIRED if kind != Kind.PROGRESS else "请填写进展情况。")
    if kind == Kind.START and data.office.strip():
        request.office = data.office.strip()
        changed.append("office")
    if kind == Kind.COMPLETE:
        if not data.result.strip():
            raise ValidationError(RESULT_REQUIRED)
        request.result, request.finished_on = data.result.strip(), timezone.localdate()
        request.working_days_taken = working_days_between(county=county_of(request.village),
                                                          start=request.accepted_on, end=request.finished_on)
        changed += ["result", "finished_on", "working_days_taken"]
        note = note or request.result
    if kind == Kind.REPLY:
        if data.satisfaction not in ProxyRequest.Satisfaction.values:
            raise ValidationError(SATISFACTION_REQUIRED)
        request.satisfaction = data.satisfaction
        changed.append("satisfaction")
        note = "；".join(x for x in (data.reply_channel.strip(), ProxyRequest.Satisfaction(data.satisfaction).label,
                                    note) if x)
    if kind == Kind.TRANSFER:
        handler = data.handler
        if handler is None or not (region_in_scope(handler, CHANGE_CENTER, request.village)):
            raise ValidationError(HANDLER_NOT_HERE)
        note = f"转交{handler.real_name}承办" + (f"：{note}" if note else "")
        request.handler = handler
        changed.append("handler")
    if kind == Kind.RESCHEDULE:
        if data.promised_date is None or data.promised_date < request.accepted_on:
            raise ValidationError(DATE_NOT_LATER)
        note = f"承诺日期由{request.promised_date:%Y年%m月%d日}改为{data.promised_date:%Y年%m月%d日}：{note}"
        request.promised_date = data.promised_date
        request.warn_on = _warn_before(request.village, data.promised_date, request.accepted_on)
        changed += ["promised_date", "warn_on"]
    previous = request.status
    if target is not None:
        request.status = target
    request.version = F("version") + 1
    request.save(update_fields=changed)
    request.refresh_from_db()
    ProxyRequestStep.objects.create(request=request, kind=kind, from_status=previous, to_status=request.status,
                                    actor=actor, note=note[:300], is_public=kind not in INTERNAL_NOTES)
    return request


def _warn_before(village: Region, promised: date, accepted_on: date) -> date:
    """The working day before ``promised`` (not before the acceptance day)."""
    county = county_of(village)
    days = working_days_between(county=county, start=accepted_on, end=promised)
    if days <= 1:
        return accepted_on
    return working_days_after(county=county, start=accepted_on, days=days - 1)


def proxy_request_reminders_send(*, today: date | None = None) -> int:
    """督办 reminders, each sent once per (request, kind, promised date, recipient):
    yellow (one working day left) to the handler; red (overdue) to the village secretary and liaison cadre."""
    from centers.models import Post
    from centers.roles import Role
    from notifications.services import reminder_send

    today = today or timezone.localdate()
    sent = 0
    open_requests = ProxyRequest.objects.filter(status__in=ProxyRequest.OPEN).select_related("item", "handler",
                                                                                              "village")
    for request in open_requests.filter(warn_on__lte=today, promised_date__gte=today).iterator(chunk_size=1000):
        if reminder_send(obj=request, kind="request_yellow", due_date=request.promised_date, recipient=request.handler,
                         title=f"黄牌提醒：{request.village.name}“{request.item.name}”将于"
                               f"{request.promised_date:%m月%d日}到期", url=request.get_absolute_url()):
            sent += 1
    overdue = list(open_requests.filter(promised_date__lt=today))
    watchers: dict[int, list] = {}
    for post in Post.objects.filter(region__in={r.village_id for r in overdue}, ended_on__isnull=True,
                                    role__in=(Role.VILLAGE_SECRETARY, Role.LIAISON_CADRE)).select_related("user"):
        watchers.setdefault(post.region_id, []).append(post.user)
    for request in overdue:
        for user in watchers.get(request.village_id, []):
            if reminder_send(obj=request, kind="request_red", due_date=request.promised_date, recipient=user,
                             title=f"红牌督办：{request.village.name}“{request.item.name}”已超过承诺日期"
                                   f"{request.promised_date:%m月%d日}", body=f"承办人：{request.handler.real_name}",
                             url=request.get_absolute_url()):
                sent += 1
    return sent

"""Demo data of the service center system for the demo county (``manage.py seed_demo`` calls ``seed``
through the registry): the standard lists, every center's details and building standard, and for every
village thirty days of duty shifts and a few proxy requests. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from centers.models import (
    ChecklistEntry,
    ChecklistItem,
    DutyShift,
    ProxyRequest,
    ProxyRequestTimelineEvent,
    RoomType,
    ServiceCenter,
    ServiceItem,
    Suggestion,
)
from centers.services.proxy_requests import new_codes, promise_dates, warn_before
from centers.services.suggestions import CODE_ALPHABET
from centers.standards import service_items_ensure, standard_lists_ensure
from regions.models import CalendarDay, Post, Region
from regions.roles import Level, Role
from regions.workdays import is_working_day, working_days_between


def seed(*, county: Region) -> list[str]:
    standard_lists_ensure()
    service_items_ensure()
    _fill_centers(county)
    created = _duty_and_requests(county)
    weekend = _demo_village_rest_days(county)
    created = (created[0] + weekend, created[1])
    suggestions = _suggestions(county)
    lines = [f"党群服务中心：新增值班{created[0]}天、代办事项{created[1]}件。"] if any(created) else []
    return lines + ([f"问题建议：新增{suggestions}条。"] if suggestions else [])


DEMO_SUGGESTIONS = [
    ("村东头路灯坏了好几天，晚上出行不方便，希望尽快修理。", "已联系电工更换灯泡，路灯已恢复照明。"),
    ("建议在文化广场增加几件健身器材。", "已向乡镇申请健身器材，预计下月安装。"),
    (
        "低保申请需要准备哪些材料？",
        "需申请书、户口簿、身份证、家庭收入证明和银行卡复印件，可到村党群服务中心找值班干部代办。",
    ),
    ("村里垃圾清运不及时，夏天气味大。", "已与保洁公司协调，改为每天清运一次。"),
    ("希望村里组织一次农技培训，讲讲果树管理。", ""),
    ("养老保险资格认证能不能在村里办？", "可以，带身份证到村党群服务中心现场办理。"),
    ("进村道路有坑洼，下雨天积水。", ""),
]


def _suggestions(county: Region) -> int:
    """A few suggestions per village, about three in four answered by its secretary (the figures show
    both). Once: skipped when the county has some."""
    if Suggestion.objects.within(county).exists():
        return 0
    rng = random.Random(31)
    now = timezone.now()
    secretaries = {
        p.region_id: p.user
        for p in Post.objects.within(county)
        .filter(role=Role.VILLAGE_SECRETARY, ended_on__isnull=True)
        .select_related("user")
    }
    codes: set[str] = set()
    rows = []
    for region_id, cadre in secretaries.items():
        for _ in range(rng.randint(0, 3)):
            content, answer = rng.choice(DEMO_SUGGESTIONS)
            code = "JY" + "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
            if code in codes:
                continue
            codes.add(code)
            created = now - dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
            answered = bool(answer) and rng.random() < 0.8
            rows.append(
                Suggestion(
                    receipt_code=code,
                    village_id=region_id,
                    content=content,
                    name=rng.choice(["", "", "王大妈", "李师傅"]),
                    phone=rng.choice(["", f"13{rng.randint(100000000, 999999999)}"]),
                    created_at=created,
                    answer=answer if answered else "",
                    answered_by=cadre if answered else None,
                    answered_at=min(now, created + dt.timedelta(days=rng.randint(0, 3), hours=2))
                    if answered
                    else None,
                )
            )
    Suggestion.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _demo_village_rest_days(county: Region) -> int:
    """The demo village (where the demo logins sit: the first village of the first township) is on duty
    on rest days too, from today for two weeks, so a first look on a Saturday or a holiday can check in.
    Its secretary takes them. Idempotent: days already rostered are left alone."""
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first() if township else None
    post = (
        Post.objects.filter(region=village, role=Role.VILLAGE_SECRETARY, ended_on__isnull=True)
        .select_related("user")
        .order_by("started_on", "pk")
        .first()
    )
    if post is None:
        return 0
    today = timezone.localdate()
    exceptions = dict(
        CalendarDay.objects.filter(
            county=county, date__range=(today, today + dt.timedelta(days=14))
        ).values_list("date", "kind")
    )
    have = set(DutyShift.objects.filter(village=village, date__gte=today).values_list("date", flat=True))
    days = [today + dt.timedelta(days=n) for n in range(15)]
    shifts = [
        DutyShift(village=village, date=day, cadre=post.user)
        for day in days
        if day not in have and not is_working_day(day, exceptions)
    ]
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)


def _fill_centers(county: Region) -> None:
    rng = random.Random(11)
    items = list(ChecklistItem.objects.applying_at(county))
    rooms = list(RoomType.objects.filter(region__isnull=True))
    today = timezone.localdate()
    centers = ServiceCenter.objects.within(county).select_related("region")
    have = set(ChecklistEntry.objects.filter(center__in=centers).values_list("center_id", "item_id"))
    new_entries = []
    for center in centers:
        if not center.address:
            street = "人民路" if center.region.level != Level.VILLAGE else ""
            center.address = f"{center.region.name}{street}{rng.randint(1, 99)}号"
            center.duty_phone = f"0395-{rng.randint(5000000, 8999999)}"
            center.save(update_fields=["address", "duty_phone"])
            center.rooms.set(rng.sample(rooms, rng.randint(4, len(rooms))))
        # Varied states: most centers meet most items; a few lag behind.
        share = rng.choice([1.0, 0.9, 0.75, 0.5, 0.25])
        for item in items:
            if (center.pk, item.pk) not in have:
                met = rng.random() < share
                new_entries.append(
                    ChecklistEntry(
                        center=center,
                        region_id=center.region_id,
                        item=item,
                        is_met=met,
                        checked_on=today - dt.timedelta(days=rng.randint(1, 90)),
                        note="" if met else "待整改",
                    )
                )
    ChecklistEntry.objects.bulk_create(new_entries, batch_size=2000)


def _duty_and_requests(county: Region) -> tuple[int, int]:
    """Thirty days of duty shifts and a few proxy requests per village, once (skipped when present)."""
    if DutyShift.objects.within(county).exists():
        return 0, 0
    rng = random.Random(23)
    today = timezone.localdate()
    secretaries = {
        p.region_id: p.user
        for p in Post.objects.within(county)
        .filter(role=Role.VILLAGE_SECRETARY, ended_on__isnull=True)
        .select_related("user")
    }
    shifts = []
    for region_id, cadre in secretaries.items():
        for offset in range(-30, 15):
            day = today + dt.timedelta(days=offset)
            if not is_working_day(day, {}):
                continue
            shift = DutyShift(village_id=region_id, date=day, cadre=cadre)
            if offset < 0:
                roll = rng.random()
                shift.attendance = "absent" if roll < 0.04 else ("late" if roll < 0.12 else "on_time")
                if shift.attendance != "absent":
                    minute = rng.randint(15, 58) if shift.attendance == "on_time" else rng.randint(12, 50)
                    hour = 8 if shift.attendance == "on_time" else 9
                    shift.checked_in_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
                    shift.checked_out_at = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 35)))
                    shift.visitors = rng.randint(0, 12)
            shifts.append(shift)
    DutyShift.objects.bulk_create(shifts, batch_size=5000)
    items = list(ServiceItem.objects.filter(region__isnull=True, is_active=True))
    villages = {r.pk: r for r in Region.objects.filter(pk__in=secretaries)}
    surnames = "王李张刘陈杨赵黄周吴"
    requests = 0
    for region_id, cadre in secretaries.items():
        for _ in range(rng.randint(2, 5)):
            item = rng.choice(items)
            accepted = today - dt.timedelta(days=rng.randint(0, 40))
            promised, warn = promise_dates(villages[region_id], accepted, item.promised_days)
            number, code = new_codes(accepted)
            status = rng.choice(["accepted", "in_progress", "in_progress", "done", "replied", "replied"])
            finished = None
            if status in ("done", "replied"):
                # Most finish by the promise; about one in six a few days after it (the figures show both).
                late_by = rng.randint(1, 4) if rng.random() < 0.17 else -rng.randint(0, 3)
                finished = min(today, max(accepted, promised + dt.timedelta(days=late_by)))
            proxy_request = ProxyRequest.objects.create(
                number=number,
                receipt_code=code,
                village_id=region_id,
                item=item,
                applicant_name=rng.choice(surnames) + rng.choice(["大爷", "奶奶", "大哥", "大姐"]),
                applicant_phone=f"13{rng.randint(100000000, 999999999)}",
                materials_received=item.material_list[:2],
                accepted_by=cadre,
                accepted_on=accepted,
                handler=cadre,
                office=item.office,
                promised_date=promised,
                original_promised_date=promised,
                warn_on=warn,
                status=status,
                result="已办结" if status in ("done", "replied") else "",
                reply_text="已办结，材料已交还本人" if status == "replied" else "",
                finished_on=finished,
                working_days_taken=(
                    working_days_between(county=county, start=accepted, end=finished) if finished else None
                ),
                satisfaction=rng.choice(["satisfied", "satisfied", "fairly"]) if status == "replied" else "",
            )
            ProxyRequestTimelineEvent.objects.create(
                proxy_request=proxy_request,
                kind=ProxyRequestTimelineEvent.Kind.ACCEPT,
                to_state="accepted",
                actor=cadre,
                payload={"promised_date": promised.isoformat()},
            )
            requests += 1
    requests += _demo_extensions(county, secretaries, rng)
    return len(shifts), requests


def _demo_extensions(county: Region, secretaries: dict, rng: random.Random) -> int:
    """Two requests of the demo village with a 延期申请 (DOMAIN_RULES C.10): one the township approved
    and the village then finished after the original promise but by the new date (延期办结 in the
    figures), one still waiting on the township's list. Written as the services write them."""
    Kind, Status = ProxyRequestTimelineEvent.Kind, ProxyRequest.Status
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first() if township else None
    approver = (
        Post.objects.filter(region=township, role=Role.TOWNSHIP_LEADER, ended_on__isnull=True)
        .select_related("user")
        .order_by("started_on", "pk")
        .first()
    )
    cadre = secretaries.get(village.pk) if village else None
    item = (
        ServiceItem.objects.filter(region__isnull=True, is_active=True, promised_days__range=(5, 10))
        .order_by("sort_order", "pk")
        .first()
    )
    if cadre is None or approver is None or item is None:
        return 0
    today = timezone.localdate()
    specs = (
        # (accepted days ago, days added by the extension, finished days after the original promise)
        (40, 10, 4),
        (2, 7, None),
    )
    for ago, extra, finished_after in specs:
        accepted = today - dt.timedelta(days=ago)
        original, warn = promise_dates(village, accepted, item.promised_days)
        asked_to = original + dt.timedelta(days=extra)
        number, code = new_codes(accepted)
        approved = finished_after is not None
        finished = original + dt.timedelta(days=finished_after) if approved else None
        proxy_request = ProxyRequest.objects.create(
            number=number,
            receipt_code=code,
            village=village,
            item=item,
            applicant_name=rng.choice("王李张刘陈") + "大姐",
            applicant_phone=f"13{rng.randint(100000000, 999999999)}",
            materials_received=item.material_list[:1],
            accepted_by=cadre,
            accepted_on=accepted,
            handler=cadre,
            office=item.office,
            promised_date=asked_to if approved else original,
            original_promised_date=original,
            warn_on=warn_before(village, asked_to, accepted) if approved else warn,
            status=Status.REPLIED if approved else Status.IN_PROGRESS,
            result="已办结" if approved else "",
            reply_text="已办结，证明已交本人" if approved else "",
            satisfaction="fairly" if approved else "",
            finished_on=finished,
            working_days_taken=working_days_between(county=county, start=accepted, end=finished)
            if finished
            else None,
            extension_to=None if approved else asked_to,
            extension_reason="" if approved else "需到县档案馆调取原始档案，预计一周",
            extension_asked_by=None if approved else cadre,
            extension_asked_on=None if approved else today,
        )
        events = [
            (Kind.ACCEPT, "", Status.ACCEPTED, cadre, "", {"promised_date": original.isoformat()}, True),
            (Kind.START, Status.ACCEPTED, Status.IN_PROGRESS, cadre, "", {}, True),
            (
                Kind.EXTENSION_ASK,
                Status.IN_PROGRESS,
                Status.IN_PROGRESS,
                cadre,
                "需到县档案馆调取原始档案，预计一周",
                {"from": original.isoformat(), "to": asked_to.isoformat()},
                False,
            ),
        ]
        if approved:
            events += [
                (
                    Kind.EXTENSION_GRANT,
                    Status.IN_PROGRESS,
                    Status.IN_PROGRESS,
                    approver.user,
                    "同意",
                    {"from": original.isoformat(), "to": asked_to.isoformat()},
                    True,
                ),
                (Kind.COMPLETE, Status.IN_PROGRESS, Status.DONE, cadre, "", {"result": "已办结"}, True),
                (
                    Kind.REPLY,
                    Status.DONE,
                    Status.REPLIED,
                    cadre,
                    "",
                    {"satisfaction": "fairly", "channel": "电话告知"},
                    True,
                ),
            ]
        ProxyRequestTimelineEvent.objects.bulk_create(
            ProxyRequestTimelineEvent(
                proxy_request=proxy_request,
                kind=kind,
                from_state=source,
                to_state=target,
                actor=actor,
                note=note,
                payload=payload,
                is_public=public,
            )
            for kind, source, target, actor, note, payload, public in events
        )
    return len(specs)

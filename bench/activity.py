"""One year of activity for the benchmark database: duty shifts and proxy requests with their timelines.

Runs after the divisions and people are imported (it needs the villages and the ``sec<code>`` /
``cwh<code>`` cadres that ``people_import`` created), inside one transaction, with ``bulk_create``:

* **duty shifts**: every village, every day from ``today - 334`` to ``today + 30`` (365 days, so
  1,500 villages give 547,500 shifts; the roster of the current month also has planned days). The
  secretary and the committee member alternate (the secretary is on duty today). Past shifts are
  mostly on time (90 %), some late (6 %) or absent (4 %); today's and later ones are pending.
* **proxy requests**: 200/3 per village (100,000 at city scale, 26,667 at county scale), accepted on
  a working day of the past 335 days by that day's duty cadre (linked to the shift), over the
  standard service items; promised and yellow-flag dates in working days (weekends off, no
  calendar exceptions). Requests not yet due are mostly open; older ones mostly done or replied,
  some returned, and 6 % still open past their promised date (red). Each request has its timeline
  (``ProxyRequestTimelineEvent``: 受理, then 承办 / 办结 / 回复 / 退回 as its status implies, about 3.4 per
  request) with the facts in ``payload`` as ``centers.services`` writes them: the promised date on
  受理, the result on 办结, satisfaction and channel on 回复; 退回 keeps its reason in ``note`` and is not
  public.

Numbers are ``DB<accepted_on><6-digit sequence of the day>``; receipt codes are 8 characters of the
lookup alphabet, a bijection of the row index, so both are unique without asking the database.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from array import array
from contextlib import contextmanager

SHIFT_DAYS_BEFORE = 334  # shifts from today - 334 ...
SHIFT_DAYS_AFTER = 30  # ... to today + 30: 365 days
REQUESTS_PER_VILLAGE = 200 / 3  # 100,000 for 1,500 villages
BATCH = 5000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # centers.services.proxy_requests.new_codes
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
RESULTS = [
    "已办结，证件已送达本人",
    "材料已报送乡镇，审批通过",
    "已协调相关科室办理完毕",
    "已代为领取并交付申请人",
    "已办理，结果已电话告知",
]
RETURN_REASONS = ["材料不齐，已告知补充后再办", "不符合办理条件，已解释政策", "申请人撤回申请"]
REPLY_CHANNEL = "电话告知"


def receipt_code(index: int) -> str:
    """A distinct 8-character code for every index below 32**8 (an odd multiplier is a bijection mod 2**40)."""
    value = (index * 0x9E3779B97 + 0x5BD1E995) % (1 << 40)
    return "".join(CODE_ALPHABET[(value >> (5 * k)) & 31] for k in range(8))


def id_number(rng: random.Random, area: str) -> str:
    """A valid 18-digit resident ID (GB 11643 checksum) from the village's county."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(65 * 365))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def working_day_after(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (weekends off; the bench has no calendar exceptions)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    return sum(1 for n in range(1, (end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def explicit_timestamps(*fields):
    """Lets bulk_create keep the given ``auto_now_add`` values (event times, creation times) in the past."""
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def populate(*, today: dt.date | None = None, seed: int = 5, progress=print) -> dict:
    """Creates the shifts, requests and their timeline events; returns counts and seconds. Needs Django set up."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from centers.models import DutyShift, ProxyRequest, ProxyRequestTimelineEvent, ServiceItem
    from regions.models import Region
    from regions.roles import Level

    today = today or timezone.localdate()
    rng = random.Random(seed)
    started = time.perf_counter()
    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", "code"))
    cadre_ids = dict(User.objects.filter(username__regex=r"^(sec|cwh)\d{12}$").values_list("username", "pk"))
    items = list(ServiceItem.objects.filter(region__isnull=True, is_active=True).order_by("sort_order", "id"))
    if not villages or not items:
        raise SystemExit("populate: no villages or no standard service items")
    pairs = []  # (secretary id, committee member id) per village
    for _, code in villages:
        try:
            pairs.append((cadre_ids[f"sec{code}"], cadre_ids[f"cwh{code}"]))
        except KeyError as exc:
            raise SystemExit(f"populate: cadre {exc} of village {code} was not imported") from exc

    first_day = today - dt.timedelta(days=SHIFT_DAYS_BEFORE)
    days = [first_day + dt.timedelta(days=n) for n in range(SHIFT_DAYS_BEFORE + SHIFT_DAYS_AFTER + 1)]
    Attendance = DutyShift.Attendance

    def cadre_on(v: int, day_index: int) -> int:
        # The secretary is on duty on today's date (and every other day), the committee member between.
        return pairs[v][(SHIFT_DAYS_BEFORE - day_index) % 2]

    counts = {"shifts": 0, "requests": 0, "events": 0}
    with transaction.atomic():
        with connection.cursor() as cursor:
            # As regions_import does: check foreign keys per row instead of queueing one deferred
            # check per row until commit (with pghistory's subtransactions that queue costs O(n^2)).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        # Duty shifts -------------------------------------------------------------------------
        shift_ids = [array("q") for _ in villages]  # shift id per (village, day index), for the requests
        batch: list[DutyShift] = []
        owners: list[int] = []

        def flush_shifts() -> None:
            DutyShift.objects.bulk_create(batch, batch_size=BATCH)
            for v, shift in zip(owners, batch, strict=True):
                shift_ids[v].append(shift.pk)
            counts["shifts"] += len(batch)
            batch.clear()
            owners.clear()

        for v, (village_id, _) in enumerate(villages):
            for d, day in enumerate(days):
                shift = DutyShift(village_id=village_id, date=day, cadre_id=cadre_on(v, d))
                if day < today:
                    roll = rng.random()
                    if roll < 0.04:
                        shift.attendance = Attendance.ABSENT
                    else:
                        late = roll < 0.10
                        shift.attendance = Attendance.LATE if late else Attendance.ON_TIME
                        shift.checked_in_at = (
                            at(day, 9, rng.randrange(11, 59)) if late else at(day, 8, rng.randrange(0, 50))
                        )
                        shift.left_early = rng.random() < 0.02
                        shift.checked_out_at = (
                            at(day, 16, rng.randrange(0, 59))
                            if shift.left_early
                            else at(day, 17, rng.randrange(30, 59))
                        )
                        shift.visitors = rng.randrange(0, 13)
                        if shift.visitors and rng.random() < 0.3:
                            shift.handled = f"接待群众{shift.visitors}人次，解答政策咨询"
                batch.append(shift)
                owners.append(v)
                if len(batch) >= BATCH:
                    flush_shifts()
        if batch:
            flush_shifts()
        shifts_s = time.perf_counter() - started
        progress(f"   {counts['shifts']} duty shifts in {shifts_s:.1f} s")

        # Proxy requests and their timelines -----------------------------------------------------
        Event = ProxyRequestTimelineEvent
        Status, Kind, Satisfaction = ProxyRequest.Status, Event.Kind, ProxyRequest.Satisfaction
        working = [d for d, day in enumerate(days) if day <= today and day.weekday() < 5]
        total = round(len(villages) * REQUESTS_PER_VILLAGE)
        plan = sorted((rng.choice(working), rng.randrange(len(villages))) for _ in range(total))
        per_day: dict[int, int] = {}
        requests: list[ProxyRequest] = []
        events_of: list[list[ProxyRequestTimelineEvent]] = []
        requests_started = time.perf_counter()

        def flush_requests() -> None:
            with explicit_timestamps(ProxyRequest._meta.get_field("created_at"), Event._meta.get_field("at")):
                ProxyRequest.objects.bulk_create(requests, batch_size=BATCH)
                events = []
                for request, own in zip(requests, events_of, strict=True):
                    for event in own:
                        event.proxy_request_id = request.pk
                    events.extend(own)
                Event.objects.bulk_create(events, batch_size=BATCH)
            counts["requests"] += len(requests)
            counts["events"] += len(events)
            requests.clear()
            events_of.clear()

        for index, (d, v) in enumerate(plan):
            accepted_on = days[d]
            village_id, code = villages[v]
            item = rng.choice(items)
            accepted_by = cadre_on(v, d)
            other = pairs[v][1] if accepted_by == pairs[v][0] else pairs[v][0]
            handler = other if rng.random() < 0.1 else accepted_by
            promised = working_day_after(accepted_on, item.promised_days)
            warn = (
                accepted_on
                if item.promised_days <= 1
                else working_day_after(accepted_on, item.promised_days - 1)
            )
            per_day[d] = per_day.get(d, 0) + 1
            materials = item.material_list
            request = ProxyRequest(
                number=f"DB{accepted_on:%Y%m%d}{per_day[d]:06d}",
                receipt_code=receipt_code(index),
                village_id=village_id,
                item=item,
                applicant_name=_name(rng),
                applicant_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                applicant_id_number=id_number(rng, code[:6])
                if item.needs_id_number or rng.random() < 0.5
                else "",
                materials_received=[m for m in materials if rng.random() < 0.85],
                notes="" if rng.random() < 0.8 else "申请人行动不便，上门收取材料",
                accepted_by_id=accepted_by,
                accepted_on=accepted_on,
                handler_id=handler,
                office=item.office,
                promised_date=promised,
                original_promised_date=promised,
                warn_on=warn,
                shift_id=shift_ids[v][d],
                created_at=at(accepted_on, 9, rng.randrange(0, 59)),
            )
            # As PROXY_REQUEST.record(created=True) and .apply() write them: no prose, the facts in payload.
            events = [
                Event(
                    kind=Kind.ACCEPT,
                    from_state="",
                    to_state=Status.ACCEPTED,
                    actor_id=accepted_by,
                    at=request.created_at,
                    payload={"promised_date": promised.isoformat()},
                )
            ]
            if promised >= today:
                roll = rng.random()
                status = (
                    Status.ACCEPTED
                    if roll < 0.3
                    else Status.IN_PROGRESS
                    if roll < 0.8
                    else Status.DONE
                    if roll < 0.95
                    else Status.RETURNED
                )
            else:
                roll = rng.random()
                status = (
                    Status.ACCEPTED
                    if roll < 0.02
                    else Status.IN_PROGRESS
                    if roll < 0.06
                    else Status.RETURNED
                    if roll < 0.14
                    else Status.DONE
                    if roll < 0.40
                    else Status.REPLIED
                )
            request.status = status
            start_day = min(today, working_day_after(accepted_on, 1))
            if status != Status.ACCEPTED and status != Status.RETURNED:
                events.append(
                    Event(
                        kind=Kind.START,
                        from_state=Status.ACCEPTED,
                        to_state=Status.IN_PROGRESS,
                        actor_id=handler,
                        at=at(start_day, 10, 0),
                    )
                )
            if status in (Status.DONE, Status.REPLIED):
                # Mostly within the promise, some a few days late; never after today.
                finished = min(today, working_day_after(accepted_on, rng.randint(1, item.promised_days + 3)))
                request.finished_on = finished
                request.working_days_taken = working_days_between(accepted_on, finished)
                request.result = rng.choice(RESULTS)
                events.append(
                    Event(
                        kind=Kind.COMPLETE,
                        from_state=Status.IN_PROGRESS,
                        to_state=Status.DONE,
                        actor_id=handler,
                        at=at(finished, 15, 0),
                        payload={"result": request.result},
                    )
                )
                if status == Status.REPLIED:
                    roll = rng.random()
                    request.satisfaction = (
                        Satisfaction.SATISFIED
                        if roll < 0.8
                        else Satisfaction.FAIRLY
                        if roll < 0.95
                        else Satisfaction.UNSATISFIED
                    )
                    events.append(
                        Event(
                            kind=Kind.REPLY,
                            from_state=Status.DONE,
                            to_state=Status.REPLIED,
                            actor_id=handler,
                            at=at(min(today, finished + dt.timedelta(days=1)), 11, 0),
                            payload={"satisfaction": str(request.satisfaction), "channel": REPLY_CHANNEL},
                        )
                    )
            if status == Status.RETURNED:
                # 明确答复制: a return answers the applicant (reply_text, public); the reason stays in the note.
                request.reply_text = "经核实不符合办理条件，已当面说明政策和其他办理途径"
                events.append(
                    Event(
                        kind=Kind.RETURN,
                        from_state=Status.ACCEPTED,
                        to_state=Status.RETURNED,
                        actor_id=handler,
                        at=at(start_day, 10, 30),
                        note=rng.choice(RETURN_REASONS),
                        payload={"channel": REPLY_CHANNEL},
                    )
                )
            # 受理 is recorded with version 1; every transition after it bumps the version once.
            request.version = len(events)
            requests.append(request)
            events_of.append(events)
            if len(requests) >= BATCH:
                flush_requests()
        if requests:
            flush_requests()
        requests_s = time.perf_counter() - requests_started
        progress(
            f"   {counts['requests']} proxy requests, {counts['events']} timeline events in {requests_s:.1f} s"
        )
    # Fresh statistics, as autovacuum would have after a year of use.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts.update(shifts_s=shifts_s, requests_s=requests_s, total_s=time.perf_counter() - started)
    return counts


def _name(rng: random.Random) -> str:
    from regions.demo import person_name

    return person_name(rng)

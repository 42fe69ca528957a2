"""Excel exports of centers' lists: each declares its sheet (spreadsheets.sheets) and hands it rows."""

from __future__ import annotations

from django.db.models import Max, Min
from openpyxl import Workbook

from core.formats import zh_date
from regions.models import Region
from spreadsheets.sheets import DATE, INT, RATE, TEXT, Column, SheetSpec, period_text, sheet_write
from spreadsheets.writing import workbook_bytes

# The catalog's first seven columns are what the import reads back (centers.services.service_items_import).
SERVICE_ITEM_HEADER = (
    "事项名称",
    "类别",
    "办理方式",
    "责任科室",
    "所需材料",
    "承诺时限（工作日）",
    "是否需要身份证号",
    "制定单位",
)
SERVICE_ITEMS = SheetSpec(
    "服务事项",
    "服务事项清单",
    tuple(Column(h, INT if h == "承诺时限（工作日）" else TEXT) for h in SERVICE_ITEM_HEADER),
)


def _covering_region(low: str | None, high: str | None) -> str:
    """The name of the smallest region whose code covers both codes (the span of an export's rows)."""
    if not low or not high:
        return ""
    prefixes = [low[:n] for n in (12, 9, 6, 4, 2) if low[:n] == high[:n]]
    regions = Region.objects.filter(prefix__in=prefixes).select_related("parent")
    region = max(regions, key=lambda r: len(r.prefix), default=None)
    return _region_name(region) if region is not None else ""


def _region_name(region: Region) -> str:
    """A village is named with its township: village names repeat across townships."""
    return f"{region.parent.name}{region.name}" if region.is_village and region.parent else region.name


def service_items_to_xlsx(items) -> bytes:
    """The same rows as the catalog page, under a title naming the owners' region and the day."""
    from django.utils import timezone

    span = items.aggregate(low=Min("region__code"), high=Max("region__code"))
    workbook = Workbook(write_only=True)
    sheet_write(
        workbook,
        SERVICE_ITEMS,
        (
            (
                item.name,
                item.category,
                item.get_handling_way_display(),
                item.office,
                "；".join(item.material_list),
                item.promised_days,
                "是" if item.needs_id_number else "否",
                item.region.name if item.region else "标准目录",
            )
            for item in items.iterator(chunk_size=1000)
        ),
        region=_covering_region(span["low"], span["high"]),
        period=zh_date(timezone.localdate()),
    )
    return workbook_bytes(workbook)


# The register's columns as read from the database (bench/run.py's baseline reads the same).
REQUEST_FIELDS = (
    "number",
    "village__parent__name",
    "village__name",
    "item__name",
    "item__handling_way",
    "applicant_name",
    "applicant_phone",
    "applicant_id_number",
    "materials_received",
    "accepted_on",
    "original_promised_date",
    "promised_date",
    "status",
    "accepted_by__real_name",
    "handler__real_name",
    "finished_on",
    "working_days_taken",
    "result",
    "satisfaction",
)
REQUESTS = SheetSpec(
    "代办登记",
    "代办登记簿",
    (
        Column("受理编号"),
        Column("乡镇（街道）"),
        Column("村（社区）"),
        Column("服务事项"),
        Column("办理方式"),
        Column("申请人"),
        Column("联系电话"),
        Column("身份证号"),
        Column("已收材料"),
        Column("受理日期", DATE),
        Column("原承诺办结日期", DATE),
        Column("承诺办结日期（含批准延期）", DATE),
        Column("状态"),
        Column("首问责任人"),
        Column("承办人"),
        Column("办结日期", DATE),
        Column("按时情况"),
        Column("用时（工作日）", INT),
        Column("办理结果"),
        Column("满意度"),
    ),
    total=True,
    count_unit="件",
)
REQUEST_HEADER = tuple(c.header for c in REQUESTS.columns)


def proxy_request_rows(requests, *, reveal: bool):
    """The register's rows as plain values, personal data masked unless ``reveal``.

    Reads plain tuples (values_list) rather than model instances: at 100,000 rows building
    instances cost several times what openpyxl itself needs.
    """
    from django.utils import timezone

    from centers.models import HandlingWay, ProxyRequest, request_timeliness
    from core.personal_data import mask_id_number, mask_phone

    today = timezone.localdate()
    ways, statuses = dict(HandlingWay.choices), dict(ProxyRequest.Status.choices)
    satisfaction = dict(ProxyRequest.Satisfaction.choices)
    for (
        number,
        township,
        village,
        item,
        way,
        name,
        phone,
        id_number,
        materials,
        accepted_on,
        original,
        promised,
        status,
        accepted_by,
        handler,
        finished_on,
        days,
        result,
        satisfied,
    ) in requests.values_list(*REQUEST_FIELDS).iterator(chunk_size=5000):
        yield (
            number,
            township,
            village,
            item,
            ways.get(way, way),
            name,
            phone if reveal else mask_phone(phone),
            id_number if reveal else mask_id_number(id_number),
            "、".join(materials),
            accepted_on,
            original,
            promised,
            statuses.get(status, status),
            accepted_by,
            handler,
            finished_on,
            request_timeliness(
                status=status, finished_on=finished_on, original=original, promised=promised, today=today
            ),
            days,
            result,
            satisfaction.get(satisfied, ""),
        )


def proxy_requests_write(
    requests, workbook, *, reveal: bool, params: dict | None = None, progress=None
) -> int:
    """Writes the register to a sheet of the write-only workbook. The title names the region the rows
    cover and the acceptance dates asked for (``params`` of a large export) or else those of the rows."""
    import datetime as dt

    span = requests.aggregate(
        low=Min("village__code"), high=Max("village__code"), first=Min("accepted_on"), last=Max("accepted_on")
    )
    params = params or {}
    first = dt.date.fromisoformat(params["date_from"]) if params.get("date_from") else span["first"]
    last = dt.date.fromisoformat(params["date_to"]) if params.get("date_to") else span["last"]
    return sheet_write(
        workbook,
        REQUESTS,
        proxy_request_rows(requests, reveal=reveal),
        region=_covering_region(span["low"], span["high"]),
        period=f"受理日期{period_text(first, last, zh_date)}" if first or last else "",
        progress=progress,
    )


def proxy_requests_to_xlsx(requests, *, reveal: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    proxy_requests_write(requests, workbook, reveal=reveal)
    return workbook_bytes(workbook)


ATTENDANCE = SheetSpec(
    "坐班出勤",
    "坐班出勤",
    (
        Column("乡镇（街道）"),
        Column("村（社区）"),
        Column("区划代码"),
        Column("应值班", INT, total=True),
        Column("已出勤", INT, total=True),
        Column("迟到", INT, total=True),
        Column("缺勤", INT, total=True),
        Column("早退", INT, total=True),
        Column("未签退", INT, total=True),
        Column("出勤率", RATE, ratio=("已出勤", "应值班")),
    ),
    total=True,
    township="乡镇（街道）",
)
ATTENDANCE_HEADER = tuple(c.header for c in ATTENDANCE.columns)


def attendance_to_xlsx(rows: list[dict], *, region: Region, start, end) -> bytes:
    """Attendance by village (rows of centers.selectors.attendance_by_village, in division-code order),
    each village beside its township, a 小计 per township and the region's 合计."""
    workbook = Workbook(write_only=True)
    sheet_write(
        workbook,
        ATTENDANCE,
        (
            (
                r["township"],
                r["village__name"],
                r["village__code"],
                r["due"],
                r["attended"],
                r["late"],
                r["absent"],
                r["early"],
                r["no_check_out"],
                r["rate"].fraction,
            )
            for r in rows
        ),
        region=_region_name(region),
        period=period_text(start, end, zh_date),
    )
    return workbook_bytes(workbook)


def _request_filters(params: dict) -> dict:
    import datetime as dt

    filters = {
        k: v
        for k, v in params.items()
        if k in ("status", "flag", "query", "item_id", "handler_id", "township", "village", "extension") and v
    }
    for key in ("date_from", "date_to"):
        if params.get(key):
            filters[key] = dt.date.fromisoformat(params[key])
    return filters


def _requests_of(job):
    from centers.selectors import proxy_requests_for_user

    return proxy_requests_for_user(user=job.user, **_request_filters(job.params))


def proxy_requests_export_count(job) -> int:
    return _requests_of(job).count()


def proxy_requests_export_build(job, workbook, progress) -> int:
    """The register of a large export, built by spreadsheets' task from the same selector as the page."""
    return proxy_requests_write(
        _requests_of(job), workbook, reveal=False, params=job.params, progress=progress
    )


SUGGESTIONS = SheetSpec(
    "问题建议",
    "问题建议收集和答复情况",
    (
        Column("乡镇（街道）"),
        Column("村（社区）"),
        Column("区划代码"),
        Column("收集问题建议", INT, total=True),
        Column("已答复", INT, total=True),
        Column("未答复", INT, total=True),
        Column("答复率", RATE, ratio=("已答复", "收集问题建议")),
    ),
    total=True,
    township="乡镇（街道）",
)


def suggestions_to_xlsx(rows: list[dict], *, region: Region, start, end) -> bytes:
    """Suggestions by village (rows of centers.selectors.suggestion_figures, in division-code order), a
    小计 per township and the region's 合计, as the figures page shows them."""
    workbook = Workbook(write_only=True)
    sheet_write(
        workbook,
        SUGGESTIONS,
        (
            (
                r["township"],
                r["name"],
                r["code"],
                r["collected"],
                r["answered"],
                r["open"],
                r["rate"].fraction,
            )
            for r in rows
        ),
        region=_region_name(region),
        period=period_text(start, end, zh_date),
    )
    return workbook_bytes(workbook)

"""Excel exports of centers' lists (openpyxl write-only; cells that would run as formulas are escaped)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from spreadsheets.writing import safe_row

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


def service_items_to_xlsx(items) -> bytes:
    """The same rows as the catalog page; the import reads this layout back (its first seven columns)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("服务事项")
    sheet.append(SERVICE_ITEM_HEADER)
    for item in items.iterator(chunk_size=1000):
        sheet.append(
            safe_row(
                [
                    item.name,
                    item.category,
                    item.get_handling_way_display(),
                    item.office,
                    "；".join(item.material_list),
                    item.promised_days,
                    "是" if item.needs_id_number else "否",
                    item.region.name if item.region else "标准目录",
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


REQUEST_HEADER = (
    "受理编号",
    "村（社区）",
    "服务事项",
    "办理方式",
    "申请人",
    "联系电话",
    "身份证号",
    "已收材料",
    "受理日期",
    "承诺办结日期",
    "状态",
    "首问责任人",
    "承办人",
    "办结日期",
    "用时（工作日）",
    "办理结果",
    "满意度",
)


def proxy_requests_write(requests, sheet, *, reveal: bool, progress=None) -> int:
    """Writes the register rows to a write-only sheet; personal data masked unless ``reveal``.

    Reads plain tuples (values_list) rather than model instances: at 100,000 rows building
    instances cost several times what openpyxl itself needs.
    """
    from centers.models import HandlingWay, ProxyRequest
    from core.personal_data import mask_id_number, mask_phone

    ways, statuses = dict(HandlingWay.choices), dict(ProxyRequest.Status.choices)
    satisfaction = dict(ProxyRequest.Satisfaction.choices)
    rows = requests.values_list(
        "number",
        "village__name",
        "item__name",
        "item__handling_way",
        "applicant_name",
        "applicant_phone",
        "applicant_id_number",
        "materials_received",
        "accepted_on",
        "promised_date",
        "status",
        "accepted_by__real_name",
        "handler__real_name",
        "finished_on",
        "working_days_taken",
        "result",
        "satisfaction",
    )
    sheet.append(REQUEST_HEADER)
    count = 0
    for (
        number,
        village,
        item,
        way,
        name,
        phone,
        id_number,
        materials,
        accepted_on,
        promised,
        status,
        accepted_by,
        handler,
        finished_on,
        days,
        result,
        satisfied,
    ) in rows.iterator(chunk_size=5000):
        sheet.append(
            safe_row(
                [
                    number,
                    village,
                    item,
                    ways.get(way, way),
                    name,
                    phone if reveal else mask_phone(phone),
                    id_number if reveal else mask_id_number(id_number),
                    "、".join(materials),
                    accepted_on,
                    promised,
                    statuses.get(status, status),
                    accepted_by,
                    handler,
                    finished_on,
                    days,
                    result,
                    satisfaction.get(satisfied, ""),
                ]
            )
        )
        count += 1
        if progress is not None and count % 5000 == 0:
            progress(count)
    return count


def proxy_requests_to_xlsx(requests, *, reveal: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    proxy_requests_write(requests, workbook.create_sheet("代办登记"), reveal=reveal)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ATTENDANCE_HEADER = ("村（社区）", "区划代码", "应值班", "已出勤", "迟到", "缺勤", "早退", "出勤率")


def attendance_to_xlsx(rows: list[dict], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("坐班出勤")
    sheet.append(safe_row([title]))
    sheet.append(ATTENDANCE_HEADER)
    for r in rows:
        sheet.append(
            safe_row(
                [
                    r["village__name"],
                    r["village__code"],
                    r["due"],
                    r["attended"],
                    r["late"],
                    r["absent"],
                    r["early"],
                    round(r["rate"].percent, 1) if r["rate"].percent is not None else None,
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _request_filters(params: dict) -> dict:
    import datetime as dt

    filters = {
        k: v for k, v in params.items() if k in ("status", "flag", "query", "item_id", "handler_id") and v
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
        _requests_of(job), workbook.create_sheet("代办登记"), reveal=False, progress=progress
    )

"""Excel exports of centers' lists (openpyxl write-only; cells that would run as formulas are escaped)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from spreadsheets.writing import safe_row

SERVICE_ITEM_HEADER = ("事项名称", "类别", "办理方式", "责任科室", "所需材料", "承诺时限（工作日）", "是否需要身份证号", "制定单位")


def service_items_to_xlsx(items) -> bytes:
    """The same rows as the catalog page; the import reads this layout back (its first seven columns)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("服务事项")
    sheet.append(SERVICE_ITEM_HEADER)
    for item in items.iterator(chunk_size=1000):
        sheet.append(safe_row([item.name, item.category, item.get_handling_way_display(), item.office,
                               "；".join(item.material_list), item.promised_days,
                               "是" if item.needs_id_number else "否",
                               item.region.name if item.region else "标准目录"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

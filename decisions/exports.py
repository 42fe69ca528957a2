"""The decision record book (决策记录簿) of a village for a year as an Excel workbook."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook

from decisions import selectors
from decisions.models import Disclosure
from spreadsheets.writing import safe_row

MATTER_HEADER = (
    "编号",
    "事项名称",
    "事项类别",
    "事项内容",
    "预计金额（元）",
    "提议人",
    "提议日期",
    "决议日期",
    "决议公开日期",
    "实际支出（元）",
    "完成日期",
    "当前环节",
    "状态",
    "决议超时",
    "录入滞后",
    "原事项编号",
)
MEETING_HEADER = (
    "事项编号",
    "事项名称",
    "环节",
    "会议",
    "会议日期",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "应到人数调整理由",
    "户数",
    "到会户代表",
    "赞成",
    "反对",
    "弃权",
    "结果",
    "会议记录",
    "附件数",
    "录入时间",
)


def _spent(result: Disclosure | None):
    """The spent amount in force as a number cell; an old correction that is not an amount (flagged by
    migration 0005) as its text, marked for a person to check."""
    if result is None:
        return None
    amount, unreadable = selectors.disclosed_amount(result, result.amendments.all())
    return f"无法识别：{unreadable}" if unreadable else amount


def record_book_xlsx(*, village, year: int) -> bytes:
    workbook = Workbook(write_only=True)
    matters = workbook.create_sheet("决策事项")
    matters.append(MATTER_HEADER)
    for matter in selectors.record_book_matters(village=village, year=year):
        result = next((d for d in matter.disclosures.all() if d.kind == Disclosure.Kind.RESULT), None)
        matters.append(
            safe_row(
                [
                    matter.pk,
                    matter.title,
                    matter.category.name,
                    matter.content,
                    matter.estimated_amount,
                    matter.proposed_by,
                    matter.proposed_on,
                    matter.resolved_on,
                    matter.disclosed_on,
                    _spent(result),
                    matter.completed_on,
                    matter.get_step_display(),
                    matter.get_status_display(),
                    "是" if matter.resolved_late else "否",
                    "是" if matter.recorded_late else "否",
                    matter.previous_id,
                ]
            )
        )
    meetings = workbook.create_sheet("会议记录")
    meetings.append(MEETING_HEADER)
    for m in selectors.record_book_meetings(village=village, year=year):
        meetings.append(
            safe_row(
                [
                    m.matter_id,
                    m.matter.title,
                    m.get_step_display(),
                    m.get_body_display(),
                    m.held_on,
                    m.place,
                    m.chair,
                    m.recorder,
                    m.entitled,
                    m.present,
                    m.entitled_reason,
                    m.households_total,
                    m.households_present,
                    m.votes_for,
                    m.votes_against,
                    m.votes_abstain,
                    m.outcome,
                    m.minutes,
                    m.attachment_count,
                    # Excel has no time zones: the wall-clock time in Beijing, as the pages show it.
                    timezone.localtime(m.recorded_at).replace(tzinfo=None),
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

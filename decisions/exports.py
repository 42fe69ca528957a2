"""The decision record book (决策记录簿) of a village for a year as an Excel workbook."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from decisions import selectors
from decisions.models import Disclosure
from spreadsheets.sheets import DATE, DATETIME, INT, MONEY, Column, SheetSpec, sheet_write
from spreadsheets.writing import workbook_bytes

MATTERS = SheetSpec(
    "决策事项",
    "决策记录簿·决策事项",
    (
        Column("编号", INT),
        Column("事项名称"),
        Column("事项类别"),
        Column("事项内容"),
        Column("预计金额（元）", MONEY, total=True),
        Column("提议人"),
        Column("提议日期", DATE),
        Column("决议日期", DATE),
        Column("决议公开日期", DATE),
        Column("实际支出（元）", MONEY, total=True),
        Column("完成日期", DATE),
        Column("当前环节"),
        Column("状态"),
        Column("决议超时"),
        Column("录入滞后"),
        Column("原事项编号", INT),
    ),
    total=True,
    count_unit="项",
)
MEETINGS = SheetSpec(
    "会议记录",
    "决策记录簿·会议记录",
    (
        Column("事项编号", INT),
        Column("事项名称"),
        Column("环节"),
        Column("会议"),
        Column("会议日期", DATE),
        Column("地点"),
        Column("主持人"),
        Column("记录人"),
        Column("应到", INT),
        Column("实到", INT),
        Column("应到人数调整理由"),
        Column("户数", INT),
        Column("到会户代表", INT),
        Column("赞成", INT),
        Column("反对", INT),
        Column("弃权", INT),
        Column("结果"),
        Column("表决规则"),
        Column("通知日期", DATE),
        Column("通知不足10天"),
        Column("会议记录"),
        Column("附件数", INT),
        Column("录入时间", DATETIME),
    ),
)
REVIEWS = SheetSpec(
    "监委会审核",
    "决策记录簿·村务监督委员会公开前审核",
    (
        Column("事项编号", INT),
        Column("事项名称"),
        Column("公开类型"),
        Column("送审人"),
        Column("送审时间", DATETIME),
        Column("送审内容"),
        Column("实际支出（元）", MONEY),
        Column("验收情况"),
        Column("审核意见"),
        Column("异议理由"),
        Column("审核人"),
        Column("审核时间", DATETIME),
        Column("村里答复"),
        Column("答复人"),
        Column("答复时间", DATETIME),
    ),
)
MATTER_HEADER = tuple(c.header for c in MATTERS.columns)
REVIEW_HEADER = tuple(c.header for c in REVIEWS.columns)
MEETING_HEADER = tuple(c.header for c in MEETINGS.columns)


def _spent(result: Disclosure | None):
    """The spent amount in force as a number cell; an old correction that is not an amount (flagged by
    migration 0005) as its text, marked for a person to check."""
    if result is None:
        return None
    amount, unreadable = selectors.disclosed_amount(result, result.amendments.all())
    return f"无法识别：{unreadable}" if unreadable else amount


def _matter_rows(village, year: int):
    for matter in selectors.record_book_matters(village=village, year=year):
        # The current round's result (an upheld objection sent the matter back to 决议 for a new one).
        result = next(
            (
                d
                for d in matter.disclosures.all()
                if d.kind == Disclosure.Kind.RESULT and d.round == matter.round
            ),
            None,
        )
        yield (
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
        )


def _meeting_rows(village, year: int):
    for m in selectors.record_book_meetings(village=village, year=year):
        yield (
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
            # A resolution vote an upheld objection set aside stays in the book, marked (a later round).
            m.outcome + ("（异议成立，已重新决议）" if selectors.is_superseded(m, m.matter) else ""),
            m.rule_basis,
            m.notice_on,
            "是" if m.notice_short else "",
            m.minutes,
            m.attachment_count,
            # Excel has no time zones: the time as read in Beijing.
            timezone.localtime(m.recorded_at).replace(tzinfo=None),
        )


def _name(user) -> str:
    return (user.real_name or user.username) if user is not None else ""


def _local(moment):
    # Excel has no time zones: the time as read in Beijing.
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def _review_rows(village, year: int):
    for r in selectors.record_book_reviews(village=village, year=year):
        yield (
            r.matter_id,
            r.matter.title,
            r.get_kind_display(),
            _name(r.submitted_by),
            _local(r.submitted_at),
            r.text,
            r.spent_amount,
            r.acceptance,
            r.get_verdict_display() if r.verdict else "待审核",
            r.reason,
            _name(r.reviewed_by),
            _local(r.reviewed_at),
            r.answer,
            _name(r.answered_by),
            _local(r.answered_at),
        )


def record_book_xlsx(*, village, year: int) -> bytes:
    """决策记录簿 of one village for a year; the title names the village with its township (village names
    repeat across townships)."""
    name = f"{village.parent.name}{village.name}" if village.parent_id else village.name
    workbook = Workbook(write_only=True)
    sheet_write(workbook, MATTERS, _matter_rows(village, year), region=name, period=f"{year}年")
    sheet_write(workbook, MEETINGS, _meeting_rows(village, year), region=name, period=f"{year}年")
    sheet_write(workbook, REVIEWS, _review_rows(village, year), region=name, period=f"{year}年")
    return workbook_bytes(workbook)

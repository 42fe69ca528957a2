"""Notification kinds the service center system sends (labelled on the notification list)."""

from django.db import models


class CenterReminder(models.TextChoices):
    CHECKLIST_UNMET = "checklist_unmet", "建设标准未达标"
    REQUEST_YELLOW = "request_yellow", "代办黄牌提醒"
    REQUEST_RED = "request_red", "代办红牌督办"
    DUTY_CHECK_IN = "duty_check_in", "值班签到提醒"
    DUTY_ABSENT = "duty_absent", "值班缺勤"
    EXTENSION_ASKED = "extension_asked", "代办延期申请"
    EXTENSION_DECIDED = "extension_decided", "代办延期审批结果"
    SUGGESTION_NEW = "suggestion_new", "群众问题建议"

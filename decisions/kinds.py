"""Notification kinds the decisions system sends (labelled on the notification list)."""

from django.db import models


class DecisionReminder(models.TextChoices):
    DISCLOSURE_ENDED = "disclosure_ended", "公示期满"
    DISCLOSURE_OBJECTIONS_OPEN = "disclosure_objections_open", "公示期满尚有异议未答复"
    SUPERVISION_OBJECTION = "decision_objection", "村务监督委员会异议"
    MATTER_STUCK = "matter_stuck", "决策事项停滞"

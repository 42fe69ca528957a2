"""Notification kinds the mediation system sends (labelled on the notification list)."""

from django.db import models


class MediationReminder(models.TextChoices):
    ACCEPT_DUE_SOON = "dispute_accept_soon", "纠纷受理即将到期"
    ACCEPT_OVERDUE = "dispute_accept_overdue", "纠纷超期未受理"
    MEDIATION_DUE_SOON = "dispute_due_soon", "纠纷调解即将到期"
    MEDIATION_OVERDUE = "dispute_overdue", "纠纷调解超期"
    FOLLOW_UP_DUE_SOON = "dispute_follow_up_soon", "纠纷回访即将到期"
    FOLLOW_UP_OVERDUE = "dispute_follow_up_overdue", "纠纷回访超期"
    ESCALATED_TO_YOU = "dispute_escalated", "下级上报纠纷待受理"
    ASSIGNED = "dispute_assigned", "指派您调解纠纷"
    REPORTED = "dispute_reported", "网格员报告纠纷"
    URGED = "dispute_urged", "纠纷督办"

"""Notification kinds the decisions system sends (labelled on the notification list).

A stuck matter is reminded once per step it is stuck on, so the step is part of the kind: a matter that
moves on the day its step began (its ``step_since`` unchanged) is still reminded on the next step.
"""

from django.db import models

from decisions.models import STEP_ORDER, Step

_KINDS = [
    ("DISCLOSURE_ENDED", ("disclosure_ended", "公示期满")),
    ("DISCLOSURE_OBJECTIONS_OPEN", ("disclosure_objections_open", "公示期满尚有异议未答复")),
    ("SUPERVISION_OBJECTION", ("decision_objection", "村务监督委员会异议")),
    ("SUPERVISION_OBJECTION_ANSWERED", ("decision_objection_answered", "监委会异议已答复")),
    ("SUPERVISION_OBJECTION_CLOSED", ("decision_objection_closed", "监委会异议已关闭")),
    ("PUBLIC_OBJECTION", ("decision_public_objection", "村民在公开栏提出异议")),
    ("REVIEW_SUBMITTED", ("decision_review_submitted", "公开内容待监委会审核")),
    ("REVIEW_DONE", ("decision_review_done", "监委会已审核公开内容")),
    ("REVIEW_ANSWERED", ("decision_review_answered", "村里已答复审核异议")),
    ("AMENDMENT_PROPOSED", ("decision_amendment_proposed", "更正待监委会确认")),
    ("AMENDMENT_SIGNED", ("decision_amendment_signed", "监委会已处理更正")),
    *(
        (f"MATTER_STUCK_{step.name}", (f"matter_stuck:{step.value}", f"决策事项停滞（{step.label}）"))
        for step in STEP_ORDER
        if step != Step.IMPLEMENTATION
    ),
]
DecisionReminder = models.TextChoices("DecisionReminder", _KINDS)


def stuck_kind(step: str) -> str:
    return f"matter_stuck:{step}"

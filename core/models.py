"""Abstract bases shared by every workflow app: the append-only timeline event."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# A database trigger refuses UPDATE and DELETE: rows of history are written once.
APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class TimelineEvent(models.Model):
    """One entry on a record's timeline (进程): a transition of its workflow, or an event without one.

    Services store facts in ``payload`` (dates, votes, who took over), never prose; the template
    ``includes/timeline.html`` formats them through the subclass's ``PAYLOAD_TEMPLATE``. ``note`` is the
    user's own text. ``actor`` is empty when the system acted (a period ended overnight). Subclasses add
    the foreign key to their record and give ``kind`` and the states their choices.
    """

    PAYLOAD_TEMPLATE = ""

    kind = models.CharField("事件", max_length=30)
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # Public pages (the request lookup, the bulletin) show only public events, never names or notes.
    is_public = models.BooleanField("公开", default=True)
    payload = models.JSONField("记录事实", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    def get_kind_display(self) -> str:  # overridden by Django when the subclass gives ``kind`` choices
        return self.kind


def length_at_most(field: str, limit: int, label: str) -> models.CheckConstraint:
    """The database's own guard on a text column's length (a TextField's max_length is only the form's):
    text that reaches a record by any path, and a frozen record above all, stays within the limit."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"%(app_label)s_%(class)s_{field}_length",
        violation_error_message=f"{label}不能超过{limit}字。",
    )

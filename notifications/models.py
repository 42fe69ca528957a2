from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Notification(models.Model):
    """An in-app notification (站内通知) shown under the bell; also mailed when the user has an email."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类型", max_length=50)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # External delivery (email, later SMS): claimed with a lease, stamped when done.
    delivery_claimed_at = models.DateTimeField("投递认领时间", null=True, blank=True)
    delivered_at = models.DateTimeField("投递完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from notifications.kinds import kind_label

        return kind_label(self.kind)


@pghistory.track()
class Reminder(models.Model):
    """A reminder that was sent (提醒): at most one per (object, kind, due date, recipient).

    The unique constraint is what makes duplicated or retried tasks send nothing twice.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField("提醒类型", max_length=50)
    due_date = models.DateField("到期日")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "due_date", "recipient"],
                name="notifications_reminder_once",
                violation_error_message="该提醒已发送。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"

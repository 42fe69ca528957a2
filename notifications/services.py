"""Writes on notifications: create in-app notifications, send reminders once, mark read."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from notifications.models import Notification, Reminder


def notification_create(*, recipient, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Creates an in-app notification and, after commit, queues the other channels (email)."""
    from notifications.tasks import notification_deliver as notification_deliver_task

    notification = Notification.objects.create(recipient=recipient, kind=kind, title=title, body=body, url=url)
    transaction.on_commit(lambda: notification_deliver_task.delay(notification.id))
    return notification


def reminder_send(*, obj: models.Model, kind: str, due_date: date, recipient, title: str,
                  body: str = "", url: str = "") -> Reminder | None:
    """Sends a reminder unless one was already sent for (object, kind, due date, recipient).

    Returns the new Reminder, or None when it had been sent before. Safe to call from
    concurrent or retried tasks: the unique constraint decides, inside a savepoint.
    """
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(content_type=content_type, object_id=obj.pk, kind=kind,
                                               due_date=due_date, recipient=recipient)
    except IntegrityError:
        return None
    reminder.notification = notification_create(recipient=recipient, kind=kind, title=title, body=body, url=url)
    reminder.save(update_fields=["notification"])
    return reminder


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(read_at=timezone.now())


def notification_deliver(*, notification_id: int) -> bool:
    """Delivers one notification to its external channels once (claimed by a conditional update)."""
    from notifications.channels import CHANNELS

    claimed = Notification.objects.filter(id=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now())
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(id=notification_id)
    try:
        for channel in CHANNELS:
            if channel.applies_to(notification):
                channel.deliver(notification)
    except Exception:
        # Release the claim so a retry can deliver.
        Notification.objects.filter(id=notification_id).update(emailed_at=None)
        raise
    return True

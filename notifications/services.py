"""Writes on notifications: create in-app notifications, send reminders once, mark read."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Notification, Reminder
from notifications.selectors import unread_key

DELIVERY_LEASE = timedelta(minutes=15)


def notification_create(*, recipient, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Creates an in-app notification and, after commit, queues the other channels (email)."""
    from notifications.tasks import notification_deliver as notification_deliver_task

    notification = Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, url=url
    )
    unread_changed(recipient.pk)
    # robust: a broker that is down must not turn the committed request into an error;
    # notifications_deliver_pending picks up what was not queued.
    transaction.on_commit(lambda: notification_deliver_task.delay(notification.id), robust=True)
    return notification


def remind(
    obj: models.Model, *, kind: str, due_date: date, recipients, title: str, body: str = "", url: str = ""
) -> int:
    """Reminds each recipient once per (object, kind, due date): a retried or duplicated job sends
    nothing twice. ``recipients`` may repeat a person (one post as secretary, one as liaison). Returns
    the number of reminders sent now."""
    sent = 0
    for recipient in dict.fromkeys(recipients):
        if (
            _reminder_send(
                obj=obj, kind=kind, due_date=due_date, recipient=recipient, title=title, body=body, url=url
            )
            is not None
        ):
            sent += 1
    return sent


def _reminder_send(
    *, obj: models.Model, kind: str, due_date: date, recipient, title: str, body: str = "", url: str = ""
) -> Reminder | None:
    """Sends a reminder unless one was already sent for (object, kind, due date, recipient).

    Returns the new Reminder, or None when it had been sent before. Safe to call from
    concurrent or retried tasks: the unique constraint decides, inside a savepoint.
    """
    content_type = ContentType.objects.get_for_model(obj)
    # The outer block makes "reminder recorded" and "notification created" one fact.
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    content_type=content_type,
                    object_id=obj.pk,
                    kind=kind,
                    due_date=due_date,
                    recipient=recipient,
                )
        except IntegrityError:
            return None
        reminder.notification = notification_create(
            recipient=recipient, kind=kind, title=title, body=body, url=url
        )
        reminder.save(update_fields=["notification"])
    return reminder


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread_changed(notification.recipient_id)
    return notification


def notification_mark_all_read(*, recipient) -> int:
    marked = Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_changed(recipient.pk)
    return marked


def unread_changed(recipient_id: int) -> None:
    """The recipient's cached unread notifications are stale: dropped now and again after commit."""

    def forget() -> None:
        cache.delete(unread_key(recipient_id))

    forget()
    transaction.on_commit(forget, robust=True)


def notification_deliver(*, notification_id: int) -> bool:
    """Delivers one notification to its external channels once.

    The work is claimed with a lease (a conditional update): a duplicate task finds it claimed and
    does nothing, while a worker that died mid-delivery leaves a lease that expires, so the
    redelivered task (acks_late) or the sweeper can take it over. Done is stamped after success.
    """
    from notifications.channels import CHANNELS

    now = timezone.now()
    claimed = (
        Notification.objects.filter(id=notification_id, delivered_at__isnull=True)
        .filter(Q(delivery_claimed_at__isnull=True) | Q(delivery_claimed_at__lt=now - DELIVERY_LEASE))
        .update(delivery_claimed_at=now)
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(id=notification_id)
    try:
        for channel in CHANNELS:
            if channel.applies_to(notification):
                channel.deliver(notification)
    except Exception:
        Notification.objects.filter(id=notification_id).update(delivery_claimed_at=None)  # retry may deliver
        raise
    Notification.objects.filter(id=notification_id).update(delivered_at=timezone.now())
    return True


def notifications_deliver_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Queues delivery of notifications that were never delivered (broker down, worker lost)."""
    from notifications.tasks import notification_deliver as notification_deliver_task

    pending = Notification.objects.filter(
        delivered_at__isnull=True,
        created_at__lt=timezone.now() - older_than,
        created_at__gt=timezone.now() - timedelta(days=3),
    )
    ids = list(
        pending.filter(
            Q(delivery_claimed_at__isnull=True) | Q(delivery_claimed_at__lt=timezone.now() - DELIVERY_LEASE)
        ).values_list("id", flat=True)
    )
    for notification_id in ids:
        notification_deliver_task.delay(notification_id)
    return len(ids)

"""Reminders: sent at most once per (object, kind, due date, recipient); the bell; email delivery.
(The real Celery worker on Redis: test_worker.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from centers.models import ServiceCenter
from centers.services import checklist_reminders_send
from notifications.models import Notification, Reminder
from notifications.services import remind

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 16)


def secretary_email(world):
    world.village_a1_clerk.email = "clerk@example.cn"
    world.village_a1_clerk.save()


def test_reminder_is_sent_once_even_when_asked_twice(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    clerk = world.village_a1_clerk
    first = remind(center, kind="test", due_date=MONDAY, recipients=[clerk], title="提醒")
    second = remind(center, kind="test", due_date=MONDAY, recipients=[clerk], title="提醒")
    assert (first, second) == (1, 0)
    assert Notification.objects.filter(recipient=clerk, kind="test").count() == 1
    # A different due date or recipient is a different reminder; a person named twice is reminded once.
    assert (
        remind(
            center,
            kind="test",
            due_date=MONDAY + dt.timedelta(days=7),
            recipients=[clerk, clerk],
            title="提醒",
        )
        == 1
    )
    assert (
        remind(
            center, kind="test", due_date=MONDAY, recipients=[clerk, world.village_a1_readonly], title="提醒"
        )
        == 1
    )
    assert Notification.objects.filter(recipient=clerk, kind="test").count() == 2
    assert Notification.objects.filter(recipient=world.village_a1_readonly, kind="test").count() == 1


def test_unique_constraint_holds_in_the_database(world):
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction

    center = ServiceCenter.objects.get(region=world.village_a1)
    ct = ContentType.objects.get_for_model(center)
    Reminder.objects.create(
        content_type=ct, object_id=center.pk, kind="k", due_date=MONDAY, recipient=world.village_a1_clerk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            content_type=ct, object_id=center.pk, kind="k", due_date=MONDAY, recipient=world.village_a1_clerk
        )


def test_weekly_checklist_reminder_goes_to_the_village_secretary_once_a_week(
    world, django_capture_on_commit_callbacks
):
    secretary_email(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert checklist_reminders_send(today=MONDAY + dt.timedelta(days=2)) == 1
        assert checklist_reminders_send(today=MONDAY + dt.timedelta(days=3)) == 0
    notification = Notification.objects.get(recipient=world.village_a1_clerk, kind="checklist_unmet")
    assert notification.title == "白马村党群服务中心有12项建设标准未达标"
    assert len(mail.outbox) == 1 and "白马村党群服务中心" in mail.outbox[0].subject
    # Not to the grid worker of the same village, nor to anyone elsewhere.
    assert (
        not Notification.objects.filter(kind="checklist_unmet")
        .exclude(recipient=world.village_a1_clerk)
        .exists()
    )
    assert checklist_reminders_send(today=MONDAY + dt.timedelta(days=7)) == 1


def test_bell_counts_unread_and_marking_read_clears_it(world):
    """The count is cached per user: each new notification and each one read shows on the next page."""
    Notification.objects.update(read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # the post-granted notices
    center = ServiceCenter.objects.get(region=world.village_a1)
    client = world.client_for(world.village_a1_clerk)
    assert "bell-badge" not in client.get("/notifications/bell/").content.decode()
    for kind in ("first", "second"):
        assert (
            remind(
                center,
                kind=kind,
                due_date=MONDAY,
                recipients=[world.village_a1_clerk],
                title="请整改",
                url=center.get_absolute_url(),
            )
            == 1
        )
    assert ">2<" in client.get("/notifications/bell/").content.decode()
    reminder = Reminder.objects.get(kind="first", recipient=world.village_a1_clerk)
    response = client.post(f"/notifications/{reminder.notification_id}/read/")
    assert response.status_code == 302 and response.url == center.get_absolute_url()
    assert ">1<" in client.get("/notifications/bell/").content.decode()
    assert client.post("/notifications/read-all/").status_code == 302
    assert "bell-badge" not in client.get("/notifications/bell/").content.decode()


def test_other_users_notifications_answer_404(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    assert remind(center, kind="test", due_date=MONDAY, recipients=[world.village_a1_clerk], title="x") == 1
    reminder = Reminder.objects.get(kind="test", recipient=world.village_a1_clerk)
    assert (
        world.client_for(world.village_a1_readonly)
        .post(f"/notifications/{reminder.notification_id}/read/")
        .status_code
        == 404
    )


def test_mark_all_read(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    for kind in ("a", "b"):
        remind(center, kind=kind, due_date=MONDAY, recipients=[world.village_a1_clerk], title=kind)
    world.client_for(world.village_a1_clerk).post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=world.village_a1_clerk, read_at__isnull=True).exists()


def test_email_delivery_retries_after_a_transient_error(world, monkeypatch):
    """A failing SMTP server releases the claim so that the retry delivers; a second run sends nothing."""
    import smtplib

    from notifications.services import notification_create, notification_deliver

    secretary_email(world)
    notification = notification_create(recipient=world.village_a1_clerk, kind="t", title="标题")
    calls = {"n": 0}
    real_send = mail.send_mail

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(*args, **kwargs)

    monkeypatch.setattr("notifications.channels.send_mail", flaky)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notification_deliver(notification_id=notification.id)
    assert notification_deliver(notification_id=notification.id) is True
    assert notification_deliver(notification_id=notification.id) is False
    assert len(mail.outbox) == 1


def test_a_delivery_whose_worker_died_is_taken_over_after_the_lease(world):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.services import DELIVERY_LEASE, notification_create, notification_deliver

    secretary_email(world)
    notification = notification_create(recipient=world.village_a1_clerk, kind="t", title="标题")
    Notification.objects.filter(pk=notification.pk).update(delivery_claimed_at=timezone.now())
    assert notification_deliver(notification_id=notification.pk) is False  # another worker holds it
    Notification.objects.filter(pk=notification.pk).update(
        delivery_claimed_at=timezone.now() - DELIVERY_LEASE - timedelta(seconds=1)
    )
    assert notification_deliver(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_sweeper_queues_what_was_never_delivered(world):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.services import notification_create, notifications_deliver_pending

    secretary_email(world)
    notification = notification_create(recipient=world.village_a1_clerk, kind="t", title="漏发")
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    assert notifications_deliver_pending() >= 1  # tasks run eagerly in tests
    notification.refresh_from_db()
    assert notification.delivered_at is not None and len(mail.outbox) == 1
    # Delivered: the next sweep queues nothing again, and no second email goes out.
    assert notifications_deliver_pending() == 0
    assert len(mail.outbox) == 1

"""A real Celery worker on Redis sends a reminder once, however often its task is enqueued.

The worker runs in another thread with its own database connection, so it must see committed rows: this
module's tests run in a transactional database (flushed after each test) with a world built for each test,
not in the savepoint of the module-scoped world (which would keep an outer transaction open).
"""

from __future__ import annotations

import time

import pytest
from django.core import mail

from notifications.models import Notification, Reminder
from tests.conftest import World, build_world


@pytest.fixture
def world(transactional_db) -> World:
    """Committed, built for each test: the worker's connection must see it (no outer transaction here)."""
    return build_world()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_reminders_once(world, settings):
    """Runs the task through Redis and a real Celery worker; the effect is checked in the database."""
    from celery.contrib.testing.worker import start_worker

    from centers.tasks import checklist_reminders_send as task
    from config.celery import app

    world.village_a1_clerk.email = "clerk@example.cn"
    world.village_a1_clerk.save()
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            task.delay()
            task.delay()  # a duplicated enqueue must send nothing twice
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if (
                    Notification.objects.filter(kind="checklist_unmet", delivered_at__isnull=False).exists()
                    and len(mail.outbox) >= 1
                ):
                    break
                time.sleep(0.2)
            time.sleep(1.0)  # let the duplicate finish too
    finally:
        app.conf.task_always_eager = True
    assert Reminder.objects.filter(kind="checklist_unmet").count() == 1
    assert Notification.objects.filter(kind="checklist_unmet").count() == 1
    assert len(mail.outbox) == 1

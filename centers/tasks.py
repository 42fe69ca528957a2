from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def checklist_reminders_send(self) -> int:
    from audit.context import task_context
    from centers.services import checklist_reminders_send

    with task_context("centers.checklist_reminders_send"):
        return checklist_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def proxy_request_reminders_send(self) -> int:
    from audit.context import task_context
    from centers.services.proxy_requests import proxy_request_reminders_send

    with task_context("centers.proxy_request_reminders_send"):
        return proxy_request_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def duty_reminders_send(self) -> int:
    from audit.context import task_context
    from centers.services.duty import duty_reminders_send

    with task_context("centers.duty_reminders_send"):
        return duty_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def duty_absences_mark(self) -> int:
    from audit.context import task_context
    from centers.services.duty import duty_absences_mark

    with task_context("centers.duty_absences_mark"):
        return duty_absences_mark()

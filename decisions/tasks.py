from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def decision_reminders_send(self) -> int:
    """Daily: closes ended disclosure periods and sends the decision reminders (each once)."""
    from audit.context import task_context
    from decisions.services import decision_reminders_send

    with task_context("decisions.decision_reminders_send"):
        return decision_reminders_send()

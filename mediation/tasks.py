from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def mediation_reminders_send(self) -> int:
    """Daily: the yellow and red reminders of the mediation clocks (each sent once, so safe to run twice)."""
    from audit.context import task_context
    from mediation.services.reminders import mediation_reminders_send

    with task_context("mediation.mediation_reminders_send"):
        return mediation_reminders_send()

from __future__ import annotations

import smtplib

from celery import shared_task

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def notification_deliver(self, notification_id: int) -> bool:
    from notifications.services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_deliver_pending() -> int:
    from notifications.services import notifications_deliver_pending

    return notifications_deliver_pending()

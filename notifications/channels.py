"""Delivery channels behind one interface: in-app is the Notification row itself; email here.

Further channels (SMS, WeChat Work) implement ``deliver(notification)`` and join CHANNELS.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from notifications.models import Notification


class EmailChannel:
    name = "email"

    def applies_to(self, notification: Notification) -> bool:
        return bool(notification.recipient.email)

    def deliver(self, notification: Notification) -> None:
        context = {"notification": notification, "site_name": settings.SITE_NAME}
        subject = render_to_string("emails/notification-subject.txt", context).strip()
        body = render_to_string("emails/notification-body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])


CHANNELS = (EmailChannel(),)

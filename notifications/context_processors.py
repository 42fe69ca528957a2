from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that do not render the bell pay no query.
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user=user))}

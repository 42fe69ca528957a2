from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)


def unread_latest(*, user, limit: int = 8) -> list[dict]:
    """The user's latest unread notifications (pk, title, created_at), in one query unless there are
    ``limit`` or more (then a count follows); kept on the user for the request, so the bell in the menu
    reads its count from it. Plain rows: this runs on every home page."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    rows = list(unread.order_by("-created_at", "-id").values("pk", "title", "created_at")[:limit])
    user._unread_count = len(rows) if len(rows) < limit else unread.count()
    return rows


def unread_count(*, user) -> int:
    cached = getattr(user, "_unread_count", None)
    if cached is not None:
        return cached
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

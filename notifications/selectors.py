from __future__ import annotations

from django.db.models import Count, QuerySet, Window

from notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)


def unread_latest(*, user, limit: int = 8) -> list[Notification]:
    """The user's latest unread notifications with the number of all unread ones, in one query; kept on
    the user for the request, so the bell in the menu reads its count from it."""
    rows = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .annotate(unread_total=Window(Count("pk")))
        .order_by("-created_at", "-id")[:limit]
    )
    user._unread_count = rows[0].unread_total if rows else 0
    return rows


def unread_count(*, user) -> int:
    cached = getattr(user, "_unread_count", None)
    if cached is not None:
        return cached
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

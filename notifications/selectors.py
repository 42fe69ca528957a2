from __future__ import annotations

from django.core.cache import cache
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


def unread_count_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


UNREAD_COUNT_TTL = 60


def unread_count(*, user) -> int:
    """The bell's count, on every signed-in page: kept on the user for the request and in the cache,
    which every write of the user's notifications clears (services.unread_changed); the short TTL bounds a
    count read while such a write was committing."""
    count = getattr(user, "_unread_count", None)
    if count is None:
        count = cache.get(unread_count_key(user.pk))
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(unread_count_key(user.pk), count, UNREAD_COUNT_TTL)
    user._unread_count = count
    return count

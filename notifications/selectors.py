from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)


UNREAD_LATEST = 8
UNREAD_TTL = 60


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _unread(user) -> tuple[int, list[dict]]:
    """The user's unread count and latest unread notifications (pk, title, created_at), read on every
    signed-in page (the bell) and home page (the due panel). Kept on the user for the request and in the
    cache, which every write of the user's notifications clears (services.unread_changed); the short TTL
    bounds what a read racing such a write could keep. One query, a count more with many unread."""
    unread = getattr(user, "_unread", None)
    if unread is None:
        unread = cache.get(unread_key(user.pk))
    if unread is None:
        rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
        latest = list(rows.order_by("-created_at", "-id").values("pk", "title", "created_at")[:UNREAD_LATEST])
        unread = (len(latest) if len(latest) < UNREAD_LATEST else rows.count(), latest)
        cache.set(unread_key(user.pk), unread, UNREAD_TTL)
    user._unread = unread
    return unread


def unread_latest(*, user) -> list[dict]:
    return _unread(user)[1]


def unread_count(*, user) -> int:
    return _unread(user)[0]

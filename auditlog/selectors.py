"""Reads on the audit trail limited to the viewer's scope: a record's events are in scope when its owner
region is (child rows carry their owner village, so every event of a subtree is found without joins);
regions and people by their own id."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from audit import history
from audit.models import AuthEvent
from regions.models import Post
from regions.roles import VIEW_AUDIT
from regions.scoping import regions_for_user, scope_prefixes

REGION_EVENTS = "regions.RegionEvent"
USER_EVENTS = "accounts.UserEvent"


def _scoped(events: QuerySet, user, perm: str) -> QuerySet:
    if "" in scope_prefixes(user, perm):
        return events
    region_ids = regions_for_user(user, perm).values("pk")
    people = Post.objects.filter(region__in=region_ids).values("user_id")
    return events.filter(
        Q(scope_region_id__in=region_ids)
        | Q(pgh_model=REGION_EVENTS, obj_pk__in=region_ids)
        | Q(pgh_model=USER_EVENTS, obj_pk__in=people)
    )


def audit_event_list(
    *, user, actor_id: int | None = None, model: str = "", obj_id: str = "", date_from=None, date_to=None
) -> QuerySet:
    """Every recorded change the user may audit, newest first, with the given filters."""
    events = _scoped(history.events(), user, VIEW_AUDIT)
    if actor_id:
        events = events.filter(pgh_context__user=actor_id)
    if model:
        events = events.filter(pgh_model=model)
    if obj_id:
        events = events.filter(pgh_obj_id=str(obj_id))
    if date_from:
        events = events.filter(pgh_created_at__date__gte=date_from)
    if date_to:
        events = events.filter(pgh_created_at__date__lte=date_to)
    return events.order_by("-pgh_created_at", "-pgh_id")


def auth_event_list(*, user, username: str = "", kind: str = "", date_from=None, date_to=None) -> QuerySet:
    events = AuthEvent.objects.all()
    if "" not in scope_prefixes(user, VIEW_AUDIT):
        region_ids = regions_for_user(user, VIEW_AUDIT).values("pk")
        events = events.filter(user_id__in=Post.objects.filter(region__in=region_ids).values("user_id"))
    if username:
        events = events.filter(username=username)
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events.order_by("-created_at", "-id")

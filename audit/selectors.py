"""Reads on the audit trail: pghistory's events across every tracked table, limited to the viewer's scope."""

from __future__ import annotations

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from pghistory.models import Events

from audit.models import AuthEvent
from centers.models import Post
from centers.roles import VIEW, VIEW_AUDIT
from centers.scoping import regions_for_user, scope_prefixes

# pghistory labels events by their event model. Records carry their region in ``region_id``
# (``village_id`` for village records, ``county_id`` for county lists); regions and users are scoped by their own id.
REGION_EVENTS = "centers.RegionEvent"
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


def _annotated() -> QuerySet:
    return Events.objects.annotate(
        scope_region_id=Cast(Coalesce(KT("pgh_data__region_id"), KT("pgh_data__village_id"),
                                          KT("pgh_data__county_id")),
                             output_field=BigIntegerField()),
        obj_pk=Cast("pgh_obj_id", output_field=BigIntegerField()),
    )


def audit_event_list(*, user, actor_id: int | None = None, model: str = "", obj_id: str = "",
                     date_from=None, date_to=None) -> QuerySet:
    """Every recorded change the user may audit, newest first, with the given filters."""
    events = _scoped(_annotated(), user, VIEW_AUDIT)
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


def center_history(*, center) -> QuerySet:
    """Changes to one service center and its checklist entries (the caller has checked the center's scope)."""
    return (_annotated().filter(
        Q(pgh_model="centers.ServiceCenterEvent", pgh_obj_id=str(center.pk))
        | Q(pgh_model="centers.ChecklistEntryEvent", pgh_data__center_id=center.pk))
        .order_by("-pgh_created_at", "-pgh_id"))


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


def center_for_history(*, user, pk: int):
    from centers.selectors import center_get_for_user

    return center_get_for_user(user=user, pk=pk, perm=VIEW)

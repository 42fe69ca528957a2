"""Reading the audit trail generically: pghistory's events of every tracked table, each labelled by its
record's name, with the actor attached. Scoping by region is the caller's (auditlog, a system's history
page): events carry the owner region in their data (``region_id``, ``village_id`` or ``county_id``)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import BigIntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from pghistory.models import Events

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}


def events() -> QuerySet:
    """Every event, with ``scope_region_id`` (the owner region recorded in the row) and ``obj_pk``."""
    return Events.objects.annotate(
        scope_region_id=Cast(
            Coalesce(KT("pgh_data__region_id"), KT("pgh_data__village_id"), KT("pgh_data__county_id")),
            output_field=BigIntegerField(),
        ),
        obj_pk=Cast("pgh_obj_id", output_field=BigIntegerField()),
    )


def event_models() -> list[type]:
    """Every pghistory event model of the project's apps."""
    from pghistory.models import Event

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Event)
        and not model._meta.proxy
        and getattr(model, "pgh_tracked_model", None) is not None
    ]


def record_label(event_label: str, overrides: dict[str, str] | None = None) -> str:
    """What a user calls the record of an event model (its tracked model's verbose name)."""
    if overrides and event_label in overrides:
        return overrides[event_label]
    try:
        model = apps.get_model(event_label)
    except (LookupError, ValueError):
        return event_label
    tracked = getattr(model, "pgh_tracked_model", None)
    return str(tracked._meta.verbose_name) if tracked is not None else event_label


def with_actors(page: list, *, labels: dict[str, str] | None = None, show_addresses: bool = True) -> list:
    """Attaches actor users (one query for the page), the record label and the action's name."""
    from accounts.models import User

    ids = {e.pgh_context.get("user") for e in page if e.pgh_context and e.pgh_context.get("user")}
    users = User.objects.in_bulk(ids)
    for event in page:
        context = event.pgh_context or {}
        event.actor = users.get(context.get("user"))
        event.actor_label = (event.actor.real_name if event.actor else context.get("task")) or "系统"
        event.client_address = (context.get("ip") or "—") if show_addresses else "—"
        event.record_label = record_label(event.pgh_model, labels)
        event.action_label = ACTIONS.get(event.pgh_label, event.pgh_label)
    return page

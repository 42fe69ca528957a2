"""Reading the audit trail generically: pghistory's events of every tracked table, each labelled by its
record's name, with the actor attached. Scoping by region is the caller's (auditlog, a system's history
page): events carry the owner region in their data (``region_id``, ``village_id`` or ``county_id``)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import BigIntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from pghistory.models import Events

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
EMPTY = "空"
# Bookkeeping columns that tell an auditor nothing (the record's id is in its own column).
HIDDEN_FIELDS = {"id", "version"}


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
    tracked = tracked_model(event_label)
    return str(tracked._meta.verbose_name) if tracked is not None else event_label


@dataclass(frozen=True)
class Change:
    """One line of an event as an auditor reads it: the field's name, and its value before (updates only)
    and after, each formatted for people."""

    label: str
    new: str
    old: str | None = None


def tracked_model(event_label: str) -> type[models.Model] | None:
    try:
        return getattr(apps.get_model(event_label), "pgh_tracked_model", None)
    except (LookupError, ValueError):
        return None


def _fields_by_column(model: type[models.Model] | None) -> dict[str, models.Field]:
    """The model's fields under the keys pghistory's JSON uses (``region_id``) and their names."""
    if model is None:
        return {}
    fields: dict[str, models.Field] = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = field
        fields[field.attname] = field
    return fields


def _mask(text: str) -> str:
    """Personal data stays masked in the audit trail as on every page (138****5678, 1101**********002X)."""
    keep = 3 if len(text) <= 11 else 4
    return text if len(text) <= keep + 4 else f"{text[:keep]}{'*' * (len(text) - keep - 4)}{text[-4:]}"


def _mask_name(text: str) -> str:
    """A person's name as the public pages show it: the surname kept (张*, 欧阳**)."""
    return text[:1] + "*" * max(len(text) - 1, 1)


def _local_datetime(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)  # stored in UTC; read in Beijing time (settings.TIME_ZONE)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M:%S}"


def _is_user_key(field: models.Field | None) -> bool:
    return (
        isinstance(field, models.ForeignKey) and field.related_model._meta.label == settings.AUTH_USER_MODEL
    )


def display_value(
    field: models.Field | None, value, *, masked: bool = False, users: dict | None = None
) -> str:
    """A recorded value as users see it elsewhere: choice labels, 是/否, Beijing time, 2026年11月21日, a
    person by name (``users``: the page's users by id)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _local_datetime(value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
        return f"{day.year}年{day.month}月{day.day}日"
    if _is_user_key(field) and users and value in users:
        return users[value].real_name or users[value].username
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    if isinstance(value, list):
        return "、".join(display_value(None, item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if masked:
        return (
            _mask_name(str(value)) if field is not None and field.name.endswith("name") else _mask(str(value))
        )
    return str(value)


def _user_ids(event) -> set:
    """The people an event's row points at (the handler, who accepted ...), to name them."""
    fields = _fields_by_column(tracked_model(event.pgh_model))
    values = [
        *(event.pgh_data or {}).items(),
        *((k, v) for k, pair in (event.pgh_diff or {}).items() for v in pair),
    ]
    return {value for key, value in values if value is not None and _is_user_key(fields.get(key))}


def describe(event, users: dict | None = None) -> list[Change]:
    """An event's content: the changed fields of an update, else every filled field of the row."""
    model = tracked_model(event.pgh_model)
    fields = _fields_by_column(model)
    masked = set(getattr(model, "AUDIT_MASKED_FIELDS", ()))

    def label(key: str) -> str:
        field = fields.get(key)
        return str(field.verbose_name) if field is not None else key

    def shown(key: str, value) -> str:
        field = fields.get(key)
        return display_value(field, value, masked=field is not None and field.name in masked, users=users)

    def visible(key: str) -> bool:
        return key not in HIDDEN_FIELDS and not key.startswith("pgh_")

    # In the model's field order (PostgreSQL's JSON keeps its own); unknown keys last.
    order = {key: position for position, key in enumerate(fields)}

    def in_order(items) -> list:
        return sorted(items, key=lambda item: order.get(item[0], len(order)))

    if event.pgh_diff:
        return [
            Change(label(key), shown(key, new), old=shown(key, old))
            for key, (old, new) in in_order(event.pgh_diff.items())
            if visible(key)
        ]
    return [
        Change(label(key), shown(key, value))
        for key, value in in_order((event.pgh_data or {}).items())
        if visible(key) and value not in (None, "", [], {})
    ]


def with_actors(page: list, *, labels: dict[str, str] | None = None, show_addresses: bool = True) -> list:
    """Attaches actor users (one query for the page), the record label, the action's name and the content
    formatted for people (``changes``)."""
    from accounts.models import User

    ids = {e.pgh_context.get("user") for e in page if e.pgh_context and e.pgh_context.get("user")}
    ids.update(*(_user_ids(e) for e in page))
    users = User.objects.in_bulk(ids)  # actors and the people the rows name, one query
    for event in page:
        context = event.pgh_context or {}
        event.actor = users.get(context.get("user"))
        event.actor_label = (event.actor.real_name if event.actor else context.get("task")) or "系统"
        event.client_address = (context.get("ip") or "—") if show_addresses else "—"
        event.record_label = record_label(event.pgh_model, labels)
        event.action_label = ACTIONS.get(event.pgh_label, event.pgh_label)
        event.changes = describe(event, users)
    return page

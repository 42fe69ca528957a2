"""Kinds of notifications and reminders: each app registers its TextChoices (through core.registry),
so the notification list can label them without knowing the apps."""

from __future__ import annotations

from django.db import models

_LABELS: dict[str, str] = {}


class NotificationKind(models.TextChoices):
    """Kinds this app itself sends (tests and operators may send plain messages)."""

    MESSAGE = "message", "通知"


def kinds_register(choices: type[models.TextChoices]) -> None:
    for value, label in choices.choices:
        _LABELS[value] = label


def kind_label(kind: str) -> str:
    return _LABELS.get(kind, "通知")


def registered_kinds() -> dict[str, str]:
    return dict(_LABELS)


kinds_register(NotificationKind)

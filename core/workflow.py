"""One state machine helper for every workflow (proxy requests, decision matters, and the systems to come).

A workflow is a transitions table plus one ``apply()`` that locks the row, checks the version and the
source state, saves the changes with the new state, bumps the version and appends an immutable timeline
event. Views and templates ask ``allowed()`` which actions to offer; services call ``apply()``. The
optimistic-locking primitives (``lock_for_update``, ``versioned_save``) are the one versioning path of
the project: records edited outside a workflow (a service center's details) use them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models

NOT_ALLOWED = "当前状态为“{state}”，不能“{action}”。"
REASON_REQUIRED = "请填写原因。"
EDITED_MEANWHILE = "该记录已被他人更新，请刷新页面查看最新情况后再操作。"


def lock_for_update(
    queryset: models.QuerySet, pk, *, version: int | None = None, message: str = EDITED_MEANWHILE
):
    """The row, locked until the transaction ends; refused when it changed since ``version`` was read.

    Must run inside a transaction. ``of=("self",)`` keeps select_related tables unlocked.
    """
    obj = queryset.select_for_update(of=("self",)).get(pk=pk)
    version_check(obj, version, message=message)
    return obj


def version_check(obj, version: int | None, *, message: str = EDITED_MEANWHILE) -> None:
    if version is not None and obj.version != version:
        raise ValidationError(message)


def versioned_save(obj, fields: list[str] | tuple[str, ...]) -> None:
    """Saves ``fields`` and the next version of a row locked by ``lock_for_update`` (no re-read needed:
    the lock means nobody else changed it)."""
    obj.version += 1
    obj.save(update_fields=list(dict.fromkeys([*fields, "version"])))


class Guard(Protocol):
    """Who may act on an object: regions.scoping.RegionGuard implements it over the hierarchy."""

    def require(self, actor, perm: str, obj) -> None: ...

    def allows(self, user, perm: str, obj) -> bool: ...


@dataclass(frozen=True)
class Transition:
    """One row of a transitions table. ``name`` is also the kind of the timeline event it appends.

    ``target``: the state it leads to (None: unchanged), or a mapping source -> target for a linear
    procedure whose one action moves each step to the next. ``when`` adds a condition beyond the state
    (e.g. "not posted yet"). ``offer`` False: the UI reaches it through its own page, not a button.
    """

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | Mapping[str, str] | None = None
    perm: str = ""
    needs_reason: bool = False
    public: bool = True
    when: Callable[[Any], bool] | None = None
    offer: bool = True

    def target_from(self, source: str) -> str:
        if self.target is None:
            return source
        if isinstance(self.target, str):
            return self.target
        return self.target.get(source, source)


class Workflow:
    """The state machine of one model. ``state_field`` holds the state; ``event_model`` (a
    core.models.TimelineEvent) gets one row per transition, linked through ``event_fk``."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        state_field: str,
        event_model: type[models.Model],
        event_fk: str,
        transitions: list[Transition],
        guard: Guard,
        perm: str,
        edited_meanwhile: str = EDITED_MEANWHILE,
        is_open: Callable[[Any], bool] | None = None,
        closed_message: Callable[[Any], str] | None = None,
        refusal: Callable[[Any, Transition], str] | None = None,
        select_related: tuple[str, ...] = (),
    ):
        self.model, self.state_field, self.event_model, self.event_fk = (
            model,
            state_field,
            event_model,
            event_fk,
        )
        self.transitions = {t.name: t for t in transitions}
        self.guard, self.perm, self.edited_meanwhile = guard, perm, edited_meanwhile
        self.is_open, self.closed_message, self.refusal = is_open, closed_message, refusal
        self.select_related = select_related

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def state_label(self, obj) -> str:
        return getattr(obj, f"get_{self.state_field}_display")()

    def _may_start(self, obj, transition: Transition) -> bool:
        return getattr(obj, self.state_field) in transition.sources and (
            transition.when is None or transition.when(obj)
        )

    def allowed(self, obj, user=None, *, offered_only: bool = False) -> list[Transition]:
        """Transitions that may start from the object's state (and that ``user`` may take, if given)."""
        if self.is_open is not None and not self.is_open(obj):
            return []
        return [
            t
            for t in self.transitions.values()
            if self._may_start(obj, t)
            and (not offered_only or t.offer)
            and (user is None or self.guard.allows(user, t.perm or self.perm, obj))
        ]

    def ensure_open(self, obj) -> None:
        """Refuses anything on a closed record (rejected, completed ...) with its own message."""
        if self.is_open is not None and not self.is_open(obj):
            raise ValidationError(
                self.closed_message(obj)
                if self.closed_message
                else NOT_ALLOWED.format(state=self.state_label(obj), action="办理")
            )

    def check(self, obj, name: str) -> Transition:
        """Raises the clear refusal when ``name`` cannot start from the object's state; else the transition."""
        transition = self.transitions[name]
        self.ensure_open(obj)
        if not self._may_start(obj, transition):
            message = self.refusal(obj, transition) if self.refusal else ""
            raise ValidationError(
                message or NOT_ALLOWED.format(state=self.state_label(obj), action=transition.label)
            )
        return transition

    def lock(self, obj, version: int | None):
        return lock_for_update(
            self.model.objects.select_related(*self.select_related),
            obj.pk,
            version=version,
            message=self.edited_meanwhile,
        )

    def apply(
        self,
        obj,
        name: str,
        *,
        actor,
        version: int | None,
        note: str = "",
        changes: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
        payload: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
        check: Callable[[Any], None] | None = None,
        locked=None,
    ):
        """Takes one transition. Must run inside the caller's transaction.

        Order: the actor's scope, the row lock and version, the source state, the reason, ``check(locked)``
        (rules that need the locked row), then ``changes`` (a dict or ``f(locked)``) are saved with the new
        state and version, and the event is appended with ``payload`` (facts, not prose). Pass ``locked``
        when the caller already holds the lock (it then skips the version check it did itself).
        """
        transition = self.transitions[name]
        self.guard.require(actor, transition.perm or self.perm, obj)
        obj = locked if locked is not None else self.lock(obj, version)
        self.check(obj, name)
        note = (note or "").strip()
        if transition.needs_reason and not note:
            raise ValidationError(REASON_REQUIRED)
        if check is not None:
            check(obj)
        values = dict(changes(obj) if callable(changes) else (changes or {}))
        source = getattr(obj, self.state_field)
        target = transition.target_from(source)
        for field, value in values.items():
            setattr(obj, field, value)
        setattr(obj, self.state_field, target)
        versioned_save(obj, [*values, self.state_field])
        facts = dict(payload(obj) if callable(payload) else (payload or {}))
        self._append(
            obj,
            name,
            actor=actor,
            from_state=source,
            to_state=target,
            note=note,
            public=transition.public,
            payload=facts,
        )
        return obj

    def record(
        self,
        obj,
        kind: str,
        *,
        actor,
        note: str = "",
        payload: Mapping[str, Any] | None = None,
        public: bool = True,
        created: bool = False,
    ):
        """Appends an event that changes no state: the record's creation (``created``: no previous state),
        a correction noted, a matter proposed again."""
        state = getattr(obj, self.state_field)
        return self._append(
            obj,
            kind,
            actor=actor,
            from_state="" if created else state,
            to_state=state,
            note=(note or "").strip(),
            public=public,
            payload=dict(payload or {}),
        )

    def _append(
        self, obj, kind: str, *, actor, from_state: str, to_state: str, note: str, public: bool, payload: dict
    ):
        return self.event_model.objects.create(
            **{self.event_fk: obj},
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            note=note[:300],
            is_public=public,
            payload=payload,
        )

"""The one place that turns a user and a permission into region-prefix filters, and the guards built on it.

A permission held on a region (a guardian row in RegionUserObjectPermission, granted by a post) covers
that region's whole subtree, because a descendant's prefix starts with it. A user's grants are kept on
the user object for the request and in the cache under a version per user, which every grant change bumps
(regions.services.posts writes them all), so ending a post takes effect on the user's next request.

- querysets: ``Model.objects.for_user(user, perm)`` (the model declares its region field once);
- services: ``require(actor, perm, region)`` raises PermissionDenied, the one actor guard;
- views: ``get_for_user(queryset, user=..., pk=..., act=...)`` answers 404 out of scope and 403 when
  the object is visible but the action is not allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from core import region_cache

ALL_REGIONS = ("",)
GRANTS_TOPIC = "grants"
GRANTS_TTL = 600  # the empty prefix matches every region
VIEW = "view_region"
NOT_ALLOWED = "您无权在该区划进行此项操作。"


def _grants(user) -> dict[str, tuple[str, ...]]:
    cached = getattr(user, "_region_grants", None)
    if cached is None:
        cached = region_cache.cached_for_record(
            GRANTS_TOPIC, user.pk, "prefixes", lambda: _grants_read(user.pk), ttl=GRANTS_TTL
        )
        user._region_grants = cached
    return cached


def _grants_read(user_id: int) -> dict[str, tuple[str, ...]]:
    # Imported here: the models module builds its managers from this one.
    from regions.models import RegionUserObjectPermission

    grants: dict[str, set[str]] = {}
    rows = RegionUserObjectPermission.objects.filter(user_id=user_id).values_list(
        "permission__codename", "content_object__prefix"
    )
    for codename, prefix in rows:
        grants.setdefault(codename, set()).add(prefix)
    # Keep only the outermost prefixes: an inner grant adds nothing to its ancestor's.
    return {
        codename: tuple(sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)))
        for codename, prefixes in grants.items()
    }


def scope_prefixes(user, perm: str) -> tuple[str, ...]:
    """Region prefixes in which ``user`` holds ``perm`` (a Region permission codename)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    if user.is_superuser:
        return ALL_REGIONS
    return _grants(user).get(perm.split(".")[-1], ())


def prefix_q(user, perm: str, field: str = "region__prefix") -> Q:
    """A filter matching rows whose region lies in the user's scope for ``perm``; matches nothing if none."""
    prefixes = scope_prefixes(user, perm)
    if not prefixes:
        return Q(pk__in=[])
    if "" in prefixes:
        return Q()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def region_in_scope(user, perm: str, region) -> bool:
    return any(region.prefix.startswith(prefix) for prefix in scope_prefixes(user, perm))


def regions_for_user(user, perm: str):
    from regions.models import Region

    return Region.objects.filter(prefix_q(user, perm, field="prefix"))


def grants_changed(user_ids) -> None:
    """Called by whatever writes grants: the users' cached grants are stale, here and in the cache."""
    for user_id in user_ids:
        region_cache.touch_record(GRANTS_TOPIC, user_id)


def forget_grants(user) -> None:
    """The user's grants changed (in this request, too): drop every cached copy."""
    grants_changed([user.pk])
    if hasattr(user, "_region_grants"):
        del user._region_grants


class ScopedQuerySet(models.QuerySet):
    """Querysets of models that declare their region field once (``scope_field``)."""

    def _prefix_field(self) -> str:
        return f"{self.model.scope_field}__prefix"

    def for_user(self, user, perm: str = VIEW) -> ScopedQuerySet:
        """Rows whose region lies in the user's scope for ``perm``."""
        return self.filter(prefix_q(user, perm, field=self._prefix_field()))

    def within(self, region) -> ScopedQuerySet:
        """Rows of ``region``'s subtree (the constant prefix lets PostgreSQL use the prefix index)."""
        return self.filter(**{f"{self._prefix_field()}__startswith": region.prefix})


def require(actor, perm: str, region, *, message: str = NOT_ALLOWED) -> None:
    """The actor guard of every service: ``actor`` must hold ``perm`` on ``region`` (None: the system
    or a command acts, and may). Raises PermissionDenied with ``message``."""
    if actor is not None and not region_in_scope(actor, perm, region):
        raise PermissionDenied(message)


def require_level(region, levels: tuple[str, ...], *, message: str) -> None:
    """Some records belong to one level only (a request to a village): anything else is bad input."""
    if region.level not in levels:
        raise ValidationError(message)


def get_for_user(
    queryset: ScopedQuerySet,
    *,
    user,
    perm: str = VIEW,
    act: str | None = None,
    message: str = NOT_ALLOWED,
    **lookup,
):
    """The object if ``user`` may see it (else 404, the same as a missing one, so ids do not leak);
    with ``act``, 403 when the user may see it but not take that action."""
    field = queryset.model.scope_field
    obj = get_object_or_404(queryset.for_user(user, perm).select_related(field), **lookup)
    if act is not None and not region_in_scope(user, act, getattr(obj, field)):
        raise PermissionDenied(message)
    return obj


def require_somewhere(user, perm: str, *, message: str = NOT_ALLOWED) -> tuple[str, ...]:
    """Pages that act on the user's whole scope (imports, people, settings) need the permission somewhere."""
    prefixes = scope_prefixes(user, perm)
    if not prefixes:
        raise PermissionDenied(message)
    return prefixes


class RegionGuard:
    """core.workflow's guard over the hierarchy: the actor needs the permission on the object's region."""

    def __init__(self, region_of: Callable, message: str = NOT_ALLOWED):
        self.region_of, self.message = region_of, message

    def require(self, actor, perm: str, obj) -> None:
        require(actor, perm, self.region_of(obj), message=self.message)

    def allows(self, user, perm: str, obj) -> bool:
        return region_in_scope(user, perm, self.region_of(obj))

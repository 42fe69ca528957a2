"""The one place that turns a user and a permission into region-prefix filters.

A permission held on a region (a guardian row in RegionUserObjectPermission, granted by a
post) covers that region's whole subtree, because a descendant's prefix starts with it.
Grants are read once per request (cached on the user object), so ending a post takes
effect on the user's next request.
"""

from __future__ import annotations

from django.db.models import Q

from centers.models import Region, RegionUserObjectPermission

ALL_REGIONS = ("",)  # the empty prefix matches every region


def _grants(user) -> dict[str, tuple[str, ...]]:
    cached = getattr(user, "_region_grants", None)
    if cached is None:
        cached = {}
        rows = RegionUserObjectPermission.objects.filter(user_id=user.pk).values_list(
            "permission__codename", "content_object__prefix")
        for codename, prefix in rows:
            cached.setdefault(codename, set()).add(prefix)
        # Keep only the outermost prefixes: an inner grant adds nothing to its ancestor's.
        cached = {
            codename: tuple(sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)))
            for codename, prefixes in cached.items()
        }
        user._region_grants = cached
    return cached


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


def region_in_scope(user, perm: str, region: Region) -> bool:
    return any(region.prefix.startswith(prefix) for prefix in scope_prefixes(user, perm))


def regions_for_user(user, perm: str):
    return Region.objects.filter(prefix_q(user, perm, field="prefix"))


def forget_grants(user) -> None:
    """Drops the per-request cache, after this request changed the user's own grants."""
    if hasattr(user, "_region_grants"):
        del user._region_grants

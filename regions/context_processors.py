from __future__ import annotations

import functools

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core import registry
from regions.scoping import scope_prefixes


@functools.cache
def _url(url_name: str) -> str:
    return reverse(url_name)


def navigation(request) -> dict:
    """The menu entries the signed-in user sees, from what the systems registered (the grants are read
    once per request): ``nav.main`` in the bar, ``nav.manage`` under "管理". Lazy: pages without the menu
    pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def items() -> dict[str, list[dict]]:
        visible: dict[str, list[dict]] = {"main": [], "manage": []}
        for item in registry.nav_items():
            if item.staff and not user.is_staff:
                continue
            if item.perm and not scope_prefixes(user, item.perm):
                continue
            visible["manage" if item.manage else "main"].append(
                {"label": item.label, "url": _url(item.url_name), "key": item.url_name}
            )
        return visible

    return {"nav": SimpleLazyObject(items)}

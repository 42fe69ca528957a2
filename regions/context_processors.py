from __future__ import annotations

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core import registry
from regions.scoping import scope_prefixes


def navigation(request) -> dict:
    """The menu entries the signed-in user sees, from what the systems registered (the grants are read
    once per request). Lazy: pages without the menu pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def items() -> list[dict]:
        visible = []
        for item in registry.nav_items():
            if item.staff and not user.is_staff:
                continue
            if item.perm and not scope_prefixes(user, item.perm):
                continue
            visible.append({"label": item.label, "url": reverse(item.url_name), "key": item.url_name})
        return visible

    return {"nav_items": SimpleLazyObject(items)}

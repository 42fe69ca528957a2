from __future__ import annotations

from centers.roles import (
    IMPORT_REGIONS,
    MANAGE_CATALOG,
    MANAGE_DECISION_CATEGORIES,
    MANAGE_PEOPLE,
    VIEW_AUDIT,
)
from centers.scoping import scope_prefixes


def navigation(request) -> dict:
    """Which navigation entries the signed-in user sees (the grants are cached for the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": {
        "people": bool(scope_prefixes(user, MANAGE_PEOPLE)),
        "import_regions": bool(scope_prefixes(user, IMPORT_REGIONS)),
        "audit": bool(scope_prefixes(user, VIEW_AUDIT)),
        "catalog": bool(scope_prefixes(user, MANAGE_CATALOG)),
        "decision_categories": bool(scope_prefixes(user, MANAGE_DECISION_CATEGORIES)),
        "admin": user.is_staff,
    }}

"""``check --deploy``: the portal must not run as the role that owns its tables (audit/database_roles.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.database, deploy=True)
def app_role_check(app_configs, **kwargs):
    owner = settings.DATABASE_OWNER
    if not owner:
        return [
            Warning(
                "DATABASE_OWNER_URL is not set: migrations and the portal share DATABASE_URL's role, which can "
                "switch off the audit trail's triggers.",
                hint="Create an app role that owns nothing and an owner role (README), set both URLs.",
                id="audit.W001",
            )
        ]
    if owner.get("USER") == settings.DATABASE_APP_ROLE:
        return [
            Warning(
                "DATABASE_URL and DATABASE_OWNER_URL name the same role: the portal owns its tables.",
                hint="DATABASE_URL must name the app role (README).",
                id="audit.W002",
            )
        ]
    return []

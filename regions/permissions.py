"""Region permissions of every system, created after migrate from the registry (so a system adds its
permissions without a migration of the foundation), and the posts' grants brought in line with them."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS


def region_permissions_ensure(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Creates the Permission rows on Region for every registered codename (idempotent)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from core import registry
    from regions.models import Region

    content_type = ContentType.objects.db_manager(using).get_for_model(Region)
    have = set(
        Permission.objects.using(using).filter(content_type=content_type).values_list("codename", flat=True)
    )
    new = [
        Permission(content_type=content_type, codename=codename, name=label)
        for codename, label in dict(registry.region_permissions()).items()
        if codename not in have
    ]
    Permission.objects.using(using).bulk_create(new)
    return len(new)


def after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    from regions.services.posts import post_grants_sync_all

    region_permissions_ensure(using=using)
    post_grants_sync_all()

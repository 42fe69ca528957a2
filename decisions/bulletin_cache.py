"""The anonymous bulletin page, cached per region and page under a version that every change bumps.

Villagers open the bulletin from a QR code on the board, many at once; the rendered page is the same
for all of them. A write that changes what a bulletin shows bumps the version of the village and of its
township, so the next request renders afresh; entries also expire after a minute (the "公示中" badge
follows the date).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

TTL = 60


def _version_key(prefix: str) -> str:
    return f"bulletin:version:{prefix}"


def page_key(region, page: str) -> str:
    version = cache.get_or_set(_version_key(region.prefix), 1, None)
    return f"bulletin:page:{region.prefix}:{version}:{page}"


def bulletin_changed(village) -> None:
    """Bumps now (this request sees it) and again after commit (a render in between cached the old rows)."""

    def bump() -> None:
        for prefix in (village.prefix, village.prefix[:9]):
            try:
                cache.incr(_version_key(prefix))
            except ValueError:
                cache.set(_version_key(prefix), 2, None)

    bump()
    transaction.on_commit(bump, robust=True)

"""The anonymous bulletin page, cached per region and page (core.region_cache, topic "bulletin").

Villagers open the bulletin from a QR code on the board, many at once; the rendered page is the same
for all of them. A write that changes what a bulletin shows bumps the version of the village and of the
regions above it, so the next request renders afresh; entries also expire after a minute (the "公示中"
badge follows the date).
"""

from __future__ import annotations

from core import region_cache

TOPIC = "bulletin"
TTL = 60


def page_key(region, page: str) -> str:
    return region_cache.key(TOPIC, region, f"page:{page}")


def bulletin_changed(village) -> None:
    region_cache.touch(TOPIC, village)

"""What a change of a matter makes stale (core.region_cache): the public bulletin of its village and the
regions above, the decisions panels of the home pages, and the matter's own page.

Villagers open the bulletin from a QR code on the board, many at once; the rendered page is the same for
all of them and is cached per region and page number (60 s at most, so the "公示中" badge follows the date).
Every write of the decisions system calls ``matter_changed``.
"""

from __future__ import annotations

from core import region_cache

BULLETIN = "bulletin"
PANELS = "decisions"
MATTER_PAGE = "matter"
BULLETIN_TTL = 60


def bulletin_page_key(region, page: str) -> str:
    return region_cache.key(BULLETIN, region, f"page:{page}")


def matter_changed(matter) -> None:
    for topic in (BULLETIN, PANELS):
        region_cache.touch(topic, matter.village)
    region_cache.touch_record(MATTER_PAGE, matter.pk)

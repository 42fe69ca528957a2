"""What every mediation write shares: the county's rules, the case's regions and its cache topic."""

from __future__ import annotations

from core import region_cache
from mediation.models import Dispute, Level, MediationRules
from regions.models import Region
from regions.roles import Level as RegionLevel
from regions.selectors import county_of

TOPIC = "mediation"


def rules_for(region: Region) -> MediationRules:
    return MediationRules.for_region(region)


def region_of_level(village: Region, level: str) -> Region:
    """The region that handles a case of ``village`` at ``level``: the village for grid and village cases,
    its township, or its county."""
    if level in (Level.GRID, Level.VILLAGE):
        return village
    if level == Level.TOWNSHIP:
        return village.parent
    county = county_of(village)
    if county is None or county.level != RegionLevel.COUNTY:
        raise ValueError("a village outside a county")
    return county


def dispute_changed(dispute: Dispute) -> None:
    """Home-page panels and charts of the village's subtree and above show a new figure."""
    region_cache.touch(TOPIC, dispute.village)

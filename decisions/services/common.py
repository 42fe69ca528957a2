"""What every write of the decisions system shares: the actor guard and the county's rules."""

from __future__ import annotations

import datetime

from decisions.models import DecisionRules
from decisions.permissions import MANAGE_DECISIONS
from decisions.workflows import NOT_YOUR_VILLAGE
from regions.models import Region
from regions.roles import Level
from regions.scoping import require, require_level
from regions.selectors import county_of
from regions.workdays import period_end

NOT_A_VILLAGE = "决策事项只能登记在村（社区）。"
DATE_IN_FUTURE = "{what}不能晚于今天。"
REASON_REQUIRED = "请填写理由。"


# An earlier round's posting (an upheld objection sent the matter back to 决议) is not corrected any more.
SUPERSEDED_NOT_AMENDED = "该公示因异议成立已重新决议，不能再更正。"


def check_manages(actor, village: Region) -> None:
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    require(actor, MANAGE_DECISIONS, village, message=NOT_YOUR_VILLAGE)


def rules_for(region: Region) -> DecisionRules:
    """The county's rules, or the defaults (7 days' disclosure, resolution within 60 days ...). One query."""
    return DecisionRules.for_region(region)


def period_ends_on(posted_on: datetime.date, days: int, *, village: Region) -> datetime.date:
    """The last day of a posting's period of ``days`` days (a disclosure's, an amendment's new one, a
    "未实施" result's): the posting day is not counted (民法典 第201条), and a last day that is a rest day on
    the county's calendar moves to the next working day (第203条). One query."""
    return period_end(county=county_of(village), start=posted_on, days=days)

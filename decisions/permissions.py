"""The decisions system's region permissions and which posts grant them (registered in apps.py)."""

from __future__ import annotations

from regions.roles import Role

MANAGE_DECISIONS = "manage_decisions"
SUPERVISE_DECISIONS = "supervise_decisions"
MANAGE_DECISION_CATEGORIES = "manage_decision_categories"

REGION_PERMISSIONS = (
    (MANAGE_DECISIONS, "办理民主决策事项"),
    (SUPERVISE_DECISIONS, "记录村务监督意见"),
    (MANAGE_DECISION_CATEGORIES, "维护决策事项类别"),
)

ROLE_PERMISSIONS = {
    Role.COUNTY_ORGANIZATION: (MANAGE_DECISION_CATEGORIES,),
    Role.TOWNSHIP_LEADER: (MANAGE_DECISION_CATEGORIES,),
    Role.TOWNSHIP_ORGANIZATION: (MANAGE_DECISION_CATEGORIES,),
    # The village's own cadres record the procedure's steps; township officials oversee them.
    Role.VILLAGE_SECRETARY: (MANAGE_DECISIONS,),
    Role.VILLAGE_COMMITTEE: (MANAGE_DECISIONS,),
    Role.FIRST_SECRETARY: (MANAGE_DECISIONS,),
    # 村务监督委员会: records its opinion on any step of the village's matters.
    Role.VILLAGE_SUPERVISOR: (SUPERVISE_DECISIONS,),
}

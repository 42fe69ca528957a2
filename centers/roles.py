"""The declared role table: which post (职务) grants which permissions, at which region level.

Granting a post assigns these permissions on the post's region with django-guardian;
a permission held on a region covers its whole subtree (see centers.scoping).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


# Region permissions (codenames on centers.Region). Later apps add their own here.
VIEW = "view_region"
CHANGE_CENTER = "change_center"
MANAGE_PEOPLE = "manage_people"
IMPORT_REGIONS = "import_regions"
VIEW_AUDIT = "view_audit"
MANAGE_CATALOG = "manage_catalog"
MANAGE_SERVICE_ITEMS = "manage_service_items"
MANAGE_DECISIONS = "manage_decisions"
SUPERVISE_DECISIONS = "supervise_decisions"
MANAGE_DECISION_CATEGORIES = "manage_decision_categories"

REGION_PERMISSIONS = (
    (CHANGE_CENTER, "维护党群服务中心"),
    (MANAGE_PEOPLE, "管理人员和职务"),
    (IMPORT_REGIONS, "导入区划代码"),
    (VIEW_AUDIT, "查看审计日志"),
    (MANAGE_CATALOG, "维护县级清单"),
    (MANAGE_SERVICE_ITEMS, "维护服务事项"),
    (MANAGE_DECISIONS, "办理民主决策事项"),
    (SUPERVISE_DECISIONS, "记录村务监督意见"),
    (MANAGE_DECISION_CATEGORIES, "维护决策事项类别"),
)


class Role(models.TextChoices):
    COUNTY_ORGANIZATION = "county_org", "县委组织部"
    COUNTY_DISCIPLINE = "county_discipline", "县纪委监委"
    COUNTY_POLITICS_LAW = "county_politics_law", "县委政法委"
    TOWNSHIP_LEADER = "township_leader", "乡镇党委书记"
    TOWNSHIP_ORGANIZATION = "township_org", "乡镇组织委员"
    TOWNSHIP_DISCIPLINE = "township_discipline", "乡镇纪委"
    TOWNSHIP_JUSTICE = "township_justice", "乡镇司法所（调解员）"
    LIAISON_CADRE = "liaison_cadre", "包村干部"
    VILLAGE_SECRETARY = "village_secretary", "村党组织书记"
    VILLAGE_COMMITTEE = "village_committee", "村两委成员"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    GRID_WORKER = "grid_worker", "网格员"
    VILLAGE_MEDIATOR = "village_mediator", "村调解员"
    VILLAGE_SUPERVISOR = "village_supervisor", "村监督员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    levels: tuple[str, ...]
    permissions: tuple[str, ...]
    # Roles a holder of this post may grant within its region (needs MANAGE_PEOPLE too).
    grants: tuple[str, ...] = ()


ROLE_TABLE: dict[str, RoleSpec] = {
    spec.role.value: spec
    for spec in (
        RoleSpec(Role.COUNTY_ORGANIZATION, (Level.COUNTY,),
                 (VIEW, MANAGE_PEOPLE, IMPORT_REGIONS, VIEW_AUDIT, MANAGE_CATALOG, MANAGE_SERVICE_ITEMS,
                  MANAGE_DECISION_CATEGORIES)),
        RoleSpec(Role.COUNTY_DISCIPLINE, (Level.COUNTY,), (VIEW,)),
        RoleSpec(Role.COUNTY_POLITICS_LAW, (Level.COUNTY,), (VIEW,)),
        RoleSpec(Role.TOWNSHIP_LEADER, (Level.TOWNSHIP,),
                 (VIEW, CHANGE_CENTER, MANAGE_PEOPLE, MANAGE_SERVICE_ITEMS, MANAGE_DECISION_CATEGORIES)),
        RoleSpec(Role.TOWNSHIP_ORGANIZATION, (Level.TOWNSHIP,),
                 (VIEW, CHANGE_CENTER, MANAGE_PEOPLE, MANAGE_SERVICE_ITEMS, MANAGE_DECISION_CATEGORIES)),
        RoleSpec(Role.TOWNSHIP_DISCIPLINE, (Level.TOWNSHIP,), (VIEW,)),
        RoleSpec(Role.TOWNSHIP_JUSTICE, (Level.TOWNSHIP,), (VIEW,)),
        # A liaison cadre is a township official posted to one village (包村).
        RoleSpec(Role.LIAISON_CADRE, (Level.VILLAGE,), (VIEW, CHANGE_CENTER)),
        # The village's own cadres record the procedure's steps; township officials oversee them.
        RoleSpec(Role.VILLAGE_SECRETARY, (Level.VILLAGE,), (VIEW, CHANGE_CENTER, MANAGE_DECISIONS)),
        RoleSpec(Role.VILLAGE_COMMITTEE, (Level.VILLAGE,), (VIEW, CHANGE_CENTER, MANAGE_DECISIONS)),
        RoleSpec(Role.FIRST_SECRETARY, (Level.VILLAGE,), (VIEW, CHANGE_CENTER, MANAGE_DECISIONS)),
        RoleSpec(Role.GRID_WORKER, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.VILLAGE_MEDIATOR, (Level.VILLAGE,), (VIEW,)),
        # 村务监督委员会: records its opinion on any step of the village's matters.
        RoleSpec(Role.VILLAGE_SUPERVISOR, (Level.VILLAGE,), (VIEW, SUPERVISE_DECISIONS)),
        RoleSpec(Role.SYSTEM_ADMIN, (Level.PROVINCE, Level.CITY, Level.COUNTY),
                 (VIEW, CHANGE_CENTER, MANAGE_PEOPLE, IMPORT_REGIONS, VIEW_AUDIT, MANAGE_CATALOG,
                  MANAGE_SERVICE_ITEMS, MANAGE_DECISIONS, SUPERVISE_DECISIONS, MANAGE_DECISION_CATEGORIES)),
    )
}

VILLAGE_ROLES = (Role.LIAISON_CADRE, Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE, Role.FIRST_SECRETARY,
                 Role.GRID_WORKER, Role.VILLAGE_MEDIATOR, Role.VILLAGE_SUPERVISOR)
# The organization department appoints every post but the system administrator's; a township's
# leader and organization member appoint only village-level posts (township posts come from the county).
_ALL_BUT_ADMIN = tuple(r for r in Role if r != Role.SYSTEM_ADMIN)
_GRANTS = {
    Role.COUNTY_ORGANIZATION: _ALL_BUT_ADMIN,
    Role.TOWNSHIP_LEADER: VILLAGE_ROLES,
    Role.TOWNSHIP_ORGANIZATION: VILLAGE_ROLES,
    Role.SYSTEM_ADMIN: tuple(Role),
}
ROLE_TABLE = {key: RoleSpec(spec.role, spec.levels, spec.permissions, tuple(_GRANTS.get(spec.role, ())))
              for key, spec in ROLE_TABLE.items()}

LEVEL_DEPTH = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}

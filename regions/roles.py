"""The declared role table: which post (职务) grants which permissions, at which region level.

The posts and the foundation's own permissions are declared here; each system adds its permissions and
which posts grant them through core.registry (``region_permissions``, ``role_permissions``), so this file
never names an app above it. Granting a post assigns the role's permissions on the post's region with
django-guardian; a permission held on a region covers its whole subtree (see regions.scoping).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from core import registry
from regions.scoping import VIEW


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


LEVEL_DEPTH = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}

# The foundation's region permissions (codenames on regions.Region; VIEW is Django's view_region).
MANAGE_PEOPLE = "manage_people"
IMPORT_REGIONS = "import_regions"
VIEW_AUDIT = "view_audit"
MANAGE_COUNTY_SETTINGS = "manage_county_settings"
URGE = "urge_village_work"

REGION_PERMISSIONS = (
    (MANAGE_PEOPLE, "管理人员和职务"),
    (IMPORT_REGIONS, "导入区划代码"),
    (VIEW_AUDIT, "查看审计日志"),
    (MANAGE_COUNTY_SETTINGS, "维护县级设置（工作日历和各项规定）"),
    (URGE, "督办村级工作（超期代办、滞留事项）"),
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
    # 一格四员 ([003]): the grid's manager (the grid worker who reports), assistant, police officer and
    # supervisor, plus an optional party-member grid leader ([001 召陵]). Grid posts name their grid.
    GRID_WORKER = "grid_worker", "网格员"
    GRID_ASSISTANT = "grid_assistant", "网格协管员"
    GRID_POLICE = "grid_police", "网格警务员"
    GRID_SUPERVISOR = "grid_supervisor", "网格监督员"
    GRID_PARTY_LEADER = "grid_party_leader", "党员网格长"
    VILLAGE_MEDIATOR = "village_mediator", "村调解员"
    VILLAGE_SUPERVISOR = "village_supervisor", "村监督员"
    # [000]: 大学生村干部, 无职党员 and 退休村干部 sit on duty beside the 两委: a post with duty rights only.
    DUTY_VOLUNTEER = "duty_volunteer", "坐班人员（大学生村官、无职党员等）"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    levels: tuple[str, ...]
    # The foundation's permissions of this post; the systems' ones come from the registry.
    base_permissions: tuple[str, ...]
    # Roles a holder of this post may grant within its region (needs MANAGE_PEOPLE too).
    grants: tuple[str, ...] = ()

    @property
    def permissions(self) -> frozenset[str]:
        if self.role == Role.SYSTEM_ADMIN:
            return all_permissions()
        return frozenset(self.base_permissions) | registry.role_permissions(self.role)


VILLAGE_ROLES = (
    Role.LIAISON_CADRE,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
    Role.FIRST_SECRETARY,
    Role.GRID_WORKER,
    Role.GRID_ASSISTANT,
    Role.GRID_POLICE,
    Role.GRID_SUPERVISOR,
    Role.GRID_PARTY_LEADER,
    Role.VILLAGE_MEDIATOR,
    Role.VILLAGE_SUPERVISOR,
    Role.DUTY_VOLUNTEER,
)
# The organization department appoints every post but the system administrator's; a township's
# leader and organization member appoint only village-level posts (township posts come from the county).
_ALL_BUT_ADMIN = tuple(r for r in Role if r != Role.SYSTEM_ADMIN)
_TOWNSHIP_MANAGER = (VIEW, MANAGE_PEOPLE, URGE)

ROLE_TABLE: dict[str, RoleSpec] = {
    spec.role.value: spec
    for spec in (
        RoleSpec(
            Role.COUNTY_ORGANIZATION,
            (Level.COUNTY,),
            (VIEW, MANAGE_PEOPLE, IMPORT_REGIONS, VIEW_AUDIT, MANAGE_COUNTY_SETTINGS, URGE),
            _ALL_BUT_ADMIN,
        ),
        RoleSpec(Role.COUNTY_DISCIPLINE, (Level.COUNTY,), (VIEW,)),
        RoleSpec(Role.COUNTY_POLITICS_LAW, (Level.COUNTY,), (VIEW,)),
        RoleSpec(Role.TOWNSHIP_LEADER, (Level.TOWNSHIP,), _TOWNSHIP_MANAGER, VILLAGE_ROLES),
        RoleSpec(Role.TOWNSHIP_ORGANIZATION, (Level.TOWNSHIP,), _TOWNSHIP_MANAGER, VILLAGE_ROLES),
        RoleSpec(Role.TOWNSHIP_DISCIPLINE, (Level.TOWNSHIP,), (VIEW,)),
        RoleSpec(Role.TOWNSHIP_JUSTICE, (Level.TOWNSHIP,), (VIEW,)),
        # A liaison cadre is a township official posted to one village (包村).
        RoleSpec(Role.LIAISON_CADRE, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.VILLAGE_SECRETARY, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.VILLAGE_COMMITTEE, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.FIRST_SECRETARY, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.GRID_WORKER, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.GRID_ASSISTANT, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.GRID_POLICE, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.GRID_SUPERVISOR, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.GRID_PARTY_LEADER, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.VILLAGE_MEDIATOR, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.VILLAGE_SUPERVISOR, (Level.VILLAGE,), (VIEW,)),
        RoleSpec(Role.DUTY_VOLUNTEER, (Level.VILLAGE,), (VIEW,)),
        # The system administrator holds every permission any system registers.
        RoleSpec(Role.SYSTEM_ADMIN, (Level.PROVINCE, Level.CITY, Level.COUNTY), (), tuple(Role)),
    )
}


# Posts held in one grid of the village (Post.grid names it).
GRID_ROLES = (
    Role.GRID_WORKER,
    Role.GRID_ASSISTANT,
    Role.GRID_POLICE,
    Role.GRID_SUPERVISOR,
    Role.GRID_PARTY_LEADER,
)


def all_permissions() -> frozenset[str]:
    """Every region permission: the foundation's and the ones the systems registered."""
    return frozenset(
        {
            VIEW,
            *(codename for codename, _ in REGION_PERMISSIONS),
            *(codename for codename, _ in registry.region_permissions()),
        }
    )


def roles_granting(perm: str) -> list[str]:
    """Roles whose posts grant ``perm`` (e.g. who may carry a village's requests)."""
    return [role for role, spec in ROLE_TABLE.items() if perm in spec.permissions]


def level_of(code12: str) -> str:
    """The level a 12-digit division code names: trailing zeros mark it (411122000000 is a county)."""
    if code12[2:] == "0" * 10:
        return Level.PROVINCE
    if code12[4:] == "0" * 8:
        return Level.CITY
    if code12[6:] == "0" * 6:
        return Level.COUNTY
    if code12[9:] == "000":
        return Level.TOWNSHIP
    return Level.VILLAGE


def prefix_of(code12: str) -> str:
    return code12[: PREFIX_LENGTH[level_of(code12)]]

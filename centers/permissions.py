"""The service center system's region permissions and which posts grant them (registered in apps.py)."""

from __future__ import annotations

from regions.roles import Role

CHANGE_CENTER = "change_center"
MANAGE_CENTER_LISTS = "manage_center_lists"
MANAGE_SERVICE_ITEMS = "manage_service_items"
# 延期 of a proxy request needs the township's approval (DOMAIN_RULES C.10): its leader or organisation member.
APPROVE_EXTENSION = "approve_request_extension"

REGION_PERMISSIONS = (
    (CHANGE_CENTER, "维护党群服务中心、坐班和代办"),
    (MANAGE_CENTER_LISTS, "维护功能室和建设标准清单"),
    (MANAGE_SERVICE_ITEMS, "维护服务事项"),
    (APPROVE_EXTENSION, "审批代办延期申请"),
)

ROLE_PERMISSIONS = {
    Role.COUNTY_ORGANIZATION: (MANAGE_CENTER_LISTS, MANAGE_SERVICE_ITEMS),
    Role.TOWNSHIP_LEADER: (CHANGE_CENTER, MANAGE_SERVICE_ITEMS, APPROVE_EXTENSION),
    Role.TOWNSHIP_ORGANIZATION: (CHANGE_CENTER, MANAGE_SERVICE_ITEMS, APPROVE_EXTENSION),
    # A liaison cadre is a township official posted to one village (包村): helps run its center.
    Role.LIAISON_CADRE: (CHANGE_CENTER,),
    Role.VILLAGE_SECRETARY: (CHANGE_CENTER,),
    Role.VILLAGE_COMMITTEE: (CHANGE_CENTER,),
    Role.FIRST_SECRETARY: (CHANGE_CENTER,),
}

"""The mediation system's region permissions and which posts grant them (registered in apps.py).

Disputes hold family and money matters: only the levels that handle them (the village's cadres, grid
workers and mediators; the township's 司法所 and leader; the county's 政法委) see cases; everyone who
sees a region sees its figures, which name nobody.
"""

from __future__ import annotations

from regions.roles import Role

VIEW_DISPUTES = "view_disputes"
REPORT_DISPUTES = "report_disputes"
MEDIATE_DISPUTES = "mediate_disputes"
REVEAL_PARTIES = "reveal_dispute_parties"
MANAGE_MEDIATION_NETWORK = "manage_mediation_network"

REGION_PERMISSIONS = (
    (VIEW_DISPUTES, "查看矛盾纠纷案件"),
    (REPORT_DISPUTES, "登记矛盾纠纷"),
    (MEDIATE_DISPUTES, "受理和调解矛盾纠纷"),
    (REVEAL_PARTIES, "查看当事人完整身份信息"),
    (MANAGE_MEDIATION_NETWORK, "维护网格和人民调解委员会"),
)

_HANDLER = (VIEW_DISPUTES, REPORT_DISPUTES, MEDIATE_DISPUTES, REVEAL_PARTIES)
_REPORTER = (VIEW_DISPUTES, REPORT_DISPUTES)

ROLE_PERMISSIONS = {
    Role.COUNTY_POLITICS_LAW: (*_HANDLER, MANAGE_MEDIATION_NETWORK),
    Role.TOWNSHIP_JUSTICE: (*_HANDLER, MANAGE_MEDIATION_NETWORK),
    Role.TOWNSHIP_LEADER: (VIEW_DISPUTES,),
    Role.LIAISON_CADRE: (VIEW_DISPUTES,),
    Role.VILLAGE_SECRETARY: (*_HANDLER, MANAGE_MEDIATION_NETWORK),
    Role.VILLAGE_COMMITTEE: (*_HANDLER, MANAGE_MEDIATION_NETWORK),
    Role.FIRST_SECRETARY: _HANDLER,
    Role.VILLAGE_MEDIATOR: _HANDLER,
    # [003]: the grid worker reports at once and mediates first.
    Role.GRID_WORKER: _HANDLER,
    Role.GRID_ASSISTANT: _REPORTER,
    Role.GRID_POLICE: _REPORTER,
    Role.GRID_SUPERVISOR: _REPORTER,
    Role.GRID_PARTY_LEADER: _REPORTER,
    # The cadre on duty at the service desk turns a walk-in into a dispute.
    Role.DUTY_VOLUNTEER: _REPORTER,
}

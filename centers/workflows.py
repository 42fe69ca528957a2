"""The proxy request's state machine (代办): its transitions table, run by core.workflow."""

from __future__ import annotations

from centers.models import ProxyRequest, ProxyRequestTimelineEvent
from centers.permissions import CHANGE_CENTER
from core.workflow import Transition, Workflow
from regions.scoping import RegionGuard

Status = ProxyRequest.Status
Kind = ProxyRequestTimelineEvent.Kind
OPEN = (Status.ACCEPTED, Status.IN_PROGRESS)

NOT_YOUR_VILLAGE = "您不能在该村受理或办理代办事项。"
REQUEST_EDITED_MEANWHILE = "该代办事项已被他人更新，请刷新页面查看最新进展后再操作。"

# public=False: the event stays off the public lookup (its reason may name people or circumstances).
PROXY_REQUEST = Workflow(
    model=ProxyRequest,
    state_field="status",
    event_model=ProxyRequestTimelineEvent,
    event_fk="proxy_request",
    guard=RegionGuard(lambda proxy_request: proxy_request.village, NOT_YOUR_VILLAGE),
    perm=CHANGE_CENTER,
    edited_meanwhile=REQUEST_EDITED_MEANWHILE,
    select_related=("village", "item"),
    transitions=[
        Transition(Kind.START, "承办", (Status.ACCEPTED,), Status.IN_PROGRESS),
        Transition(Kind.PROGRESS, "记录进展", (Status.IN_PROGRESS,), None, public=False),
        Transition(Kind.COMPLETE, "办结", (Status.IN_PROGRESS,), Status.DONE),
        Transition(Kind.REPLY, "回复申请人", (Status.DONE,), Status.REPLIED),
        Transition(Kind.RETURN, "退回", OPEN, Status.RETURNED, needs_reason=True, public=False),
        Transition(Kind.TRANSFER, "转办", OPEN, None, public=False),
        Transition(Kind.WITHDRAW, "申请人撤回", OPEN, Status.WITHDRAWN, needs_reason=True),
        Transition(Kind.RESCHEDULE, "改期", OPEN, None, needs_reason=True, public=False),
    ],
)

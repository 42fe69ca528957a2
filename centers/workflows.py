"""The proxy request's state machine (代办): its transitions table, run by core.workflow."""

from __future__ import annotations

from centers.models import ProxyRequest, ProxyRequestTimelineEvent
from centers.permissions import APPROVE_EXTENSION, CHANGE_CENTER
from core.workflow import Transition, Workflow
from regions.scoping import RegionGuard

Status = ProxyRequest.Status
Kind = ProxyRequestTimelineEvent.Kind
OPEN = (Status.ACCEPTED, Status.IN_PROGRESS)

NOT_YOUR_VILLAGE = "您不能在该村受理或办理代办事项。"
REQUEST_EDITED_MEANWHILE = "该代办事项已被他人更新，请刷新页面查看最新进展后再操作。"
EXTENSION_ALREADY_PENDING = "该事项已有一项延期申请等待乡镇（街道）审批，审批后才能再次申请。"
NO_EXTENSION_PENDING = "该事项没有待审批的延期申请。"


def _refusal(proxy_request: ProxyRequest, transition: Transition) -> str:
    """The clear word when an open request's extension step does not fit (one pending at a time)."""
    if proxy_request.status not in OPEN:
        return ""
    if transition.name == Kind.EXTENSION_ASK and proxy_request.extension_pending:
        return EXTENSION_ALREADY_PENDING
    if transition.name in (Kind.EXTENSION_GRANT, Kind.EXTENSION_DENY) and not proxy_request.extension_pending:
        return NO_EXTENSION_PENDING
    return ""


# public=False: the event stays off the public lookup (its reason may name people or circumstances).
# 延期 (DOMAIN_RULES C.10): the village asks, before its promise has passed, and the promise stays until
# the township (APPROVE_EXTENSION) grants the new date or denies it; one pending request at a time.
PROXY_REQUEST = Workflow(
    model=ProxyRequest,
    state_field="status",
    event_model=ProxyRequestTimelineEvent,
    event_fk="proxy_request",
    guard=RegionGuard(lambda proxy_request: proxy_request.village, NOT_YOUR_VILLAGE),
    perm=CHANGE_CENTER,
    edited_meanwhile=REQUEST_EDITED_MEANWHILE,
    refusal=_refusal,
    select_related=("village", "item"),
    transitions=[
        Transition(Kind.START, "承办", (Status.ACCEPTED,), Status.IN_PROGRESS),
        Transition(Kind.PROGRESS, "记录进展", (Status.IN_PROGRESS,), None, public=False),
        Transition(Kind.COMPLETE, "办结", (Status.IN_PROGRESS,), Status.DONE),
        Transition(Kind.REPLY, "回复申请人", (Status.DONE,), Status.REPLIED),
        # 明确答复制: a return tells the applicant why (reply_text, shown on the lookup); the reason
        # in the note stays internal.
        Transition(Kind.RETURN, "退回并答复申请人", OPEN, Status.RETURNED, needs_reason=True),
        Transition(Kind.TRANSFER, "转办", OPEN, None, public=False),
        Transition(Kind.WITHDRAW, "申请人撤回", OPEN, Status.WITHDRAWN, needs_reason=True),
        Transition(
            Kind.EXTENSION_ASK,
            "申请延期",
            OPEN,
            None,
            needs_reason=True,
            public=False,
            when=lambda proxy_request: not proxy_request.extension_pending,
        ),
        # The township decides on the request's page, in its own box (offer=False).
        Transition(
            Kind.EXTENSION_GRANT,
            "批准延期",
            OPEN,
            None,
            perm=APPROVE_EXTENSION,
            when=lambda proxy_request: proxy_request.extension_pending,
            offer=False,
        ),
        Transition(
            Kind.EXTENSION_DENY,
            "不批准延期",
            OPEN,
            None,
            perm=APPROVE_EXTENSION,
            needs_reason=True,
            public=False,
            when=lambda proxy_request: proxy_request.extension_pending,
            offer=False,
        ),
    ],
)

"""The dispute's state machine (DOMAIN_RULES B.1.3, transitions M1-M15), run by core.workflow.

    registered -(accept)-> accepted -(assign mediators)-> mediating -(agreement)-> agreed
        -(follow-up)-> following_up -(close: performed, or the parties went to court)-> closed
    registered -(refuse, a reason from the fixed list)-> not_accepted
    mediating -(调解不成, advice given)-> failed;  accepted|mediating -(a party withdrew)-> terminated
    registered|accepted|mediating -(上报)-> escalated -(the receiving level accepts)-> accepted
    registered|accepted|mediating -(转交 信访/公安/法院/行政部门)-> transferred
    registered|accepted|mediating -(settled otherwise, with evidence)-> closed (化解, not 调解成功)

Nothing of a dispute is public: every event is private (is_public False), on no public page.

Sessions, extensions, risk, police reports, signatures, the seal, 司法确认 and petitions are events
beside the line: they change no state.
"""

from __future__ import annotations

from core.workflow import Transition, Workflow
from mediation.models import FINAL_STATES, Dispute, DisputeTimelineEvent, State
from mediation.permissions import MEDIATE_DISPUTES
from regions.scoping import RegionGuard

Kind = DisputeTimelineEvent.Kind

NOT_YOURS = "您不能办理该纠纷：它不在您的管辖范围内。"
EDITED_MEANWHILE = "该纠纷已被他人更新，请刷新页面查看最新情况后再操作。"
CLOSED = {
    State.NOT_ACCEPTED: "该纠纷已不予受理，不能再办理。",
    State.CLOSED: "该纠纷已结案，不能再办理。",
    State.FAILED: "该纠纷已调解不成并告知其他解决途径，不能再办理。",
    State.TERMINATED: "该纠纷已终止调解，不能再办理。",
    State.TRANSFERRED: "该纠纷已转交其他部门，不能再办理。",
}
HANDLING = (State.REGISTERED, State.ACCEPTED, State.MEDIATING)

DISPUTE = Workflow(
    model=Dispute,
    state_field="state",
    event_model=DisputeTimelineEvent,
    event_fk="dispute",
    guard=RegionGuard(lambda dispute: dispute.handling_region, NOT_YOURS),
    perm=MEDIATE_DISPUTES,
    edited_meanwhile=EDITED_MEANWHILE,
    select_related=("village", "handling_region", "grid"),
    is_open=lambda dispute: dispute.state not in FINAL_STATES,
    closed_message=lambda dispute: CLOSED[dispute.state],
    transitions=[
        # M2 / M3: the handling level accepts, or refuses with a reason from the fixed list.
        Transition(Kind.ACCEPTED, "受理", (State.REGISTERED,), State.ACCEPTED, public=False, offer=False),
        Transition(
            Kind.NOT_ACCEPTED, "不予受理", (State.REGISTERED,), State.NOT_ACCEPTED, public=False, offer=False
        ),
        # M11: the receiving level accepts an escalated case (its clocks restart).
        Transition(
            Kind.ESCALATION_ACCEPTED,
            "受理上报",
            (State.ESCALATED,),
            State.ACCEPTED,
            public=False,
            offer=False,
        ),
        # M4: mediators designated or chosen; later changes (回避) keep the state.
        Transition(
            Kind.MEDIATORS_ASSIGNED,
            "指派调解员",
            (State.ACCEPTED, State.MEDIATING),
            State.MEDIATING,
            public=False,
            offer=False,
        ),
        Transition(
            Kind.MEDIATOR_WITHDRAWN, "调解员回避", (State.MEDIATING,), None, public=False, offer=False
        ),
        # M5, M6: sessions and risk, beside the line.
        Transition(Kind.SESSION, "记录调解", (State.MEDIATING,), None, public=False, offer=False),
        Transition(
            Kind.EXTENDED, "延长调解期限", (State.ACCEPTED, State.MEDIATING), None, public=False, offer=False
        ),
        # M7-M10.
        Transition(Kind.AGREED, "调解成功", (State.MEDIATING,), State.AGREED, public=False, offer=False),
        Transition(Kind.FAILED, "调解不成", (State.MEDIATING,), State.FAILED, public=False, offer=False),
        Transition(
            Kind.TERMINATED,
            "终止调解",
            (State.ACCEPTED, State.MEDIATING),
            State.TERMINATED,
            needs_reason=True,
            public=False,
            offer=False,
        ),
        Transition(
            Kind.SETTLED,
            "已化解（自行和解等）",
            HANDLING,
            State.CLOSED,
            needs_reason=True,
            public=False,
            offer=False,
        ),
        # M11, M12.
        Transition(Kind.ESCALATED, "上报", HANDLING, State.ESCALATED, public=False, offer=False),
        Transition(Kind.TRANSFERRED, "转交", HANDLING, State.TRANSFERRED, public=False, offer=False),
        # M13: follow-up visits on an effective agreement, then closure.
        Transition(
            Kind.FOLLOW_UP,
            "回访",
            (State.AGREED, State.FOLLOWING_UP),
            State.FOLLOWING_UP,
            public=False,
            offer=False,
        ),
        Transition(Kind.CLOSED, "结案", (State.FOLLOWING_UP,), State.CLOSED, public=False, offer=False),
    ],
)

"""The matter's state machine (四议两公开), run by core.workflow. The steps are linear, so the one
"meeting held" transition moves each meeting step to the next; the table is generated from STEP_ORDER.

    proposal -(meeting held)-> consultation -(held)-> review -(held)-> resolution -(held)->
    resolution_disclosure -(resolution posted; period ended)-> implementation -(result posted)->
    result_disclosure -(period ended: completed)

A meeting without quorum leaves the step open; a failed vote ends the matter as rejected.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.workflow import Transition, Workflow
from decisions.models import MEETING_STEPS, STEP_ORDER, Matter, MatterTimelineEvent, Step
from decisions.permissions import MANAGE_DECISIONS
from regions.scoping import RegionGuard

Kind = MatterTimelineEvent.Kind
Status = Matter.Status

NOT_YOUR_VILLAGE = "您不能办理该村的决策事项。"
MATTER_EDITED_MEANWHILE = "该事项已被他人更新，请刷新页面查看最新进展后再操作。"
MATTER_CLOSED = {
    "rejected": "该事项表决未通过，已终止，不能再办理。",
    "completed": "该事项已办结，不能再办理。",
}
STEP_SKIPPED = "不能跳过“{missing}”：请先完成“{missing}”，再进行“{step}”。"
STEP_DONE = "“{step}”已经完成，当前环节是“{current}”。"


def _label(step: str) -> str:
    return Step(step).label


def step_refusal(matter: Matter, step: str) -> str:
    """Why ``step`` cannot be taken now: it would skip the matter's current step (named), or it is done."""
    if matter.step == step:
        return ""
    if STEP_ORDER.index(step) > STEP_ORDER.index(matter.step):
        return STEP_SKIPPED.format(missing=_label(matter.step), step=_label(step))
    return STEP_DONE.format(step=_label(step), current=_label(matter.step))


def require_step(matter: Matter, step: str) -> None:
    """Refuses anything but the matter's current step, naming the step that is missing."""
    message = step_refusal(matter, step)
    if message:
        raise ValidationError(message)


def refusal(matter: Matter, transition: Transition) -> str:
    """The workflow's refusal of a transition that does not start from the matter's step."""
    wanted = min(transition.sources, key=STEP_ORDER.index)
    return step_refusal(matter, wanted) or STEP_DONE.format(
        step=transition.label, current=_label(matter.step)
    )


NEXT_STEP = {step: STEP_ORDER[STEP_ORDER.index(step) + 1] for step in MEETING_STEPS}

MATTER = Workflow(
    model=Matter,
    state_field="step",
    event_model=MatterTimelineEvent,
    event_fk="matter",
    guard=RegionGuard(lambda matter: matter.village, NOT_YOUR_VILLAGE),
    perm=MANAGE_DECISIONS,
    edited_meanwhile=MATTER_EDITED_MEANWHILE,
    select_related=("village", "category"),
    is_open=lambda matter: matter.status == Status.OPEN,
    closed_message=lambda matter: MATTER_CLOSED[matter.status],
    refusal=refusal,
    transitions=[
        Transition(Kind.MEETING_HELD, "录入会议", MEETING_STEPS, NEXT_STEP),
        Transition(Kind.MEETING_NOT_HELD, "会议未达法定人数", MEETING_STEPS, None, offer=False),
        Transition(Kind.REJECTED, "表决未通过", MEETING_STEPS, None, offer=False),
        Transition(
            Kind.RESOLUTION_DISCLOSED,
            "张贴决议公开",
            (Step.RESOLUTION_DISCLOSURE,),
            None,
            when=lambda matter: matter.disclosed_on is None,
        ),
        Transition(
            Kind.PERIOD_ENDED,
            "决议公示期满",
            (Step.RESOLUTION_DISCLOSURE,),
            Step.IMPLEMENTATION,
            when=lambda matter: matter.disclosed_on is not None,
            offer=False,
        ),
        Transition(Kind.RESULT_DISCLOSED, "公开实施结果", (Step.IMPLEMENTATION,), Step.RESULT_DISCLOSURE),
        Transition(Kind.COMPLETED, "事项完成", (Step.RESULT_DISCLOSURE,), None, offer=False),
    ],
)

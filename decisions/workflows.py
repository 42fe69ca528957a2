"""The matter's state machine (四议两公开), run by core.workflow. The steps are linear, so the one
"meeting held" transition moves each meeting step to the next; the table is generated from STEP_ORDER.

    proposal -(meeting held)-> consultation -(held)-> review -(held)-> resolution -(held)->
    resolution_disclosure -(resolution posted; period ended)-> implementation -(result posted)->
    result_disclosure -(period ended: completed)

A meeting without quorum leaves the step open; a failed vote ends the matter as rejected.

Beside the line: an upheld objection during either posting sends the matter back to the resolution (a new
round); an open matter may be withdrawn before any resolution passed, and terminated after one (with a
result disclosure "未实施"): both close it.
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
    "withdrawn": "该事项已撤回，不能再办理。",
    "terminated": "该事项已终止实施，不能再办理。",
}
WITHDRAW_AFTER_RESOLUTION = "该事项已形成决议，不能撤回；如决定不再实施，请“终止”并公开未实施的原因。"
TERMINATE_BEFORE_RESOLUTION = "该事项尚未形成决议，不能终止；如不再办理，请“撤回”。"
TERMINATE_AFTER_RESULT = "实施结果已经公开，不能再终止。"
TERMINATE_BEFORE_POSTING = "决议尚未公开：请先张贴决议公开，再终止实施。"
UPHOLD_NOT_IN_PERIOD = (
    "只有决议公开或实施结果公开期间的异议可以在此认定成立；事项已进入组织实施的，如异议成立须改变决议，"
    "请终止事项并公开原因。"
)
DISCLOSURE_STEPS = (Step.RESOLUTION_DISCLOSURE, Step.RESULT_DISCLOSURE)
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


def may_withdraw(matter: Matter) -> bool:
    """No resolution has passed: before or at 决议, in the first round (a later round had one posted)."""
    return matter.step in MEETING_STEPS and matter.round == 1


def may_terminate(matter: Matter) -> bool:
    """A resolution passed and was posted (or, decided again after an upheld objection, was posted in an
    earlier round), and the result is not posted yet."""
    if matter.step == Step.RESOLUTION_DISCLOSURE:
        return matter.disclosed_on is not None
    return matter.step == Step.IMPLEMENTATION or (matter.step == Step.RESOLUTION and matter.round > 1)


def refusal(matter: Matter, transition: Transition) -> str:
    """The workflow's refusal of a transition that does not start from the matter's step."""
    if transition.name == Kind.WITHDRAWN:
        return WITHDRAW_AFTER_RESOLUTION
    if transition.name == Kind.TERMINATED:
        if matter.step == Step.RESOLUTION_DISCLOSURE:
            return TERMINATE_BEFORE_POSTING
        return TERMINATE_BEFORE_RESOLUTION if matter.step in MEETING_STEPS else TERMINATE_AFTER_RESULT
    if transition.name == Kind.OBJECTION_UPHELD:
        return UPHOLD_NOT_IN_PERIOD
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
        # Back to 决议 for a new vote; the reason is the event's note (decisions.services.objections).
        Transition(
            Kind.OBJECTION_UPHELD,
            "异议成立",
            DISCLOSURE_STEPS,
            Step.RESOLUTION,
            needs_reason=True,
            offer=False,
        ),
        # The two exits close the matter where it stands (decisions.services.closures).
        Transition(
            Kind.WITHDRAWN, "撤回事项", MEETING_STEPS, None, needs_reason=True, when=may_withdraw, offer=False
        ),
        Transition(
            Kind.TERMINATED,
            "终止实施",
            (Step.RESOLUTION, Step.RESOLUTION_DISCLOSURE, Step.IMPLEMENTATION),
            None,
            needs_reason=True,
            when=may_terminate,
            offer=False,
        ),
    ],
)

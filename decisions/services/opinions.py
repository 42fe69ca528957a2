"""The village affairs supervision committee (村务监督委员会) on a matter: its opinions at any step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.caching import matter_changed
from decisions.kinds import DecisionReminder
from decisions.models import Matter, SupervisionOpinion
from decisions.permissions import SUPERVISE_DECISIONS
from decisions.workflows import Status
from notifications.services import remind
from regions.roles import Role
from regions.scoping import require
from regions.selectors import post_holders

NOT_A_SUPERVISOR = "只有本村村务监督委员会成员可以记录监督意见。"
OPINION_CLOSED = "该事项已结束，不能再记录监督意见。"
OBJECTION_REASON_REQUIRED = "提出异议须写明理由。"


@transaction.atomic
def opinion_record(*, actor, matter: Matter, verdict: str, reason: str = "") -> SupervisionOpinion:
    """村务监督委员会 records its opinion on the matter's current step; an objection alerts the township."""
    require(actor, SUPERVISE_DECISIONS, matter.village, message=NOT_A_SUPERVISOR)
    matter = Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=matter.pk)
    if matter.status != Status.OPEN:
        raise ValidationError(OPINION_CLOSED)
    if verdict == SupervisionOpinion.Verdict.OBJECT and not reason.strip():
        raise ValidationError(OBJECTION_REASON_REQUIRED)
    opinion = SupervisionOpinion(
        matter=matter, step=matter.step, verdict=verdict, reason=reason.strip(), recorded_by=actor
    )
    opinion.full_clean()
    opinion.save()
    if verdict == SupervisionOpinion.Verdict.OBJECT:
        _objection_alert(opinion)
    matter_changed(matter)
    return opinion


def _objection_alert(opinion: SupervisionOpinion) -> int:
    """The township's leader and organization member, and the village's liaison cadre, are told once."""
    matter = opinion.matter
    # Township posts sit on the township, the liaison cadre's on the village: one query for both.
    holders = post_holders(
        [matter.village.parent_id, matter.village_id],
        (Role.TOWNSHIP_LEADER, Role.TOWNSHIP_ORGANIZATION, Role.LIAISON_CADRE),
    )
    recipients = [*holders.get(matter.village.parent_id, []), *holders.get(matter.village_id, [])]
    return remind(
        opinion,
        kind=DecisionReminder.SUPERVISION_OBJECTION,
        due_date=timezone.localdate(),
        recipients=recipients,
        body=opinion.reason,
        url=matter.get_absolute_url(),
        title=f"村务监督委员会异议：{matter.village.name}“{matter.title}”（{opinion.get_step_display()}）",
    )

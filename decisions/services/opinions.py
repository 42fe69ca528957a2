"""The village affairs supervision committee (村务监督委员会) on a matter: its opinions at any step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.caching import matter_changed
from decisions.kinds import DecisionReminder
from decisions.models import Matter, SupervisionOpinion
from decisions.permissions import SUPERVISE_DECISIONS
from decisions.services.common import check_manages
from decisions.workflows import MATTER, Kind, Status
from notifications.services import remind
from regions.roles import Role
from regions.scoping import require
from regions.selectors import post_holders

NOT_A_SUPERVISOR = "只有本村村务监督委员会成员可以记录监督意见。"
OPINION_CLOSED = "该事项已结束，不能再记录监督意见。"
OBJECTION_REASON_REQUIRED = "提出异议须写明理由。"
NOT_AN_OBJECTION = "只有村务监督委员会的异议需要答复或关闭。"
ANSWER_REQUIRED = "请填写答复内容。"
ALREADY_ANSWERED = "该异议已经答复。"
ALREADY_CLOSED = "该异议已经关闭。"
CLOSE_BEFORE_ANSWER = "村里尚未答复该异议，答复后才能关闭。"
NOT_A_SUPERVISOR_CLOSE = "只有本村村务监督委员会成员可以关闭监督委员会的异议。"


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


def _township_recipients(matter: Matter) -> list:
    """Who follows a committee's objection: the township's leader and organization member, and the
    village's liaison cadre."""
    # Township posts sit on the township, the liaison cadre's on the village: one query for both.
    holders = post_holders(
        [matter.village.parent_id, matter.village_id],
        (Role.TOWNSHIP_LEADER, Role.TOWNSHIP_ORGANIZATION, Role.LIAISON_CADRE),
    )
    return [*holders.get(matter.village.parent_id, []), *holders.get(matter.village_id, [])]


def _objection_alert(opinion: SupervisionOpinion) -> int:
    """The township's leader and organization member, and the village's liaison cadre, are told once."""
    matter = opinion.matter
    return remind(
        opinion,
        kind=DecisionReminder.SUPERVISION_OBJECTION,
        due_date=timezone.localdate(),
        recipients=_township_recipients(matter),
        body=opinion.reason,
        url=matter.get_absolute_url(),
        title=f"村务监督委员会异议：{matter.village.name}“{matter.title}”（{opinion.get_step_display()}）",
    )


def _objection_locked(opinion: SupervisionOpinion) -> SupervisionOpinion:
    opinion = (
        SupervisionOpinion.objects.select_for_update(of=("self",))
        .select_related("matter__village")
        .get(pk=opinion.pk)
    )
    if opinion.verdict != SupervisionOpinion.Verdict.OBJECT:
        raise ValidationError(NOT_AN_OBJECTION)
    if opinion.closed_at is not None:
        raise ValidationError(ALREADY_CLOSED)
    return opinion


@transaction.atomic
def supervision_objection_answer(*, actor, opinion: SupervisionOpinion, answer: str) -> SupervisionOpinion:
    """The village answers the committee's objection (once; who and when recorded), on the matter's
    timeline; the committee is told. Also after the matter ended: an objection is never left unanswered."""
    check_manages(actor, opinion.village)
    opinion = _objection_locked(opinion)
    if opinion.answered_at is not None:
        raise ValidationError(ALREADY_ANSWERED)
    if not answer.strip():
        raise ValidationError(ANSWER_REQUIRED)
    opinion.answer, opinion.answered_by, opinion.answered_at = answer.strip(), actor, timezone.now()
    opinion.full_clean()
    opinion.save(update_fields=["answer", "answered_by", "answered_at"])
    matter = opinion.matter
    MATTER.record(
        matter,
        Kind.OBJECTION_ANSWERED,
        actor=actor,
        note=opinion.answer,
        payload={"opinion_id": opinion.pk, "step": opinion.step},
        public=False,  # the committee's opinions are not on the public bulletin
    )
    matter_changed(matter)
    committee = post_holders([matter.village_id], (Role.VILLAGE_SUPERVISOR,)).get(matter.village_id, [])
    remind(
        opinion,
        kind=DecisionReminder.SUPERVISION_OBJECTION_ANSWERED,
        due_date=timezone.localdate(),
        recipients=[r for r in [opinion.recorded_by, *committee] if r is not None],
        body=opinion.answer,
        url=matter.get_absolute_url(),
        title=f"村里已答复监委会异议：“{matter.title}”（{opinion.get_step_display()}），请审核后关闭",
    )
    return opinion


@transaction.atomic
def supervision_objection_close(*, actor, opinion: SupervisionOpinion, note: str = "") -> SupervisionOpinion:
    """The committee that raised the objection closes it once the village has answered (DOMAIN_RULES B.2.2:
    the 村务监督委员会 supervises the village, so the village cannot close an objection against itself);
    the township officials who were alerted are told it is closed."""
    require(actor, SUPERVISE_DECISIONS, opinion.village, message=NOT_A_SUPERVISOR_CLOSE)
    opinion = _objection_locked(opinion)
    if opinion.answered_at is None:
        raise ValidationError(CLOSE_BEFORE_ANSWER)
    opinion.closed_by, opinion.closed_at, opinion.close_note = actor, timezone.now(), note.strip()
    opinion.full_clean()
    opinion.save(update_fields=["closed_by", "closed_at", "close_note"])
    matter = opinion.matter
    MATTER.record(
        matter,
        Kind.OBJECTION_CLOSED,
        actor=actor,
        note=opinion.close_note,
        payload={"opinion_id": opinion.pk, "step": opinion.step},
        public=False,  # the committee's opinions are not on the public bulletin
    )
    matter_changed(matter)
    remind(
        opinion,
        kind=DecisionReminder.SUPERVISION_OBJECTION_CLOSED,
        due_date=timezone.localdate(),
        recipients=_township_recipients(matter),
        body=opinion.close_note,
        url=matter.get_absolute_url(),
        title=f"监委会异议已关闭：{matter.village.name}“{matter.title}”（{opinion.get_step_display()}）",
    )
    return opinion

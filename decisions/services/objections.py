"""Objections to a posting beyond the cadre's record (decisions.services.disclosures): an objection upheld
(异议成立) sends the matter back to 决议 for a new vote, and villagers file objections themselves on the
public bulletin (DOMAIN_RULES A.2.6)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import zh_date
from core.personal_data import contact_phone_validate
from decisions.caching import matter_changed
from decisions.kinds import DecisionReminder
from decisions.models import Amendment, Disclosure, Matter, Objection
from decisions.selectors import objection_periods
from decisions.services.common import DATE_IN_FUTURE, check_manages
from decisions.services.disclosures import (
    ANSWER_BEFORE_RECEIVED,
    OBJECTION_ANSWERED,
    OBJECTION_REQUIRED,
)
from decisions.workflows import MATTER, Kind
from notifications.services import remind
from regions.roles import Role
from regions.selectors import post_holders

UPHOLD_REASON_REQUIRED = "请填写异议成立的理由。"
AMENDMENT_LAPSED = "异议成立，事项退回重新决议，本更正不再确认。"
UPHOLD_SUPERSEDED = "该公示已因异议成立而重新决议，不能再认定异议成立。"
PUBLIC_NAME_REQUIRED = "请填写您的姓名。"
PUBLIC_NOT_RUNNING = (
    "该公示的公示期为{start}至{end}，现在不在公示期内，不能在线提出异议。如有意见，可向村务监督委员会反映。"
)
PUBLIC_MATTER_MOVED = "该公示已结束，不能再在线提出异议。如有意见，可向村务监督委员会反映。"


@transaction.atomic
def objection_uphold(*, actor, objection: Objection, reason: str, answered_on: datetime.date) -> Objection:
    """异议成立: the objection is answered with the reason, and the matter goes back to 决议 for a new vote
    (its next round). The earlier meetings and postings stay on record as they were; the bulletin marks
    the posting as superseded, the timeline carries the reason."""
    check_manages(actor, objection.village)
    # The matter first, as disclosure_period_close and objection_record lock it: one order, no deadlock.
    matter = MATTER.lock(objection.disclosure.matter, None)
    objection = Objection.objects.select_for_update().select_related("disclosure").get(pk=objection.pk)
    disclosure = objection.disclosure
    if objection.answered_on is not None:
        raise ValidationError(OBJECTION_ANSWERED)
    MATTER.ensure_open(matter)
    if disclosure.round != matter.round:
        raise ValidationError(UPHOLD_SUPERSEDED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(UPHOLD_REASON_REQUIRED)
    if answered_on < objection.received_on:
        raise ValidationError(ANSWER_BEFORE_RECEIVED)
    if answered_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="答复日期"))
    objection.answer, objection.answered_on, objection.answered_by = reason, answered_on, actor
    objection.upheld = True
    objection.full_clean()
    objection.save(update_fields=["answer", "answered_on", "answered_by", "upheld"])
    # Corrections of this round's postings still waiting for the committee lapse with the round: what they
    # would correct is decided again.
    Amendment.objects.filter(
        disclosure__matter=matter, disclosure__round=matter.round, needs_signoff=True, signoff=""
    ).update(signoff=Amendment.Signoff.REFUSED, signoff_reason=AMENDMENT_LAPSED, signed_at=timezone.now())
    MATTER.apply(
        matter,
        Kind.OBJECTION_UPHELD,
        actor=actor,
        version=None,
        locked=matter,
        note=reason,
        # The posted dates belong to the round that was posted (its disclosure rows keep them); the new
        # round starts without a resolution.
        changes=lambda m: {
            "round": m.round + 1,
            "resolved_on": None,
            "disclosed_on": None,
            "step_since": answered_on,
        },
        payload={
            "objection_id": objection.pk,
            "disclosure": disclosure.kind,
            "posted_on": disclosure.posted_on,
            "round": matter.round + 1,
        },
    )
    matter_changed(matter)
    return objection


def _village_managers(matter: Matter) -> list:
    """Who hears of a villager's objection: the village's cadres who manage its decisions."""
    roles = (Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE, Role.FIRST_SECRETARY)
    return post_holders([matter.village_id], roles).get(matter.village_id, [])


@transaction.atomic
def objection_file_public(*, disclosure: Disclosure, name: str, phone: str, summary: str) -> Objection:
    """A villager's objection from the public bulletin, received today: only while the posting's period runs
    and the posting is the matter's current one. The village's cadres are notified; the page shows the
    name and phone masked."""
    today = timezone.localdate()
    matter = (
        Matter.objects.select_for_update(of=("self",)).select_related("village").get(pk=disclosure.matter_id)
    )
    # Its own period, or a confirmed correction's new one; a running posting of an earlier round or of a
    # matter that moved on is refused as such.
    periods = objection_periods(matter, disclosure)
    if not any(start <= today <= end for start, end in periods):
        if disclosure.is_running(today) and not periods:
            raise ValidationError(PUBLIC_MATTER_MOVED)
        raise ValidationError(
            PUBLIC_NOT_RUNNING.format(start=zh_date(disclosure.posted_on), end=zh_date(disclosure.ends_on))
        )
    name, summary = (name or "").strip(), (summary or "").strip()
    if not name:
        raise ValidationError(PUBLIC_NAME_REQUIRED)
    phone = contact_phone_validate(phone)
    if not summary:
        raise ValidationError(OBJECTION_REQUIRED)
    objection = Objection(
        disclosure=disclosure,
        received_on=today,
        summary=summary,
        source=Objection.Source.PUBLIC,
        name=name,
        phone=phone,
    )
    objection.full_clean()
    objection.save()
    remind(
        objection,
        kind=DecisionReminder.PUBLIC_OBJECTION,
        due_date=today,
        recipients=_village_managers(matter),
        title=f"村民在公开栏对“{matter.title}”{disclosure.get_kind_display()}提出异议，请及时答复",
        body=summary,
        url=matter.get_absolute_url(),
    )
    matter_changed(matter)
    return objection

"""督办 on a matter stuck on one step longer than the county allows (the shared mechanic is
regions.services.urging; here: which matters may be urged, and the matter's timeline)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.workflow import lock_for_update
from decisions.caching import matter_changed
from decisions.models import Matter
from decisions.selectors import stuck_q
from decisions.services.common import check_manages, rules_for
from decisions.workflows import MATTER
from regions.models import Urging
from regions.services.urging import urging_answer, urging_issue

NOT_STUCK = "只能督办在同一环节停滞超过{days}天的事项。"


def matter_is_stuck(matter: Matter, today: datetime.date) -> bool:
    """Open, not in implementation (which may rightly take long), on its step longer than the county's
    limit: decisions.selectors.stuck_q, the oversight page's and the daily reminder's rule. One query."""
    stuck_before = today - datetime.timedelta(days=rules_for(matter.village).stuck_days)
    return Matter.objects.filter(stuck_q(stuck_before), pk=matter.pk).exists()


def _title(matter: Matter) -> str:
    return f"{matter.village.name}“{matter.title}”在“{matter.get_step_display()}”环节停滞"


@transaction.atomic
def matter_urge(*, actor, matter: Matter, message: str = "") -> Urging:
    """督办 on a stuck matter: the village secretary and whoever registered it are told, on the timeline
    (not publicly), at most once a day."""
    locked = lock_for_update(Matter.objects.select_related("village", "created_by"), matter.pk)
    if not matter_is_stuck(locked, timezone.localdate()):
        raise ValidationError(NOT_STUCK.format(days=rules_for(locked.village).stuck_days))
    urging = urging_issue(
        actor=actor,
        record=locked,
        village=locked.village,
        message=message,
        handlers=[locked.created_by],
        title=_title(locked),
        url=locked.get_absolute_url(),
        workflow=MATTER,
        payload={"step": locked.step},
    )
    matter_changed(locked)
    return urging


@transaction.atomic
def matter_urging_answer(*, actor, matter: Matter, urging: Urging, answer: str) -> Urging:
    """The village's answer to a 督办 on its matter (those who manage the village's decisions)."""
    check_manages(actor, matter.village)
    urging = urging_answer(
        actor=actor,
        record=matter,
        urging=urging,
        answer=answer,
        title=_title(matter),
        url=matter.get_absolute_url(),
        workflow=MATTER,
    )
    matter_changed(matter)
    return urging

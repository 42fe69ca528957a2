"""The daily job of the decisions system: close the disclosure periods that ended, and remind once."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.utils import timezone

from decisions.kinds import DecisionReminder, stuck_kind
from decisions.models import DecisionRules, Disclosure, Matter, Step
from decisions.selectors import stuck_q
from decisions.services.disclosures import disclosure_period_close, secretaries_remind
from decisions.workflows import Status
from notifications.services import remind
from regions.models import Region
from regions.roles import Level, Role
from regions.selectors import post_holders


def decision_reminders_send(*, today: datetime.date | None = None) -> int:
    """Closes the disclosure periods that ended and reminds, once each: the secretary when a period ended
    (or ended with objections unanswered), and when a matter has been stuck on a step too long."""
    today = today or timezone.localdate()
    sent = 0
    ended = Disclosure.objects.filter(
        Q(kind=Disclosure.Kind.RESOLUTION, matter__step=Step.RESOLUTION_DISCLOSURE)
        | Q(kind=Disclosure.Kind.RESULT, matter__step=Step.RESULT_DISCLOSURE),
        ends_on__lt=today,
        matter__status=Status.OPEN,
        round=F("matter__round"),  # an earlier round's posting was superseded by an upheld objection
    ).select_related("matter__village")
    for disclosure in ended:
        outcome, moved_sent = disclosure_period_close(disclosure=disclosure, today=today)
        sent += moved_sent
        if outcome == "objections":
            matter = disclosure.matter
            sent += secretaries_remind(
                matter,
                disclosure,
                kind=DecisionReminder.DISCLOSURE_OBJECTIONS_OPEN,
                title=f"公示期已满但尚有异议未答复：{matter.village.name}“{matter.title}”",
            )
    rules = {r.county_id: r for r in DecisionRules.objects.all()}
    for county in Region.objects.filter(level=Level.COUNTY):
        limit = (rules.get(county.pk) or DecisionRules()).stuck_days
        stuck = list(
            Matter.objects.within(county)
            .filter(stuck_q(today - datetime.timedelta(days=limit)))
            .select_related("village")
        )
        secretaries = post_holders({m.village_id for m in stuck}, (Role.VILLAGE_SECRETARY,))
        for matter in stuck:
            # Once per step it is stuck on (the kind names the step), from the day the step began.
            sent += remind(
                matter,
                kind=stuck_kind(matter.step),
                due_date=matter.step_since,
                recipients=secretaries.get(matter.village_id, []),
                url=matter.get_absolute_url(),
                title=f"事项停滞：{matter.village.name}“{matter.title}”在“{matter.get_step_display()}”"
                f"环节已超过{limit}天",
            )
    return sent

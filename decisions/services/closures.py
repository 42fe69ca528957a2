"""The exits of an open matter (DOMAIN_RULES A.2.1 "missing exits"): withdrawn (撤回) while no resolution has
passed, or terminated (终止) after one, with a result disclosure "未实施" giving the reason. Both close the
matter: no further step, no "stuck" reminder (decisions.selectors.stuck_q counts open matters only)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.formats import zh_date
from decisions.caching import matter_changed
from decisions.models import Amendment, Disclosure, Matter, Objection
from decisions.services.common import DATE_IN_FUTURE, check_manages, period_ends_on, rules_for
from decisions.workflows import MATTER, Kind, Status

TERMINATE_REASON_REQUIRED = "请填写未实施的原因（将在公开栏公开）。"
POSTED_BEFORE_RESOLUTION = "“未实施”公开的张贴日期不能早于{what}（{date}）。"
SPENT_NEGATIVE = "实际支出不能为负数。"
TERMINATE_OBJECTIONS_OPEN = "本轮公示还有未答复的异议：请先答复，再终止事项。"
TERMINATE_AMENDMENT_PENDING = "还有更正等待村务监督委员会确认：请待确认后再终止事项。"


@transaction.atomic
def matter_withdraw(*, actor, matter: Matter, version: int, reason: str) -> Matter:
    """撤回: the matter is dropped before any resolution passed (提议 to 决议, first round); the reason is
    on its timeline."""
    check_manages(actor, matter.village)
    # The workflow refuses the step first, then an empty reason (the transition needs one).
    matter = MATTER.apply(
        matter,
        Kind.WITHDRAWN,
        actor=actor,
        version=version,
        note=reason,
        changes={"status": Status.WITHDRAWN},
        payload={"step": matter.step},
    )
    matter_changed(matter)
    return matter


def _posted_after(matter: Matter) -> tuple[str, datetime.date | None]:
    """The day the "未实施" posting may not precede: the last posting of the matter (any round), else the
    resolution."""
    last = matter.disclosures.order_by("-posted_on").values_list("posted_on", flat=True).first()
    if last is not None:
        return "决议公开的张贴日期", last
    return "决议日期", matter.resolved_on


@transaction.atomic
def matter_terminate(
    *,
    actor,
    matter: Matter,
    version: int,
    reason: str,
    posted_on: datetime.date,
    spent_amount: Decimal | None = None,
) -> Disclosure:
    """终止: a resolved matter is abandoned (lack of funds ...). The reason is posted on the bulletin as the
    result disclosure marked "未实施", for the county's period, and the matter closes as terminated."""
    check_manages(actor, matter.village)
    matter = MATTER.lock(matter, version)
    MATTER.check(matter, Kind.TERMINATED)
    # What villagers and the committee raised on this round's postings is answered first, not dropped.
    current = {"disclosure__matter": matter, "disclosure__round": matter.round}
    if Objection.objects.filter(**current, answered_on__isnull=True).exists():
        raise ValidationError(TERMINATE_OBJECTIONS_OPEN)
    if Amendment.objects.filter(**current, needs_signoff=True, signoff="").exists():
        raise ValidationError(TERMINATE_AMENDMENT_PENDING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(TERMINATE_REASON_REQUIRED)
    if posted_on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="张贴日期"))
    what, earliest = _posted_after(matter)
    if earliest is not None and posted_on < earliest:
        raise ValidationError(POSTED_BEFORE_RESOLUTION.format(what=what, date=zh_date(earliest)))
    if spent_amount is not None and spent_amount < 0:
        raise ValidationError(SPENT_NEGATIVE)
    rules = rules_for(matter.village)
    disclosure = Disclosure(
        matter=matter,
        round=matter.round,
        kind=Disclosure.Kind.RESULT,
        not_implemented=True,
        text=reason,
        spent_amount=spent_amount,
        posted_on=posted_on,
        # The same period as every posting (decisions.services.disclosures._disclosure_check).
        ends_on=period_ends_on(posted_on, rules.disclosure_days, village=matter.village),
        period_days=rules.disclosure_days,
        posted_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    MATTER.apply(
        matter,
        Kind.TERMINATED,
        actor=actor,
        version=None,
        locked=matter,
        note=reason,
        changes={"status": Status.TERMINATED},
        payload={"posted_on": disclosure.posted_on, "ends_on": disclosure.ends_on},
    )
    matter_changed(matter)
    return disclosure

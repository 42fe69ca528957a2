"""Reads of the agreement part of a dispute (the agreement, signatures, follow-ups, 司法确认), the printable
调解协议书 and the case file (一案一卷): each a fixed number of queries, whatever the number of parties,
follow-ups or events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.personal_data import mask_id_number
from mediation import rules
from mediation.models import (
    Agreement,
    CaseMediator,
    Committee,
    Dispute,
    FollowUp,
    JudicialConfirmation,
    Party,
    Performance,
    Session,
    Signature,
    State,
)
from mediation.permissions import MEDIATE_DISPUTES
from mediation.services.common import rules_for
from regions.scoping import region_in_scope

# What the parties are told after an unperformed (or partly performed) follow-up (人民调解法 第31–33条).
UNPERFORMED_ADVICE = (
    "请督促当事人履行调解协议；告知当事人：就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向"
    "人民法院提起诉讼（《人民调解法》第三十二条）；也可以自调解协议生效之日起三十日内共同向人民法院申请"
    "司法确认（第三十三条）。"
)
CLOSING_PERFORMANCES = (Performance.PERFORMED, Performance.WENT_TO_COURT)


@dataclass(frozen=True)
class PartyLine:
    """A party as the agreement and the case file show it: signed or not, ID masked (or revealed)."""

    party: Party
    signed_on: dt.date | None
    id_shown: str
    sex: str
    age: int | None


def _sex_age(id_number: str, on: dt.date) -> tuple[str, int | None]:
    """Sex and age read from an 18-digit ID number (GB 11643: digits 7-14 the birth date, the 17th odd
    for men); unknown without one."""
    if len(id_number) != 18:
        return "", None
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return "", None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return ("男" if int(id_number[16]) % 2 else "女"), age


def _party_lines(parties, signatures, *, on: dt.date, reveal: bool = False) -> list[PartyLine]:
    signed = {s.party_id: s.signed_on for s in signatures}
    lines = []
    for party in parties:
        sex, age = _sex_age(party.id_number, on) if party.kind == Party.Kind.PERSON else ("", None)
        lines.append(
            PartyLine(
                party=party,
                signed_on=signed.get(party.pk),
                id_shown=party.id_number if reveal else mask_id_number(party.id_number),
                sex=sex,
                age=age,
            )
        )
    return lines


def _missing(agreement: Agreement, lines: list[PartyLine]) -> list[str]:
    """mediation.services.agreements.missing_for_effect, read from the rows already fetched."""
    if agreement.form != Agreement.Form.WRITTEN or agreement.is_effective:
        return []
    missing = [line.party.name for line in lines if line.signed_on is None]
    if not agreement.mediator_signed:
        missing.append("调解员")
    if agreement.sealed_on is None:
        missing.append("调解委员会印章")
    return missing


def agreement_of(dispute: Dispute) -> Agreement | None:
    return Agreement.objects.select_related("recorded_by").filter(dispute=dispute).first()


def agreement_part(dispute, user, today: dt.date | None = None) -> dict:
    """The context of templates/mediation/agreements/section.html for ``dispute``: at most 7 queries
    (the agreement, parties, signatures, follow-ups, 司法确认 applications; the 30 days' last day on the
    county's calendar when the agreement is effective)."""
    today = today or timezone.localdate()
    may_act = region_in_scope(user, MEDIATE_DISPUTES, dispute.handling_region)
    part = {
        "dispute": dispute,
        "agreement": None,
        "may_act": may_act,
        "may_agree": may_act and dispute.state == State.MEDIATING,
        "today": today,
    }
    agreement = agreement_of(dispute)
    if agreement is None:
        return part
    parties = list(dispute.parties.order_by("id"))
    # Read for an oral agreement too (none): the page costs the same whatever form the agreement took.
    signatures = list(Signature.objects.filter(agreement=agreement))
    lines = _party_lines(parties, signatures, on=today)
    follow_ups = list(FollowUp.objects.filter(dispute=dispute).order_by("visited_on", "id"))
    confirmations = list(JudicialConfirmation.objects.filter(dispute=dispute).order_by("applied_on", "id"))
    last = follow_ups[-1] if follow_ups else None
    effective = agreement.is_effective
    is_open = dispute.state in (State.AGREED, State.FOLLOWING_UP)
    follow_up_flag = rules.IN_TIME
    if effective and not follow_ups and is_open:
        follow_up_flag = rules.due_flag(
            agreement.follow_up_due_on, today, rules_for(dispute.village).warn_days
        )
    part.update(
        agreement=agreement,
        lines=lines,
        unsigned=[line.party for line in lines if line.signed_on is None],
        missing=_missing(agreement, lines),
        follow_ups=follow_ups,
        last_follow_up=last,
        unperformed=last is not None and last.performance not in CLOSING_PERFORMANCES,
        unperformed_advice=UNPERFORMED_ADVICE,
        follow_up_flag=follow_up_flag,
        confirmations=confirmations,
        confirmation_last_day=(
            rules.confirmation_last_day(dispute.handling_region, agreement.effective_on)
            if effective
            else None
        ),
        may_sign=may_act
        and agreement.form == "written"
        and not effective
        and dispute.state == State.MEDIATING,
        may_follow_up=may_act and effective and is_open,
        # Offered while following up; the service refuses it until the agreement is performed.
        may_close=may_act and dispute.state == State.FOLLOWING_UP,
        may_confirm=may_act and effective,
    )
    return part


def committee_name(dispute: Dispute) -> str:
    """The committee that seals: the active 人民调解委员会 of the handling region, else the region's name
    followed by 人民调解委员会 (one query)."""
    committee = Committee.objects.filter(region=dispute.handling_region, is_active=True).first()
    return committee.name if committee else f"{dispute.handling_region.name}人民调解委员会"


CN_NUMBERS = "零一二三四五六七八九十"


def chinese_count(n: int) -> str:
    """一 .. 九十九 as a document writes counts (一式三份); larger counts in digits."""
    if 0 < n < 10:
        return CN_NUMBERS[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return f"{CN_NUMBERS[tens] if tens > 1 else ''}十{CN_NUMBERS[ones] if ones else ''}"
    return str(n)


def originals_text(parties: int) -> str:
    """人民调解法 第29条 practice: one original per party and one kept by the committee."""
    who = "双方当事人" if parties == 2 else "各方当事人"
    return f"本协议书一式{chinese_count(parties + 1)}份，{who}各执一份，人民调解委员会留存一份。"


def agreement_print(dispute: Dispute, *, reveal: bool = False, today: dt.date | None = None) -> dict:
    """The printable 调解协议书 (人民调解法 第29条's contents): 5 queries, whatever the number of parties.
    N parties sign N+1 originals: one each, one kept by the committee."""
    today = today or timezone.localdate()
    agreement = agreement_of(dispute)
    parties = list(dispute.parties.order_by("id"))
    signatures = list(Signature.objects.filter(agreement=agreement)) if agreement else []
    mediators = list(
        CaseMediator.objects.filter(dispute=dispute, withdrawn_on__isnull=True).order_by("-is_lead", "id")
    )
    return {
        "dispute": dispute,
        "agreement": agreement,
        "lines": _party_lines(
            parties, signatures, on=agreement.reached_on if agreement else today, reveal=reveal
        ),
        "mediators": mediators,
        "committee_name": committee_name(dispute),
        "originals": len(parties) + 1,
        "originals_text": originals_text(len(parties)),
        "revealed": reveal,
    }


def case_file(dispute: Dispute, *, today: dt.date | None = None) -> dict:
    """The case file (一案一卷, 人民调解法 第27条): registration, parties, mediators, sessions, agreement and
    signatures, follow-ups, 司法确认 and the timeline; 10 queries, whatever the size of the case."""
    today = today or timezone.localdate()
    agreement = agreement_of(dispute)
    parties = list(dispute.parties.order_by("id"))
    signatures = list(Signature.objects.filter(agreement=agreement)) if agreement else []
    lines = _party_lines(parties, signatures, on=today)
    return {
        "dispute": dispute,
        "committee_name": committee_name(dispute),
        "lines": lines,
        "mediators": list(CaseMediator.objects.filter(dispute=dispute).order_by("-is_lead", "id")),
        "sessions": list(
            Session.objects.filter(dispute=dispute).select_related("recorded_by").order_by("held_on", "id")
        ),
        "agreement": agreement,
        "missing": _missing(agreement, lines) if agreement else [],
        "follow_ups": list(FollowUp.objects.filter(dispute=dispute).order_by("visited_on", "id")),
        "confirmations": list(
            JudicialConfirmation.objects.filter(dispute=dispute).order_by("applied_on", "id")
        ),
        "events": list(dispute.timeline.select_related("actor").order_by("at", "id")),
        "printed_at": timezone.localtime(),
    }


PRINT_RELATED = ("village__parent", "handling_region", "grid", "registered_by", "reported_by", "received_by")

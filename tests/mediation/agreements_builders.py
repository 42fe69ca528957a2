"""Agreements built through the services for the agreement part's tests (tests/mediation/builders.py makes
the case up to mediating)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from mediation import services as ms
from mediation.models import Agreement, Dispute
from tests.mediation.builders import ID_A, ID_B, mediating

NAMES = ("沈大", "沈二", "沈三", "沈四", "沈五", "沈六", "沈七", "沈八")


def parties(n: int) -> list[ms.PartyInput]:
    """``n`` parties, the first an applicant, every ID number valid (two numbers, alternating)."""
    return [
        ms.PartyInput(
            name=NAMES[i],
            side="applicant" if i == 0 else "respondent",
            id_number=ID_A if i % 2 == 0 else ID_B,
            phone="13812345678",
            address=f"白马村{i + 1}组",
        )
        for i in range(n)
    ]


def written(world, *, n: int = 2, on: dt.date | None = None, actor=None, **overrides) -> Agreement:
    """A written agreement (调解协议书) reached ``on`` (accepted that day), waiting for signatures and the seal."""
    actor = actor or world.village_a1_clerk
    on = on or timezone.localdate()
    dispute = mediating(world, actor=actor, today=on, parties=parties(n), **overrides)
    return ms.agreement_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        data=ms.AgreementInput(
            form=Agreement.Form.WRITTEN,
            facts="双方因排水沟走向发生争执，各有责任。",
            terms="沈大出资疏通排水沟，沈二让出半米通道。",
            performance_manner="当场履行",
            reached_on=on,
        ),
    )


def oral(world, *, on: dt.date | None = None, actor=None) -> Agreement:
    actor = actor or world.village_a1_clerk
    on = on or timezone.localdate()
    dispute = mediating(world, actor=actor, today=on)
    return ms.agreement_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        data=ms.AgreementInput(
            form=Agreement.Form.ORAL, terms="沈二当面道歉。", performance_manner="当场履行", reached_on=on
        ),
    )


def effective(world, *, n: int = 2, on: dt.date | None = None, actor=None) -> Agreement:
    """A written agreement signed by every party and sealed ``on``: effective that day."""
    actor = actor or world.village_a1_clerk
    on = on or timezone.localdate()
    agreement = written(world, n=n, on=on, actor=actor)
    dispute = Dispute.objects.get(pk=agreement.dispute_id)
    for party in dispute.parties.order_by("id"):
        ms.agreement_sign(actor=actor, dispute=dispute, party=party, signed_on=on)
    ms.agreement_seal(actor=actor, dispute=dispute, sealed_on=on)
    agreement.refresh_from_db()
    assert agreement.effective_on == on
    return agreement


def url(name: str, dispute_or_agreement, *more) -> str:
    pk = getattr(dispute_or_agreement, "dispute_id", None) or dispute_or_agreement.pk
    return reverse(f"mediation:{name}", args=[pk, *more])


def full_case(world, *, n: int, sessions: int = 2, actor=None) -> Agreement:
    """A case with ``n`` parties and ``sessions`` sessions, agreed in writing, signed, sealed, followed up."""
    actor = actor or world.village_a1_clerk
    on = timezone.localdate() - dt.timedelta(days=10)
    dispute = mediating(world, actor=actor, today=on, parties=parties(n))
    for i in range(sessions):
        dispute.refresh_from_db()
        ms.session_record(
            actor=actor,
            dispute=dispute,
            version=dispute.version,
            data=ms.SessionInput(
                held_on=on,
                place="村调解室",
                mediators="李调解",
                parties_present="、".join(NAMES[:n]),
                notes=f"第{i + 1}次调解，双方陈述意见。",
                rights_told=True,
            ),
        )
    dispute.refresh_from_db()
    agreement = ms.agreement_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        data=ms.AgreementInput(
            form=Agreement.Form.WRITTEN,
            facts="双方因排水沟走向发生争执，各有责任。",
            terms="沈大出资疏通排水沟。",
            performance_manner="当场履行",
            reached_on=on,
        ),
    )
    for party in dispute.parties.order_by("id"):
        ms.agreement_sign(actor=actor, dispute=dispute, party=party, signed_on=on)
    ms.agreement_seal(actor=actor, dispute=dispute, sealed_on=on)
    dispute.refresh_from_db()
    ms.follow_up_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        data=ms.FollowUpInput(visited_on=timezone.localdate(), visitor="李调解", performance="performed"),
    )
    agreement.refresh_from_db()
    return agreement

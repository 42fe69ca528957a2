"""Disputes built through the services (the way users make them), for the mediation tests."""

from __future__ import annotations

import datetime as dt

from mediation import services as ms
from mediation.models import Agreement, Application, Dispute, DisputeType, Source
from regions.roles import Role
from tests.conftest import make_user

# Valid GB 11643 numbers (checksums right) for parties.
ID_A = "11010519491231002X"
ID_B = "440524188001010014"


def mediator_of(world, username: str = "mediator_a1", region=None, role=Role.VILLAGE_MEDIATOR):
    """A village mediator of village a1 (or a post of ``role`` at ``region``)."""
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    return user or make_user(username, role, region or world.village_a1, real_name="李调解")


def register(world, actor=None, village=None, **overrides) -> Dispute:
    actor = actor or world.village_a1_clerk
    village = village or world.village_a1
    parties = overrides.pop(
        "parties",
        [
            ms.PartyInput(name="沈大", side="applicant", id_number=ID_A, phone="13812345678"),
            ms.PartyInput(name="沈二", side="respondent", id_number=ID_B, phone="13987654321"),
        ],
    )
    data = ms.DisputeInput(
        source=overrides.pop("source", Source.VISIT),
        dispute_type=overrides.pop("dispute_type", DisputeType.NEIGHBOURS),
        summary=overrides.pop("summary", "兄弟二人因宅前排水沟发生争执"),
        parties=parties,
        **overrides,
    )
    return ms.dispute_register(actor=actor, village=village, data=data)


def accepted(world, actor=None, today: dt.date | None = None, **overrides) -> Dispute:
    actor = actor or world.village_a1_clerk
    dispute = register(world, actor=actor, **overrides)
    return ms.dispute_accept(
        actor=actor, dispute=dispute, version=dispute.version, application=Application.ORAL, today=today
    )


def mediating(world, actor=None, today: dt.date | None = None, **overrides) -> Dispute:
    actor = actor or world.village_a1_clerk
    dispute = accepted(world, actor=actor, today=today, **overrides)
    return ms.mediators_assign(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        mediators=[ms.MediatorInput(name="李调解", is_lead=True)],
        today=today,
    )


def agreed(world, actor=None, form=Agreement.Form.ORAL, reached_on=None, **overrides) -> Agreement:
    actor = actor or world.village_a1_clerk
    dispute = mediating(world, actor=actor, **overrides)
    return ms.agreement_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        data=ms.AgreementInput(
            form=form,
            facts="双方因排水沟走向发生争执，各有责任。",
            terms="沈大出资疏通排水沟，沈二让出半米通道。",
            performance_manner="当场履行",
            reached_on=reached_on or dispute.accepted_on,
        ),
    )

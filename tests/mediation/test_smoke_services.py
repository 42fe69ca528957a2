"""The services' whole path once: register -> accept -> mediate -> agree -> follow up -> close."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mediation import services as ms
from mediation.models import Agreement, Dispute, Performance, State
from tests.mediation.builders import agreed

pytestmark = pytest.mark.django_db


def test_an_oral_agreement_resolves_the_dispute_and_closes_after_performance(world):
    agreement = agreed(world)
    dispute = Dispute.objects.get(pk=agreement.dispute_id)
    assert dispute.state == State.AGREED and dispute.resolution == "mediated"
    assert dispute.number.startswith(f"TJ{timezone.localdate():%Y%m%d}")
    assert agreement.form == Agreement.Form.ORAL and agreement.effective_on == dispute.accepted_on
    ms.follow_up_record(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        data=ms.FollowUpInput(
            visited_on=timezone.localdate(), visitor="李调解", performance=Performance.PERFORMED
        ),
    )
    dispute.refresh_from_db()
    ms.dispute_close(actor=world.village_a1_clerk, dispute=dispute, version=dispute.version)
    dispute.refresh_from_db()
    assert dispute.state == State.CLOSED
    assert [e.kind for e in dispute.timeline.all()] == [
        "registered",
        "accepted",
        "mediators_assigned",
        "agreed",
        "effective",
        "follow_up",
        "closed",
    ]

"""Rules found missing in review: who the parties are is settled by an agreement, a grid source needs a
grid worker, the grid's own people do not accept what they sent up, a mediator out of office loses sight
of the case."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mediation import services as ms
from mediation.models import Agreement, Application, Party, Source
from mediation.services.disputes import GRID_ESCALATION_BY_VILLAGE, NOT_A_GRID_WORKER, PARTIES_FIXED
from regions.models import Post
from regions.roles import Role
from regions.services import post_end
from tests.conftest import make_user
from tests.mediation.builders import agreed, mediating, register
from tests.mediation.cases import post, url

pytestmark = pytest.mark.django_db


def test_no_party_is_added_or_refuses_once_an_agreement_is_recorded(world):
    agreement = agreed(world, form=Agreement.Form.WRITTEN)
    dispute = agreement.dispute
    client = world.client_for(world.village_a1_clerk)
    _, said = post(client, "dispute-party-add", dispute, name="沈三", side="respondent", kind="person")
    assert said == [PARTIES_FIXED]
    assert Party.objects.filter(dispute=dispute).count() == 2
    party = dispute.parties.first()
    with pytest.raises(ValidationError) as refused:
        ms.party_refusal_record(actor=world.village_a1_clerk, dispute=dispute, party=party)
    assert refused.value.messages == [PARTIES_FIXED]
    party.refresh_from_db()
    assert not party.refuses_mediation


def test_parties_may_be_added_while_mediating(world):
    dispute = mediating(world)
    party = ms.party_add(actor=world.village_a1_clerk, dispute=dispute, data=ms.PartyInput(name="沈三"))
    assert party.dispute_id == dispute.pk


def test_a_grid_source_is_the_grid_worker_s_own_report(world):
    with pytest.raises(ValidationError) as refused:
        register(world, actor=world.village_a1_clerk, source=Source.GRID)
    assert refused.value.messages == [NOT_A_GRID_WORKER]
    worker = make_user("grid_a1", Role.GRID_WORKER, world.village_a1)
    dispute = register(world, actor=worker, source=Source.GRID, grid=Post.objects.get(user=worker).grid)
    assert (dispute.reported_by, dispute.level) == (worker, "grid")


def test_the_grid_does_not_accept_what_it_sent_up(world):
    worker = make_user("grid_a1", Role.GRID_WORKER, world.village_a1)
    dispute = register(world, actor=worker, source=Source.GRID, grid=Post.objects.get(user=worker).grid)
    dispute = ms.dispute_escalate(
        actor=worker, dispute=dispute, version=dispute.version, to_level="village", reason="complex"
    )
    with pytest.raises(ValidationError) as refused:
        ms.dispute_accept(
            actor=worker, dispute=dispute, version=dispute.version, application=Application.ORAL
        )
    assert refused.value.messages == [GRID_ESCALATION_BY_VILLAGE]
    accepted = ms.dispute_accept(
        actor=world.village_a1_clerk, dispute=dispute, version=dispute.version, application=Application.ORAL
    )
    assert accepted.state == "accepted" and accepted.level == "village"


def test_a_mediator_whose_post_ended_no_longer_sees_the_case(world):
    mediator = make_user("mediator_a1", Role.VILLAGE_MEDIATOR, world.village_a1, real_name="李调解")
    dispute = register(world)
    dispute = ms.dispute_accept(
        actor=world.village_a1_clerk, dispute=dispute, version=dispute.version, application=Application.ORAL
    )
    ms.mediators_assign(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        mediators=[ms.MediatorInput(name="", user=mediator, is_lead=True)],
    )
    client = world.client_for(mediator)
    assert client.get(url("dispute-detail", dispute)).status_code == 200
    post_end(actor=None, post=Post.objects.get(user=mediator))
    assert client.get(url("dispute-detail", dispute)).status_code == 404
    assert dispute.number not in client.get("/mediation/").content.decode()


def test_a_written_agreement_counts_as_agreement_and_resolution_only_once_effective(world):
    import datetime as dt

    from django.utils import timezone

    from mediation.figures import figures_for

    agreement = agreed(world, form=Agreement.Form.WRITTEN)
    today = timezone.localdate()
    start = today - dt.timedelta(days=3)
    pending = figures_for(world.county, start, today)
    assert (pending.agreements_written, pending.resolved, pending.open) == (0, 0, 1)
    dispute = agreement.dispute
    for party in dispute.parties.all():
        ms.agreement_sign(actor=world.village_a1_clerk, dispute=dispute, party=party, signed_on=today)
    ms.agreement_seal(actor=world.village_a1_clerk, dispute=dispute, sealed_on=today)
    done = figures_for(world.county, start, today)
    assert (done.agreements_written, done.resolved, done.mediated, done.open) == (1, 1, 1, 0)


def test_the_case_page_costs_the_same_for_an_oral_and_a_written_agreement(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    oral = agreed(world, form=Agreement.Form.ORAL).dispute
    written = agreed(world, form=Agreement.Form.WRITTEN).dispute
    for party in written.parties.all():
        ms.agreement_sign(
            actor=world.village_a1_clerk, dispute=written, party=party, signed_on=timezone.localdate()
        )
    ms.agreement_seal(actor=world.village_a1_clerk, dispute=written, sealed_on=timezone.localdate())
    client = world.client_for(world.village_a1_clerk)
    counts = []
    for dispute in (oral, written, oral):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("dispute-detail", dispute)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2] <= 15

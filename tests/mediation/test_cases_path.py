"""The dispute pages' whole path through the URLs: a village cadre registers a walk-in's dispute, accepts
it, assigns a mediator, records a session and escalates it to the township; the township's 司法所
accepts it, designates its own mediator and ends it as 调解不成. One number and one timeline throughout."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from mediation.models import CaseMediator, Dispute, Escalation, State
from mediation.services.disputes import ESCALATED_MEDIATORS
from mediation.workflows import EDITED_MEANWHILE
from tests.mediation.builders import mediator_of
from tests.mediation.cases import form_data, justice_of, post, url

pytestmark = pytest.mark.django_db


def test_register_accept_assign_session_escalate_township_accepts_and_fails(world):
    clerk = world.client_for(world.village_a1_clerk)
    mediator = mediator_of(world)
    today = timezone.localdate()

    assert clerk.get(url("dispute-create")).status_code == 200
    response = clerk.post(url("dispute-create"), form_data(world))
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == dispute.get_absolute_url()
    page = clerk.get(response["Location"])
    assert f"纠纷已登记，案件编号{dispute.number}。" in page.content.decode()
    assert dispute.state == State.REGISTERED and dispute.level == "village"
    assert dispute.received_by == world.village_a1_clerk

    response, said = post(clerk, "dispute-accept", dispute, version=dispute.version, application="oral")
    dispute.refresh_from_db()
    assert dispute.state == State.ACCEPTED and dispute.accepted_on == today, said
    assert dispute.due_on is not None

    response, said = post(
        clerk, "dispute-assign", dispute, version=dispute.version, user=mediator.pk, is_lead="on"
    )
    dispute.refresh_from_db()
    assert dispute.state == State.MEDIATING, said
    assert CaseMediator.objects.get(dispute=dispute).user == mediator

    response, said = post(
        clerk,
        "dispute-session",
        dispute,
        version=dispute.version,
        held_on=today.isoformat(),
        place="村调解室",
        mediators="李调解",
        parties_present="沈大、沈二",
        rights_told="on",
        notes="双方各自陈述，未达成一致。",
    )
    assert said == ["已记录本次调解。"]
    dispute.refresh_from_db()
    assert dispute.sessions.count() == 1

    # The village's mediator, as the case's mediator, sees it while the village handles it.
    assert world.client_for(mediator).get(dispute.get_absolute_url()).status_code == 200

    response, said = post(
        clerk, "dispute-escalate", dispute, version=dispute.version, to_level="township", reason="complex"
    )
    assert said == ["已上报至乡级，待上级受理。"]
    # The case left the village's sight: back to the list, and its page answers 404.
    assert response["Location"] == url("dispute-list")
    dispute.refresh_from_db()
    assert dispute.state == State.ESCALATED and dispute.level == "township"
    assert dispute.handling_region == world.township_a
    assert clerk.get(dispute.get_absolute_url()).status_code == 404
    assert world.client_for(mediator).get(dispute.get_absolute_url()).status_code == 404
    village_mediator = CaseMediator.objects.get(dispute=dispute)
    assert village_mediator.withdrawn_on == today
    assert village_mediator.withdrawn_reason == ESCALATED_MEDIATORS.format(level="乡级")

    justice = justice_of(world)
    township = world.client_for(justice)
    page = township.get(dispute.get_absolute_url())
    assert page.status_code == 200 and "受理上报" in page.content.decode()
    number = dispute.number

    # A form read before someone else's change is refused, never overwritten.
    response, said = post(
        township, "dispute-accept", dispute, version=dispute.version - 1, application="oral"
    )
    assert said == [EDITED_MEANWHILE]

    response, said = post(
        township, "dispute-accept", dispute, version=dispute.version, application="initiative"
    )
    dispute.refresh_from_db()
    assert dispute.state == State.ACCEPTED and dispute.accepted_on == today, said
    assert Escalation.objects.get(dispute=dispute).accepted_on == today

    response, said = post(
        township, "dispute-assign", dispute, version=dispute.version, name="王司法", is_lead="on"
    )
    dispute.refresh_from_db()
    assert dispute.state == State.MEDIATING, said

    response, said = post(
        township, "dispute-fail", dispute, version=dispute.version, advice="依法向人民法院提起诉讼"
    )
    assert said == ["已记录调解不成，并告知当事人其他解决途径。"]
    dispute.refresh_from_db()
    assert dispute.state == State.FAILED and dispute.number == number
    assert dispute.failure_advice == "依法向人民法院提起诉讼" and dispute.concluded_on == today
    assert [e.kind for e in dispute.timeline.order_by("at", "id")] == [
        "registered",
        "accepted",
        "mediators_assigned",
        "session",
        "escalated",
        "escalation_accepted",
        "mediators_assigned",
        "failed",
    ]
    page = township.get(dispute.get_absolute_url()).content.decode()
    assert "村级 → 乡级，理由：案情复杂" in page
    assert "调解员：王司法" in page
    # A failed case offers nothing but the police report (第25条 may still apply).
    assert re.findall(r'data-action="([a-z-]+)"', page) == ["police"]


def test_the_desk_intake_link_preselects_the_village_and_the_duty_holder_receives(world):
    clerk = world.client_for(world.village_a1_clerk)
    page = clerk.get(url("dispute-create") + f"?village={world.village_a1.code}").content.decode()
    assert f'<option value="{world.village_a1.pk}" selected>' in page
    assert 'name="desk" value="True"' in page
    response = clerk.post(url("dispute-create"), form_data(world, desk="True"))
    assert response.status_code == 302
    # Nobody is on duty today: the cadre who registered it received it.
    assert Dispute.objects.get().received_by == world.village_a1_clerk


def test_a_grid_worker_reports_from_their_grid(world):
    from regions.models import Post

    worker = world.village_a1_readonly  # a 网格员 of village A1
    grid = Post.objects.get(user=worker).grid
    client = world.client_for(worker)
    page = client.get(url("dispute-create")).content.decode()
    assert f'<option value="{grid.pk}" selected>' in page
    assert '<option value="grid" selected>' in page
    response = client.post(url("dispute-create"), form_data(world, source="grid", grid=grid.pk))
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert dispute.level == "grid" and dispute.grid == grid and dispute.reported_by == worker


def test_the_intake_screen_links_here_and_a_walk_in_is_received_by_the_cadre_on_duty(world):
    from django.urls import reverse

    from centers.services.duty import roster_set_day
    from regions.roles import Role
    from tests.conftest import make_user

    on_duty = make_user("committee_a1", Role.VILLAGE_COMMITTEE, world.village_a1, real_name="赵值班")
    roster_set_day(actor=None, village=world.village_a1, day=timezone.localdate(), cadre=on_duty)
    volunteer = make_user("volunteer_a1", Role.DUTY_VOLUNTEER, world.village_a1)
    client = world.client_for(volunteer)
    intake = world.client_for(world.village_a1_clerk).get(reverse("centers:request-create")).content.decode()
    link = f"{url('dispute-create')}?village={world.village_a1.code}"
    assert f'href="{link}">登记矛盾纠纷</a>' in intake
    assert 'name="desk" value="True"' in client.get(link).content.decode()
    response = client.post(url("dispute-create"), form_data(world, desk="True"))
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.received_by == on_duty and dispute.registered_by == volunteer
    # Not from the desk (or not a visit): whoever registers receives it.
    client.post(url("dispute-create"), form_data(world, source="hotline", desk="True"))
    assert Dispute.objects.latest("id").received_by == volunteer

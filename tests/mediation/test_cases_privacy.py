"""Who sees a case and its parties: the handling level's subtree, its mediators and the levels above;
404 outside, 403 for a visible case without the permission; personal data masked, revealed with an
audit row; nothing on a public page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import PersonalDataReveal
from mediation import services as ms
from mediation.models import Dispute, State
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.builders import ID_A, accepted, register
from tests.mediation.cases import form_data, justice_of, url

pytestmark = pytest.mark.django_db


def test_after_escalation_the_village_no_longer_sees_the_case_and_the_township_does(world):
    dispute = register(world)
    clerk = world.client_for(world.village_a1_clerk)
    assert clerk.get(dispute.get_absolute_url()).status_code == 200
    ms.dispute_escalate(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        to_level="township",
        reason="complex",
    )
    assert clerk.get(dispute.get_absolute_url()).status_code == 404
    assert dispute.number not in clerk.get(url("dispute-list")).content.decode()
    township = world.client_for(justice_of(world))
    assert township.get(dispute.get_absolute_url()).status_code == 200
    assert dispute.number in township.get(url("dispute-list")).content.decode()


def test_a_cadre_of_another_village_gets_404(world):
    dispute = register(world)
    other = make_user("secretary_a2", Role.VILLAGE_SECRETARY, world.village_a2)
    client = world.client_for(other)
    assert client.get(dispute.get_absolute_url()).status_code == 404
    response = client.post(
        url("dispute-accept", dispute), {"version": dispute.version, "application": "oral"}
    )
    assert response.status_code == 404
    assert client.post(url("dispute-reveal", dispute)).status_code == 404
    assert dispute.number not in client.get(url("dispute-list")).content.decode()


def test_the_township_leader_above_sees_but_may_not_act(world):
    dispute = register(world)
    leader = make_user("leader_a", Role.TOWNSHIP_LEADER, world.township_a)
    client = world.client_for(leader)
    assert client.get(dispute.get_absolute_url()).status_code == 200
    response = client.post(
        url("dispute-accept", dispute), {"version": dispute.version, "application": "oral"}
    )
    assert response.status_code == 403
    assert client.post(url("dispute-reveal", dispute)).status_code == 403


def test_a_duty_volunteer_registers_but_may_not_accept(world):
    volunteer = make_user("volunteer_a1", Role.DUTY_VOLUNTEER, world.village_a1)
    client = world.client_for(volunteer)
    response = client.post(url("dispute-create"), form_data(world))
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert 'data-action="accept"' not in page and "显示完整信息" not in page
    response = client.post(
        url("dispute-accept", dispute), {"version": dispute.version, "application": "oral"}
    )
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.state == State.REGISTERED


def test_someone_without_a_reporting_post_may_not_register(world):
    leader = make_user("leader_a", Role.TOWNSHIP_LEADER, world.township_a)
    client = world.client_for(leader)
    assert client.get(url("dispute-create")).status_code == 403
    assert client.post(url("dispute-create"), form_data(world)).status_code == 403
    assert not Dispute.objects.exists()


def test_the_page_masks_the_parties_and_a_reveal_is_recorded(world):
    dispute = register(world)
    client = world.client_for(world.village_a1_clerk)
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert ID_A not in page and "13812345678" not in page
    assert "1101**********002X" in page and "138****5678" in page
    assert not PersonalDataReveal.objects.exists()
    revealed = client.post(url("dispute-reveal", dispute))
    assert revealed.status_code == 200
    assert ID_A in revealed.content.decode() and "13812345678" in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    row = PersonalDataReveal.objects.get()
    assert (row.user, row.record_type, row.record_id) == (
        world.village_a1_clerk,
        "mediation.Dispute",
        dispute.pk,
    )
    # The page itself stays masked.
    assert ID_A not in client.get(dispute.get_absolute_url()).content.decode()


def test_a_reveal_is_post_only(world):
    dispute = register(world)
    assert world.client_for(world.village_a1_clerk).get(url("dispute-reveal", dispute)).status_code == 405


def test_nothing_on_a_public_page(world):
    dispute = accepted(world)
    anonymous = world.client_for(None)
    for address in (url("dispute-list"), dispute.get_absolute_url(), url("dispute-create")):
        response = anonymous.get(address)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    bulletin = anonymous.get(reverse("bulletin", kwargs={"code": world.village_a1.code}))
    assert bulletin.status_code == 200
    assert dispute.number not in bulletin.content.decode() and "沈大" not in bulletin.content.decode()


def test_a_landline_is_masked_too(world):
    dispute = register(
        world,
        parties=[
            ms.PartyInput(name="沈大", phone="0395-12345678"),
            ms.PartyInput(name="沈二", side="respondent"),
        ],
    )
    page = world.client_for(world.village_a1_clerk).get(dispute.get_absolute_url()).content.decode()
    assert "039512345678" not in page and "039*****5678" in page

"""M7/M8 through the pages: a written agreement (调解协议书) takes effect only when every party has signed
AND the mediator signed with the committee's seal, each missing piece named on the page meanwhile and the
dispute not counted resolved; an oral agreement takes effect the day it is reached."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from mediation.models import Agreement, Dispute, Signature, State
from mediation.selectors_agreements import agreement_part
from mediation.services import agreements as sa
from tests.mediation.agreements_builders import url, written
from tests.mediation.builders import mediating

pytestmark = pytest.mark.django_db


def back(obj) -> str:
    """Where an action leads: the agreement part of the case's page."""
    dispute = getattr(obj, "dispute", obj)
    return f"{dispute.get_absolute_url()}#agreement"


def _form(dispute: Dispute, **overrides) -> dict:
    today = timezone.localdate().isoformat()
    data = {
        "version": dispute.version,
        "form": "written",
        "reached_on": today,
        "facts": "双方因排水沟走向发生争执，各有责任。",
        "terms": "沈大出资疏通排水沟，沈二让出半米通道。",
        "performance_manner": "当场履行",
        "performance_due_on": "",
    }
    data.update(overrides)
    return data


def _missing_html(page: str) -> list[str]:
    """The pieces the page names as missing for effect."""
    assert 'id="agreement-missing"' in page
    return re.findall(r'<span class="missing-item">([^<]*)</span>', page)


def test_written_agreement_is_effective_only_after_every_signature_and_the_seal(world):
    dispute = mediating(world)
    client = world.client_for(world.village_a1_clerk)
    assert client.get(url("agreement-create", dispute)).status_code == 200
    response = client.post(url("agreement-create", dispute), _form(dispute))
    assert response.status_code == 302 and response["Location"] == back(dispute)
    agreement = Agreement.objects.get(dispute=dispute)
    assert agreement.form == "written" and agreement.effective_on is None
    first, second = dispute.parties.order_by("id")
    today = timezone.localdate().isoformat()

    page = client.get(url("agreement-detail", dispute)).content.decode()
    missing = _missing_html(page)
    for piece in ("沈大", "沈二", "调解员", "调解委员会印章"):
        assert piece in missing

    # One party signs: still missing the other and the seal; not resolved.
    client.post(url("agreement-sign", dispute), {"party": first.pk, "signed_on": today})
    dispute.refresh_from_db()
    # Until it takes effect the case is still in mediation, on its one-month clock.
    assert dispute.resolution == "" and dispute.state == State.MEDIATING
    missing = _missing_html(client.get(url("agreement-detail", dispute)).content.decode())
    assert "沈大" not in missing and "沈二" in missing and "调解委员会印章" in missing

    # The seal before the last party: still not effective.
    client.post(url("agreement-seal", dispute), {"sealed_on": today})
    dispute.refresh_from_db()
    agreement.refresh_from_db()
    assert agreement.effective_on is None and dispute.resolution == ""
    missing = _missing_html(client.get(url("agreement-detail", dispute)).content.decode())
    assert "沈二" in missing and "调解员" not in missing and "印章" not in missing
    assert sa.missing_for_effect(agreement) == ["沈二"]

    # The last signature makes it effective that day; the dispute is resolved (调解成功).
    response = client.post(url("agreement-sign", dispute), {"party": second.pk, "signed_on": today})
    assert response.status_code == 302
    agreement.refresh_from_db()
    dispute.refresh_from_db()
    assert agreement.effective_on == timezone.localdate()
    assert dispute.resolution == "mediated" and dispute.resolved_on == timezone.localdate()
    page = client.get(url("agreement-detail", dispute)).content.decode()
    assert 'id="agreement-missing"' not in page
    assert "已生效" in page and "首次回访期限" in page


def test_each_signature_is_recorded_once(world):
    agreement = written(world)
    dispute = agreement.dispute
    first = dispute.parties.order_by("id").first()
    client = world.client_for(world.village_a1_clerk)
    today = timezone.localdate().isoformat()
    client.post(url("agreement-sign", dispute), {"party": first.pk, "signed_on": today})
    response = client.post(
        url("agreement-sign", dispute), {"party": first.pk, "signed_on": today}, follow=True
    )
    assert sa.SIGNED_TWICE.format(name="沈大") in response.content.decode()
    assert Signature.objects.filter(agreement=agreement).count() == 1


def test_a_signature_before_the_agreement_was_reached_is_refused(world):
    agreement = written(world)
    first = agreement.dispute.parties.order_by("id").first()
    client = world.client_for(world.village_a1_clerk)
    before = (agreement.reached_on - timezone.timedelta(days=1)).isoformat()
    response = client.post(
        url("agreement-sign", agreement), {"party": first.pk, "signed_on": before}, follow=True
    )
    assert sa.SIGNED_BEFORE_REACHED in response.content.decode()
    assert not Signature.objects.filter(agreement=agreement).exists()


def test_oral_agreement_is_effective_at_once(world):
    dispute = mediating(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(url("agreement-create", dispute), _form(dispute, form="oral", facts=""))
    assert response.status_code == 302, response.content.decode()
    agreement = Agreement.objects.get(dispute=dispute)
    dispute.refresh_from_db()
    assert agreement.effective_on == timezone.localdate() and dispute.resolution == "mediated"
    page = client.get(url("agreement-detail", dispute)).content.decode()
    assert "口头协议自达成之日起生效" in page and "agreement-print-link" not in page
    # Nothing to sign on an oral agreement.
    response = client.post(
        url("agreement-sign", dispute),
        {"party": dispute.parties.first().pk, "signed_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert sa.NOT_WRITTEN in response.content.decode()


def test_an_oral_form_is_refused_when_a_party_asked_for_a_written_one(world):
    dispute = mediating(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        url("agreement-create", dispute), _form(dispute, form="oral", written_requested="on")
    )
    assert response.status_code == 200
    assert sa.WRITTEN_REQUIRED in response.content.decode()
    assert not Agreement.objects.filter(dispute=dispute).exists()


def test_a_written_agreement_needs_the_facts_disputed_matters_and_responsibilities(world):
    dispute = mediating(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(url("agreement-create", dispute), _form(dispute, facts=""))
    assert response.status_code == 200
    assert sa.FACTS_REQUIRED in response.content.decode()
    assert not Agreement.objects.filter(dispute=dispute).exists()


def test_the_agreement_form_is_only_offered_while_mediating(world):
    agreement = written(world)
    client = world.client_for(world.village_a1_clerk)
    response = client.get(url("agreement-create", agreement))
    assert response.status_code == 302 and response["Location"] == back(agreement)


def test_the_section_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    agreement = written(world, n=6)
    dispute = Dispute.objects.select_related("village", "handling_region").get(pk=agreement.dispute_id)
    with django_assert_max_num_queries(7):
        part = agreement_part(dispute, world.village_a1_clerk)
    assert part["may_act"] and part["may_sign"] and len(part["unsigned"]) == 6
    assert part["missing"] == sa.missing_for_effect(agreement)

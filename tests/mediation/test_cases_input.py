"""Bad input on the registration form gives the Chinese message and creates nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.personal_data import CONTACT_PHONE_INVALID, ID_INVALID
from mediation.forms import GRID_NOT_FOUND
from mediation.models import Dispute, Party
from mediation.services.disputes import (
    AMOUNT_INVALID,
    FOUND_IN_FUTURE,
    GRID_NOT_HERE,
    NO_PARTY,
    PEOPLE_INVALID,
    SUMMARY_REQUIRED,
)
from regions.models import Grid
from tests.mediation.cases import form_data, url

pytestmark = pytest.mark.django_db


def _refused(world, message: str, **overrides) -> None:
    client = world.client_for(world.village_a1_clerk)
    response = client.post(url("dispute-create"), form_data(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dispute.objects.exists() and not Party.objects.exists()


def test_a_bad_id_checksum(world):
    _refused(world, ID_INVALID, party2_id_number="440524188001010015")


def test_a_bad_phone(world):
    _refused(world, CONTACT_PHONE_INVALID, party1_phone="1381234")


def test_a_date_found_in_the_future(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _refused(world, FOUND_IN_FUTURE, found_on=tomorrow.isoformat())


def test_a_grid_of_a_village_out_of_scope(world):
    foreign = Grid.objects.create(village=world.village_b1, name="李楼一网格")
    _refused(world, GRID_NOT_FOUND, grid=foreign.pk)


def test_a_grid_of_another_village_in_scope(world):
    from tests.mediation.cases import justice_of

    grid = Grid.objects.create(village=world.village_a2, name="张庄一网格")
    client = world.client_for(justice_of(world))
    response = client.post(url("dispute-create"), form_data(world, grid=grid.pk))
    assert GRID_NOT_HERE in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_huge_amount(world):
    _refused(world, AMOUNT_INVALID, amount="1000000000000")


def test_a_negative_amount_and_no_people(world):
    _refused(world, AMOUNT_INVALID, amount="-1")
    _refused(world, PEOPLE_INVALID, people_involved="0")


def test_no_summary_and_no_party(world):
    _refused(world, SUMMARY_REQUIRED, summary="")
    _refused(world, NO_PARTY, party1_name="")

"""Helpers of the dispute-page tests (tests/mediation/test_cases_*.py): the people who handle cases and
the registration form's data."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from mediation.models import Dispute
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.builders import ID_A, ID_B


def justice_of(world, username: str = "justice_a"):
    """The 司法所 of township A (Role.TOWNSHIP_JUSTICE)."""
    from accounts.models import User

    return User.objects.filter(username=username).first() or make_user(
        username, Role.TOWNSHIP_JUSTICE, world.township_a, real_name="王司法"
    )


def form_data(world, village=None, **overrides) -> dict:
    """What a cadre types on the registration form (two parties, valid ID numbers and phones)."""
    data = {
        "village": (village or world.village_a1).pk,
        "dispute_type": "neighbours",
        "source": "visit",
        "summary": "兄弟二人因宅前排水沟发生争执",
        "party1_name": "沈大",
        "party1_side": "applicant",
        "party1_kind": "person",
        "party1_id_number": ID_A,
        "party1_phone": "13812345678",
        "party2_name": "沈二",
        "party2_side": "respondent",
        "party2_kind": "person",
        "party2_id_number": ID_B,
        "party2_phone": "13987654321",
        "risk_level": "ordinary",
        "people_involved": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def url(name: str, dispute: Dispute | None = None) -> str:
    return reverse(f"mediation:{name}", args=[dispute.pk] if dispute is not None else None)


def post(client, url_name: str, dispute: Dispute, **data):
    """POSTs an action on the case; returns (response, the messages it left)."""
    response = client.post(url(url_name, dispute), data)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    client.cookies.pop("messages", None)  # read here: the next action's messages stand alone
    return response, said

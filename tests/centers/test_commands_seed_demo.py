"""seed_demo builds the demo county (12+ townships, 200+ villages, a login per role) and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from centers.models import ChecklistEntry, Post, Region, ServiceCenter
from centers.roles import Role

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    return (Region.objects.count(), ServiceCenter.objects.count(), User.objects.count(), Post.objects.count(),
            ChecklistEntry.objects.count())


def test_seed_demo_builds_a_county_with_every_role_and_runs_twice_without_change():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Region.objects.filter(level="township").count() >= 12
    assert Region.objects.filter(level="village").count() >= 200
    assert ServiceCenter.objects.count() == Region.objects.count()
    assert set(Post.objects.values_list("role", flat=True)) == set(Role.values)
    met = ChecklistEntry.objects.filter(is_met=True).count()
    assert 0 < met < ChecklistEntry.objects.count()  # varied checklist states
    text = out.getvalue()
    for username in ("admin", "county_org", "village_secretary", "grid_worker", "liaison_cadre"):
        assert username in text
    assert "Demo@2026" in text
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first


def test_demo_logins_work():
    from django.test import Client

    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    response = client.post("/accounts/login/", {"username": "village_secretary", "password": "Demo@2026"})
    assert response.status_code == 302
    assert client.get(response.url, follow=True).status_code == 200

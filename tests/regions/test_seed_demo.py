"""seed_demo builds the demo county (12+ townships, 200+ villages, a login per role) and is idempotent."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone

from accounts.models import User
from centers.models import (
    ChecklistEntry,
    DutyShift,
    ProxyRequest,
    ProxyRequestTimelineEvent,
    ServiceCenter,
    Suggestion,
)
from decisions.models import (
    Amendment,
    BoardPhoto,
    Disclosure,
    Matter,
    MatterTimelineEvent,
    Meeting,
    Objection,
    Step,
    SupervisionOpinion,
    VillageRoster,
)
from regions.models import Post, Region
from regions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo county, seeded once for the module in an outer transaction rolled back at its end (each
    test runs in a savepoint of it); its output is kept for the tests that read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def counts() -> tuple:
    return (
        Region.objects.count(),
        ServiceCenter.objects.count(),
        User.objects.count(),
        Post.objects.count(),
        ChecklistEntry.objects.count(),
        VillageRoster.objects.count(),
        Matter.objects.count(),
        Meeting.objects.count(),
        Disclosure.objects.count(),
        BoardPhoto.objects.count(),
        MatterTimelineEvent.objects.count(),
        Objection.objects.count(),
        Amendment.objects.count(),
        SupervisionOpinion.objects.count(),
        DutyShift.objects.count(),
        ProxyRequest.objects.count(),
        ProxyRequestTimelineEvent.objects.count(),
        Suggestion.objects.count(),
    )


def test_seed_demo_builds_a_county_with_every_role_and_runs_twice_without_change(seeded):
    assert Region.objects.filter(level="township").count() >= 12
    assert Region.objects.filter(level="village").count() >= 200
    assert ServiceCenter.objects.count() == Region.objects.count()
    assert set(Post.objects.values_list("role", flat=True)) == set(Role.values)
    met = ChecklistEntry.objects.filter(is_met=True).count()
    assert 0 < met < ChecklistEntry.objects.count()  # varied checklist states
    text = seeded
    for username in (
        "admin",
        "county_org",
        "village_secretary",
        "grid_worker",
        "liaison_cadre",
        "village_supervisor",
    ):
        assert username in text
    assert "Demo@2026" in text
    assert "民主决策" in text and "党群服务中心：新增值班" in text
    assert (
        DutyShift.objects.exists()
        and ProxyRequest.objects.count() == ProxyRequestTimelineEvent.objects.filter(kind="accept").count()
    )
    # The demo village shows a 延期 the township approved (finished by the new date: 延期办结) and one
    # still waiting for the township (DOMAIN_RULES C.10).
    today = timezone.localdate()
    extended = ProxyRequest.objects.get(promised_date__gt=F("original_promised_date"))
    assert extended.timeliness_on(today) == "延期办结" and extended.extension_to is None
    assert extended.timeline.filter(kind="extend_grant").exists()
    pending = ProxyRequest.objects.get(extension_to__isnull=False)
    assert pending.is_open and pending.extension_to > pending.promised_date >= today
    assert pending.village == extended.village and pending.timeline.filter(kind="extend_ask").exists()
    # Suggestions, some answered and some waiting (the figures and the township panel show both).
    assert "问题建议：新增" in text
    assert Suggestion.objects.filter(answered_at__isnull=True).exists()
    assert Suggestion.objects.filter(answered_at__isnull=False, answered_by__isnull=False).exists()
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first


def test_seed_demo_gives_every_village_a_roster_and_matters_in_varied_states_on_the_bulletin(seeded):
    villages = Region.objects.filter(level="village")
    today = timezone.localdate()
    assert (
        VillageRoster.objects.filter(valid_from__lte=today - timedelta(days=330))
        .values("village")
        .distinct()
        .count()
        == villages.count()
    )
    per_village = Counter(Matter.objects.values_list("village_id", flat=True))
    assert set(per_village) == set(villages.values_list("pk", flat=True))
    assert min(per_village.values()) >= 2 and max(per_village.values()) <= 4
    assert {"open", "completed", "rejected"} <= set(Matter.objects.values_list("status", flat=True))
    open_steps = set(Matter.objects.filter(status="open").values_list("step", flat=True))
    assert open_steps == set(Step.values)
    assert (
        Matter.objects.filter(status="open", step_since__lt=today - timedelta(days=30))
        .exclude(step=Step.IMPLEMENTATION)
        .exists()
    )  # stuck
    assert (
        Matter.objects.filter(recorded_late=True).exists()
        and Matter.objects.filter(resolved_late=True).exists()
    )
    assert (
        Matter.objects.filter(recorded_late=False, resolved_late=False).count() > 0.9 * Matter.objects.count()
    )
    assert Meeting.objects.filter(quorum_met=False).exists()
    assert Disclosure.objects.filter(board_photos__isnull=True).exists()
    assert Disclosure.objects.filter(board_photos__isnull=False).exists()
    assert Amendment.objects.exists() and Objection.objects.filter(answered_on__isnull=False).exists()
    # Never in the future, meetings in order, the result posted after the resolution's period.
    assert not Meeting.objects.filter(held_on__gt=today).exists()
    for matter in Matter.objects.filter(status="completed").prefetch_related("meetings", "disclosures")[:50]:
        held = [
            m.held_on
            for m in sorted(matter.meetings.all(), key=lambda m: Step.values.index(m.step))
            if m.quorum_met
        ]
        assert held == sorted(held) and len(held) == 4
        by_kind = {d.kind: d for d in matter.disclosures.all()}
        assert by_kind["result"].posted_on > by_kind["resolution"].ends_on
        assert matter.completed_on <= today
    # The supervision committee's objection, by the printed supervisor login, alerting the township.
    objection = SupervisionOpinion.objects.get(verdict="object")
    assert objection.recorded_by.username == "village_supervisor" and objection.matter.status == "open"
    assert (
        User.objects.get(username="township_leader").notifications.filter(kind="decision_objection").exists()
    )
    # Completed matters are on the public bulletin: the first village's (services) and the last one's (bulk).
    client = Client()
    first_village = Region.objects.filter(level="village").order_by("code").first()
    for matter in (
        Matter.objects.filter(village=first_village, status="completed").first(),
        Matter.objects.filter(status="completed").order_by("-village__code").first(),
    ):
        assert matter is not None
        response = client.get(f"/bulletin/{matter.village.code}/")
        assert response.status_code == 200
        assert matter.title in response.content.decode()


def test_demo_logins_work(seeded):
    client = Client()
    for username in ("village_secretary", "village_supervisor"):
        response = client.post("/accounts/login/", {"username": username, "password": "Demo@2026"})
        assert response.status_code == 302
        assert client.get(response.url, follow=True).status_code == 200

"""Helpers of the decisions tests: a village with its roster, and posting each step through the real URLs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Matter, MatterCategory
from decisions.services import RosterCounts, roster_record

# The roster the boundary examples use: 41 party members, 30 representatives.
COUNTS = RosterCounts(branch_committee=5, party_members=41, committee_members=7, representatives=30, adults=900,
                      households=300)
BODY_OF = {"proposal": "party_organization", "consultation": "two_committees", "review": "party_congress",
           "resolution": "representatives"}
ENTITLED_OF = {"party_organization": 5, "two_committees": 7, "party_congress": 41, "representatives": 30,
               "villagers": 900}


@pytest.fixture
def roster(world):
    return roster_record(actor=world.village_a1_clerk, village=world.village_a1,
                         valid_from=timezone.localdate() - timedelta(days=400), counts=COUNTS)


@pytest.fixture
def clerk(world):
    return world.client_for(world.village_a1_clerk)


def matter_register_via(client, village, title="修建村东头文化广场", amount="120000.00") -> Matter:
    category = MatterCategory.objects.get(name="公益事业兴办和筹资筹劳")
    response = client.post(reverse("decisions:matter-create"), {
        "village": village.pk, "village_code": village.code, "category": category.pk, "title": title,
        "content": "在村东头空地修建约800平方米的文化广场，含健身器材。", "estimated_amount": amount,
        "proposed_by": "村党组织"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Matter.objects.get(title=title, village=village)


def meeting_post(client, matter: Matter, step: str, *, present: int, votes_for: int, votes_against: int = 0,
                 votes_abstain: int = 0, body: str | None = None, held_on: date | None = None, entitled=None,
                 files: dict | None = None, **extra):
    matter.refresh_from_db()
    body = body or BODY_OF[step]
    data = {"step": step, "version": matter.version, "body": body,
            "held_on": (held_on or timezone.localdate()).isoformat(), "place": "村委会会议室", "chair": "王书记",
            "recorder": "李会计", "entitled": ENTITLED_OF[body] if entitled is None else entitled,
            "present": present, "votes_for": votes_for, "votes_against": votes_against,
            "votes_abstain": votes_abstain, "minutes": "会议讨论了事项内容，与会人员充分发表意见后表决。", **extra}
    data.update(files or {})
    return client.post(reverse("decisions:meeting-create", args=[matter.pk]), data)


def pass_step(client, matter: Matter, step: str, held_on: date | None = None):
    entitled = ENTITLED_OF[BODY_OF[step]]
    response = meeting_post(client, matter, step, present=entitled, votes_for=entitled, held_on=held_on)
    assert response.status_code == 302, response.content.decode()[:3000]
    matter.refresh_from_db()
    return response


def take_to_resolution(client, matter: Matter, start: date | None = None) -> Matter:
    """Proposal, consultation and review passed (all on ``start``, default today)."""
    for step in ("proposal", "consultation", "review"):
        pass_step(client, matter, step, held_on=start)
    return matter


def disclose_post(client, matter: Matter, *, posted_on: date, text: str = "决议：修建村东头文化广场，预算12万元。",
                  result: bool = False, photo=None, **extra):
    matter.refresh_from_db()
    data = {"version": matter.version, "text": text, "posted_on": posted_on.isoformat(), **extra}
    if result:
        data.setdefault("spent_amount", "118500.00")
        data.setdefault("acceptance", "2026年镇村联合验收合格")
    if photo is not None:
        data["board_photo"] = photo
    return client.post(reverse("decisions:disclosure-create", args=[matter.pk]), data)

"""Fixtures of the decisions tests (a village with its roster, its secretary) and the helpers that post a step
through the real URLs: a test takes the step it is about through these, every earlier step through the
services (tests/decisions/builders.py)."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions.models import Disclosure, Matter, MatterCategory
from decisions.services import review_due_kind
from tests.decisions.builders import (
    BODY_OF,
    CATEGORY,
    CONTENT,
    ENTITLED_OF,
    MEETING_PAPERS,
    RESOLUTION_TEXT,
    review_agree,
    roster_for,
)


@pytest.fixture
def roster(world):
    return roster_for(world.village_a1, actor=world.village_a1_clerk)


@pytest.fixture
def secretary(world):
    """Village A1's party secretary: the actor of the steps a test takes through the services."""
    return world.village_a1_clerk


@pytest.fixture
def clerk(world):
    return world.client_for(world.village_a1_clerk)


def matter_register_via(client, village, title="修建村东头文化广场", amount="120000.00") -> Matter:
    category = MatterCategory.objects.get(name=CATEGORY)
    response = client.post(
        reverse("decisions:matter-create"),
        {
            "village": village.pk,
            "village_code": village.code,
            "category": category.pk,
            "title": title,
            "content": CONTENT,
            "estimated_amount": amount,
            "proposed_by": "村党组织",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Matter.objects.get(title=title, village=village)


def meeting_post(
    client,
    matter: Matter,
    step: str,
    *,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    votes_abstain: int = 0,
    body: str | None = None,
    held_on: date | None = None,
    entitled=None,
    files: dict | None = None,
    confirm: bool = True,
    **extra,
):
    """Posts the meeting form; with ``confirm`` (default) as the 确认提交 of its confirmation page."""
    matter.refresh_from_db()
    body = body or BODY_OF[step]
    data = {
        "step": step,
        "version": matter.version,
        "body": body,
        "held_on": (held_on or timezone.localdate()).isoformat(),
        **MEETING_PAPERS,
        "entitled": ENTITLED_OF[body] if entitled is None else entitled,
        "present": present,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
        **({"confirm": "1"} if confirm else {}),
        **extra,
    }
    if body == "villagers" and "notice_on" not in data:
        # 组织法 第21条: ten days' notice of a 村民会议, the least that is enough.
        data["notice_on"] = ((held_on or timezone.localdate()) - timedelta(days=10)).isoformat()
    data.update(files or {})
    return client.post(reverse("decisions:meeting-create", args=[matter.pk]), data)


def pass_step(client, matter: Matter, step: str, held_on: date | None = None):
    entitled = ENTITLED_OF[BODY_OF[step]]
    response = meeting_post(client, matter, step, present=entitled, votes_for=entitled, held_on=held_on)
    assert response.status_code == 302, response.content.decode()[:3000]
    matter.refresh_from_db()
    return response


def disclose_post(
    client,
    matter: Matter,
    *,
    posted_on: date,
    text: str = RESOLUTION_TEXT,
    result: bool = False,
    photo=None,
    confirm: bool = True,
    reviewed: bool = True,
    **extra,
):
    """Posts the disclosure form; with ``confirm`` (default) as the 确认提交 of its confirmation page. With
    ``reviewed`` (default) the village's supervision committee first agreed to exactly this content
    (through the services: the tests of the review itself take it through its URLs)."""
    matter.refresh_from_db()
    data = {"version": matter.version, "text": text, "posted_on": posted_on.isoformat(), **extra}
    if confirm:
        data["confirm"] = "1"
    if result:
        data.setdefault("spent_amount", "118500.00")
        data.setdefault("acceptance", "2026年镇村联合验收合格")
    kind = Disclosure.Kind.RESULT if result else Disclosure.Kind.RESOLUTION
    # Only when that posting is due: a posting at the wrong step is refused for its step, as before.
    if reviewed and review_due_kind(matter) == kind:
        spent = data.get("spent_amount") if result else None
        # Content the review refuses (no amount ...) goes to the posting as it is, which refuses it too.
        with contextlib.suppress(ValidationError, ArithmeticError):
            review_agree(
                None,
                matter,
                kind,
                text=text,
                spent_amount=Decimal(spent) if spent else None,
                acceptance=data.get("acceptance", "") if result else "",
            )
    if photo is not None:
        data["board_photo"] = photo
    return client.post(reverse("decisions:disclosure-create", args=[matter.pk]), data)

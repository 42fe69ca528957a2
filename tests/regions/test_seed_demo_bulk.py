"""The demo writes most villages in bulk, mirroring decisions.services: both ways give the same rows."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from decisions.models import BoardPhoto, Matter, MatterCategory, VillageRoster
from regions.models import Region
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _rows_of(village: Region) -> dict:
    """What a village's demo matters look like, without ids, the village and times of day."""
    matters = list(Matter.objects.filter(village=village).order_by("id"))
    return {
        "rosters": list(
            VillageRoster.objects.filter(village=village).values(
                "valid_from",
                "branch_committee",
                "party_members",
                "committee_members",
                "representatives",
                "adults",
                "households",
                "recorded_by",
                "recorded_at__date",
            )
        ),
        "matters": [
            (
                m.category_id,
                m.title,
                m.content,
                m.estimated_amount,
                m.proposed_by,
                m.status,
                m.step,
                m.step_since,
                m.proposed_on,
                m.resolved_on,
                m.disclosed_on,
                m.completed_on,
                m.resolved_late,
                m.recorded_late,
                m.version,
                m.created_by_id,
                m.created_at.date(),
            )
            for m in matters
        ],
        "meetings": [
            list(
                m.meetings.order_by("id").values(
                    "step",
                    "body",
                    "held_on",
                    "place",
                    "chair",
                    "recorder",
                    "entitled",
                    "roster_entitled",
                    "entitled_reason",
                    "present",
                    "households_total",
                    "households_present",
                    "votes_for",
                    "votes_against",
                    "votes_abstain",
                    "minutes",
                    "quorum_met",
                    "passed",
                    "recorded_by",
                    "recorded_at__date",
                )
            )
            for m in matters
        ],
        "disclosures": [
            list(
                m.disclosures.order_by("id").values(
                    "kind",
                    "text",
                    "spent_amount",
                    "acceptance",
                    "posted_on",
                    "ends_on",
                    "posted_by",
                    "created_at__date",
                )
            )
            for m in matters
        ],
        "reviews": [
            list(
                m.reviews.order_by("id").values(
                    "kind",
                    "text",
                    "spent_amount",
                    "acceptance",
                    "submitted_by",
                    "submitted_at__date",
                    "verdict",
                    "reason",
                    "reviewed_by",
                    "reviewed_at__date",
                    "answer",
                )
            )
            for m in matters
        ],
        "photos": [
            list(
                BoardPhoto.objects.filter(disclosure__matter=m)
                .order_by("id")
                .values("disclosure__kind", "uploaded_by", "uploaded_at__date")
            )
            for m in matters
        ],
        "timeline": [
            list(
                m.timeline.order_by("id").values(
                    "kind", "from_state", "to_state", "actor", "note", "is_public", "payload", "at__date"
                )
            )
            for m in matters
        ],
    }


def test_the_bulk_written_demo_villages_get_the_rows_the_services_write(world):
    """The demo writes most villages in bulk, mirroring decisions.services: the same plan written both ways
    must give the same rows (this fails when a service changes what it records)."""
    from decisions import demo, services

    today = timezone.localdate()
    rules = services.rules_for(world.county)
    categories = {c.name: c for c in MatterCategory.objects.filter(region__isnull=True)}
    counts = demo._roster_counts(random.Random(3))
    valid_from = today - timedelta(days=demo.HISTORY_DAYS + 20)
    ways = (
        (world.village_a1, demo._ThroughServices(png_bytes())),
        (world.village_a2, demo._InBulk(rules, "b.png", lambda day: day.weekday() < 5)),
    )
    stats = []
    for village, writer in ways:
        writer.roster(actor=world.sysadmin, village=village, valid_from=valid_from, counts=counts)
        roster = VillageRoster(village=village, valid_from=valid_from, **counts.__dict__)
        plan = demo._Village(
            village=village,
            actor=world.sysadmin,
            supervisor=None,
            roster=roster,
            categories=categories,
            today=today,
            rules=rules,
            writer=writer,
            stats=Counter(),
            seed=5,
        )
        for index in (
            1,
            2,
            4,
            6,
            7,
            16,
        ):  # rejected, no quorum, stuck, resolved late, recorded late, each step
            plan.full(index)
        writer.flush()
        stats.append(plan.stats)
    assert stats[0] == stats[1] and stats[0]["completed"] and stats[0]["rejected"]
    assert _rows_of(world.village_a1) == _rows_of(world.village_a2)

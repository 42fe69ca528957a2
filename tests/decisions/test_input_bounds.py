"""Hostile query strings on the decisions pages: years are bounded by a form, never parsed by hand."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BOOK = "/decisions/villages/419901101201/record-book/"


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "99999999999999999999", "２０２６", "2026.0"])
def test_record_book_of_a_year_out_of_bounds_answers_404(world, year):
    assert world.client_for(world.village_a1_clerk).get(BOOK, {"year": year}).status_code == 404


@pytest.mark.parametrize("year", ["2000", "2100", ""])
def test_record_book_of_a_year_within_the_bounds_is_a_spreadsheet(world, year):
    response = world.client_for(world.village_a1_clerk).get(BOOK, {"year": year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# -- text limits: the form states them, refuses text past them, and the database holds them -----------------


def test_minutes_past_the_limit_are_refused_and_no_meeting_is_recorded(world, roster, clerk):
    from decisions.models import Meeting
    from tests.decisions.conftest import matter_register_via, meeting_post

    matter = matter_register_via(clerk, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, minutes="记" * 20001)
    assert response.status_code == 200
    assert "会议记录不能超过20000字（现有20001字）。" in response.content.decode()
    assert not Meeting.objects.filter(matter=matter).exists()
    # The form says the limit before anyone types.
    page = clerk.get(f"/decisions/matters/{matter.pk}/meeting/").content.decode()
    assert "不超过20000字" in page and 'maxlength="20000"' in page


def test_minutes_of_exactly_the_limit_are_recorded(world, roster, clerk):
    from decisions.models import Meeting
    from tests.decisions.conftest import matter_register_via, meeting_post

    matter = matter_register_via(clerk, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=5, minutes="记" * 20000)
    assert response.status_code == 302
    assert len(Meeting.objects.get(matter=matter).minutes) == 20000


def test_matter_content_past_the_limit_is_refused(world, roster, clerk):
    from decisions.models import Matter, MatterCategory
    from tests.decisions.builders import CATEGORY

    response = clerk.post(
        "/decisions/new/",
        {
            "village": world.village_a1.pk,
            "village_code": world.village_a1.code,
            "category": MatterCategory.objects.get(name=CATEGORY).pk,
            "title": "超长内容",
            "content": "容" * 5001,
            "proposed_by": "村党组织",
        },
    )
    assert response.status_code == 200
    assert "事项内容不能超过5000字（现有5001字）。" in response.content.decode()
    assert not Matter.objects.filter(title="超长内容").exists()


def test_the_database_refuses_text_past_the_limit_whatever_the_path(world, roster, clerk):
    from django.db import IntegrityError, transaction

    from decisions.models import Matter
    from tests.decisions.conftest import matter_register_via

    matter = matter_register_via(clerk, world.village_a1)
    with pytest.raises(IntegrityError, match="decisions_matter_content_length"), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(content="容" * 5001)


@pytest.mark.parametrize("votes", ["-1", "1000001", "1e9", "NaN", "99999999999999999999"])
def test_vote_counts_out_of_bounds_are_refused_with_a_message(world, roster, clerk, votes):
    from decisions.models import Meeting
    from tests.decisions.conftest import matter_register_via, meeting_post

    matter = matter_register_via(clerk, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", present=5, votes_for=votes)
    assert response.status_code == 200
    assert not Meeting.objects.filter(matter=matter).exists()


def test_a_limit_added_later_leaves_a_frozen_record_stored_before_it_and_holds_for_new_rows(
    world, roster, clerk
):
    """The minutes limit reaches databases where longer minutes were stored before it existed: such a frozen
    row can never be trimmed, so the migration's constraint is NOT VALID (migrate does not fail on it) and
    still refuses every row written after it."""
    from django.apps import apps
    from django.db import IntegrityError, connection, transaction
    from django.db.migrations.state import ProjectState

    from core.migration_operations import AddConstraintNotValid
    from decisions.models import Meeting
    from tests.conftest import owner_role, triggers_off
    from tests.decisions.conftest import matter_register_via, meeting_post

    matter = matter_register_via(clerk, world.village_a1)
    assert meeting_post(clerk, matter, "proposal", present=5, votes_for=5, minutes="记").status_code == 302
    meeting = Meeting.objects.get(matter=matter)
    constraint = next(c for c in Meeting._meta.constraints if c.name == "decisions_meeting_minutes_length")
    with owner_role():
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE decisions_meeting DROP CONSTRAINT {constraint.name}")
        with triggers_off():
            Meeting.objects.filter(pk=meeting.pk).update(minutes="记" * 200_000)  # stored before the limit
        state = ProjectState.from_apps(apps)
        with connection.schema_editor(atomic=False) as editor:
            AddConstraintNotValid("meeting", constraint).database_forwards("decisions", editor, state, state)
    with connection.cursor() as cursor:
        cursor.execute("SELECT convalidated FROM pg_constraint WHERE conname = %s", [constraint.name])
        assert cursor.fetchone() == (False,)
    assert len(Meeting.objects.get(pk=meeting.pk).minutes) == 200_000
    with triggers_off(), pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes="记" * 20_001)

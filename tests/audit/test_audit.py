"""Audit: every change recorded with actor, time, address and values (bulk and task changes too); append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pghistory.models import Events

from audit.context import task_context
from centers.models import ServiceCenter

pytestmark = pytest.mark.django_db


def center_of(region):
    return ServiceCenter.objects.get(region=region)


def test_a_change_through_the_portal_records_actor_address_and_values(world):
    center = center_of(world.village_a1)
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        f"/centers/{center.pk}/edit/",
        {
            "name": center.name,
            "address": "人民路8号",
            "duty_phone": "0395-1234567",
            "opening_hours": "全天",
            "version": center.version,
        },
        REMOTE_ADDR="10.2.3.4",
    )
    assert response.status_code == 302
    event = (
        Events.objects.filter(
            pgh_model="centers.ServiceCenterEvent", pgh_obj_id=str(center.pk), pgh_label="update"
        )
        .order_by("-pgh_created_at")
        .first()
    )
    assert event.pgh_context["user"] == world.village_a1_clerk.pk
    assert event.pgh_context["ip"] == "10.2.3.4"
    assert event.pgh_diff["address"] == ["", "人民路8号"]
    assert event.pgh_created_at is not None


def test_bulk_updates_are_recorded_row_by_row(world):
    before = Events.objects.filter(pgh_model="centers.ServiceCenterEvent", pgh_label="update").count()
    ServiceCenter.objects.filter(region__prefix__startswith=world.township_a.prefix).update(
        opening_hours="8:00-18:00"
    )
    after = Events.objects.filter(pgh_model="centers.ServiceCenterEvent", pgh_label="update").count()
    assert after - before == 3  # the township's center and its two villages'


def test_changes_made_by_tasks_carry_the_task_name(world):
    with task_context("centers.checklist_reminders_send"):
        ServiceCenter.objects.filter(region=world.village_b1).update(address="任务写入")
    event = (
        Events.objects.filter(pgh_model="centers.ServiceCenterEvent", pgh_label="update")
        .order_by("-pgh_created_at")
        .first()
    )
    assert event.pgh_context["task"] == "centers.checklist_reminders_send"


def test_deletes_are_recorded(world):
    from centers.models import RoomType

    room = RoomType.objects.create(name="临时室")
    room.delete()
    assert Events.objects.filter(pgh_model="centers.RoomTypeEvent", pgh_label="delete").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE centers_servicecenterevent SET name = 'x'",
        "DELETE FROM centers_servicecenterevent",
        "DELETE FROM audit_authevent",
    ],
)
def test_audit_rows_cannot_be_updated_or_deleted(world, statement):
    from django.test import Client

    Client().post("/accounts/login/", {"username": "nobody", "password": "x"})
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_orm_update_of_an_event_is_refused(world):
    event_model = ServiceCenter.pgh_event_model
    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.all().update(name="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        event_model.objects.all().delete()


def test_county_admin_browses_the_audit_trail_of_the_scope_only(world):
    ServiceCenter.objects.filter(region=world.village_a1).update(address="甲")
    from regions.models import Region

    Region.objects.create(code="419902000000", prefix="419902", name="邻县", level="county")
    client = world.client_for(world.county_admin)
    response = client.get(reverse("auditlog:event-list"), {"model": "regions.RegionEvent"})
    names = {e.pgh_data["name"] for e in response.context["page_obj"]}
    assert "测试县" in names and "邻县" not in names
    response = client.get(
        reverse("auditlog:event-list"),
        {"model": "centers.ServiceCenterEvent", "obj_id": center_of(world.village_a1).pk},
    )
    assert response.status_code == 200
    assert any(e.pgh_data["address"] == "甲" for e in response.context["page_obj"])
    sysadmin = world.client_for(world.sysadmin).get(
        reverse("auditlog:event-list"), {"model": "regions.RegionEvent"}
    )
    assert "邻县" in {e.pgh_data["name"] for e in sysadmin.context["page_obj"]}


def test_audit_filters_by_user_and_date(world):
    center = center_of(world.village_a1)
    world.client_for(world.village_a1_clerk).post(
        f"/centers/{center.pk}/edit/",
        {
            "name": center.name,
            "address": "乙",
            "duty_phone": "",
            "opening_hours": "",
            "version": center.version,
        },
    )
    client = world.client_for(world.county_admin)
    mine = client.get(reverse("auditlog:event-list"), {"actor": world.village_a1_clerk.pk})
    assert mine.context["page_obj"].paginator.count >= 1
    assert all(e.pgh_context["user"] == world.village_a1_clerk.pk for e in mine.context["page_obj"])
    none = client.get(reverse("auditlog:event-list"), {"date_to": "2000-01-01"})
    assert none.context["page_obj"].paginator.count == 0


def test_audit_trail_is_for_county_and_system_administrators(world):
    assert world.client_for(world.township_a_officer).get(reverse("auditlog:event-list")).status_code == 403
    assert (
        world.client_for(world.village_a1_clerk).get(reverse("auditlog:auth-event-list")).status_code == 403
    )


def test_center_history_is_scoped(world):
    a1, b1 = center_of(world.village_a1), center_of(world.village_b1)
    clerk = world.client_for(world.village_a1_clerk)
    assert clerk.get(reverse("centers:center-history", args=[a1.pk])).status_code == 200
    assert clerk.get(reverse("centers:center-history", args=[b1.pk])).status_code == 404


def test_login_events_are_listed_for_the_scope(world):
    from django.test import Client

    from tests.conftest import PASSWORD

    Client().post("/accounts/login/", {"username": "village_a1_clerk", "password": PASSWORD})
    Client().post("/accounts/login/", {"username": "township_b_officer", "password": "wrong"})
    response = world.client_for(world.county_admin).get(reverse("auditlog:auth-event-list"))
    kinds = {(e.username, e.kind) for e in response.context["page_obj"]}
    assert ("village_a1_clerk", "login") in kinds and ("township_b_officer", "login_failed") in kinds

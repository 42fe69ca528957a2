"""The audit pages read like the rest of the portal: field names, record types in Chinese, 是/否, choice
labels, Beijing time; personal data masked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from centers.models import ServiceCenter
from centers.services.suggestions import suggestion_submit
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.django_db


def changes_cell(page: str) -> str:
    return " ".join(re.findall(r'<td class="small audit-changes">(.*?)</td>', page, re.S))


def audit_page(world, **params) -> str:
    response = world.client_for(world.county_admin).get(reverse("auditlog:event-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_an_update_shows_verbose_names_choice_labels_and_old_and_new_values(world):
    request = transition(world, accept(world), "start", office="乡镇民政办")
    page = audit_page(world, model="centers.ProxyRequestEvent", obj_id=request.pk)
    cells = changes_cell(page)
    assert "状态</span>：已受理 → 承办中" in cells
    assert "承办科室</span>：民政办 → 乡镇民政办" in cells
    assert "代办事项 #" in page  # the record type by its Chinese name
    for raw in ("in_progress", "accepted", "office", "status", "ProxyRequestEvent", "version"):
        assert raw not in cells
    assert "centers.ProxyRequestEvent" not in page.split("<tbody>")[1]


def test_a_new_record_lists_its_filled_fields_readably_with_personal_data_masked(world):
    request = accept(world)
    cells = changes_cell(audit_page(world, model="centers.ProxyRequestEvent", obj_id=request.pk))
    assert "申请人</span>：赵大爷" in cells
    assert "联系电话</span>：138****5678" in cells and "13812345678" not in cells
    assert "身份证号</span>：1101**********002X" in cells and "11010519491231002X" not in cells
    assert "已收材料</span>：申请书、身份证" in cells
    # People by name (the page's one user query), other records by their number.
    assert (
        "承办人</span>：village_a1_clerk" in cells
        and "受理人（首问责任人）</span>：village_a1_clerk" in cells
    )
    assert f"服务事项</span>：#{request.item_id}" in cells
    assert f"受理日期</span>：{request.accepted_on.year}年{request.accepted_on.month}月" in cells
    assert "{" not in cells and "applicant" not in cells


def test_booleans_read_as_yes_or_no(world):
    user = world.village_a1_clerk
    for value in (True, False):
        user.must_change_password = value
        user.save(update_fields=["must_change_password"])
    cells = changes_cell(audit_page(world, model="accounts.UserEvent", obj_id=user.pk))
    assert "须修改密码</span>：是 → 否" in cells
    assert "True" not in cells and "False" not in cells


def test_times_are_beijing_time(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    ServiceCenter.objects.filter(pk=center.pk).update(
        address="北京时间", updated_at=datetime.datetime(2026, 11, 29, 18, 5, 0, tzinfo=datetime.UTC)
    )
    page = audit_page(world, model="centers.ServiceCenterEvent", obj_id=center.pk)
    cells = changes_cell(page)
    # 18:05 UTC is 02:05 the next day in Beijing.
    assert "2026年11月30日 02:05:00" in cells and "18:05" not in cells
    # The time of the change itself, stored in UTC, in Beijing time too.
    event = Events.objects.filter(pgh_model="centers.ServiceCenterEvent", pgh_obj_id=str(center.pk))
    newest = timezone.localtime(event.latest("pgh_created_at").pgh_created_at)
    assert f"{newest.year}年{newest.month}月{newest.day}日 {newest:%H:%M:%S}" in page


def test_the_centers_history_page_reads_the_same(world):
    center = ServiceCenter.objects.get(region=world.village_a1)
    client = world.client_for(world.village_a1_clerk)
    client.post(
        f"/centers/{center.pk}/edit/",
        {
            "name": center.name,
            "address": "人民路8号",
            "duty_phone": "0395-1234567",
            "opening_hours": "全天",
            "version": center.version,
        },
    )
    page = client.get(reverse("centers:center-history", args=[center.pk])).content.decode()
    cells = changes_cell(page)
    assert "地址</span>：空 → 人民路8号" in cells and "值班电话</span>：空 → 0395-1234567" in cells
    assert "address" not in cells and "duty_phone" not in cells


def test_every_record_type_has_a_chinese_name(world):
    response = world.client_for(world.county_admin).get(reverse("auditlog:event-list"))
    labels = [label for value, label in response.context["form"].fields["model"].choices if value]
    assert labels and all(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels


def test_the_page_costs_the_same_queries_however_many_people_its_rows_name(
    world, django_assert_max_num_queries
):
    client = world.client_for(world.county_admin)
    client.get(reverse("auditlog:event-list"))  # session and caches warm

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("auditlog:event-list"), {"model": "centers.ProxyRequestEvent"}).status_code
                == 200
            )
        return len(queries)

    accept(world)
    one = count()
    for actor in (world.township_a_officer, world.village_a1_clerk):
        accept(world, actor=actor)
    assert count() == one
    with django_assert_max_num_queries(15):
        client.get(reverse("auditlog:event-list"), {"model": "centers.ProxyRequestEvent"})


def test_a_villagers_name_and_phone_are_masked_in_the_audit_trail(world):
    """A suggestion's (and a public objection's) name is masked as the public pages mask it: 王*."""
    suggestion = suggestion_submit(
        village=world.village_a1, content="路灯坏了", name="王大妈", phone="13912345678"
    )
    cells = changes_cell(audit_page(world, model="centers.SuggestionEvent", obj_id=suggestion.pk))
    assert "姓名</span>：王**" in cells and "王大妈" not in cells
    assert "139****5678" in cells and "13912345678" not in cells

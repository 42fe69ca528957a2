"""Figures that tell the truth: an open request past its promise counts as late; county tables name the
township beside the village with subtotals and a county total; the request list filters by township and
village, and a township page's 全部代办 opens that township's requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from centers.models import ProxyRequest
from core.formats import Rate
from tests.centers.builders import accept, backdate, transition

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2000-01-01", "to": "2099-12-31"}


def overdue(proxy_request: ProxyRequest) -> ProxyRequest:
    """The request as it stands once its promised date has passed (three days ago) and it is still open."""
    today = timezone.localdate()
    return backdate(
        proxy_request,
        accepted_on=today - dt.timedelta(days=20),
        warn_on=today - dt.timedelta(days=4),
        promised_date=today - dt.timedelta(days=3),
    )


def three_villages(world) -> dict[str, ProxyRequest]:
    """A request at A1 and A2 (township A) and at B1 (township B)."""
    return {
        "a1": accept(world),
        "a2": accept(world, actor=world.township_a_officer, village=world.village_a2, applicant_name="钱"),
        "b1": accept(world, actor=world.township_b_officer, village=world.village_b1, applicant_name="孙"),
    }


def test_an_open_request_past_its_promise_counts_as_late_in_the_on_time_rate(world):
    transition(world, transition(world, accept(world), "start"), "complete", result="已办")
    overdue(accept(world, applicant_name="钱"))
    response = world.client_for(world.township_a_officer).get(
        "/requests/figures/", {"region": world.township_a.code, **PERIOD}
    )
    row = response.context["rows"][0]
    assert (row["done"], row["on_time"], row["overdue_open"]) == (1, 1, 1)
    assert row["on_time_rate"] == Rate(1, 2)
    page = response.content.decode()
    assert "50.0%" in page and "100.0%" not in page and 'title="1/2"' in page


def test_a_request_finished_after_its_promise_is_late_and_its_days_are_averaged(world):
    late = transition(world, accept(world), "start")
    today = timezone.localdate()
    backdate(
        late,
        accepted_on=today - dt.timedelta(days=5),
        warn_on=today - dt.timedelta(days=2),
        promised_date=today - dt.timedelta(days=1),
    )
    transition(world, late, "complete", result="已办")
    row = (
        world.client_for(world.township_a_officer)
        .get("/requests/figures/", {"region": world.township_a.code, **PERIOD})
        .context["rows"][0]
    )
    assert (row["done"], row["on_time"], row["overdue_open"], row["on_time_rate"]) == (1, 0, 0, Rate(0, 1))
    taken = ProxyRequest.objects.get(pk=late.pk).working_days_taken
    assert taken >= 2 and row["avg_days"] == taken  # five calendar days hold at least two working days


def test_county_figures_name_the_township_with_subtotals_and_a_county_total(world):
    requests = three_villages(world)
    overdue(requests["b1"])
    response = world.client_for(world.county_admin).get("/requests/figures/", PERIOD)
    table = response.context["table"]
    assert [(g.label, [r["label"] for r in g.rows]) for g in table.groups] == [
        ("安乐镇", ["白马村", "张庄村"]),
        ("柳河乡", ["李楼村"]),
    ]
    assert [g.subtotal["accepted"] for g in table.groups] == [2, 1]
    assert table.groups[1].subtotal["on_time_rate"] == Rate(0, 1)
    assert table.total["accepted"] == 3 and table.total["overdue_open"] == 1
    page = response.content.decode()
    assert "<th data-sortable>乡镇（街道）</th>" in page and page.count("小计") == 2 and "全县合计" in page
    assert "<td>柳河乡</td><td>李楼村</td>" in page and "<td>安乐镇</td><td>白马村</td>" in page


def test_a_township_table_has_no_township_column_and_one_total(world):
    three_villages(world)
    response = world.client_for(world.township_a_officer).get("/requests/figures/", PERIOD)
    page = response.content.decode()
    assert not response.context["table"].grouped
    assert "乡镇（街道）</th>" not in page and "小计" not in page and "<td>合计</td>" in page


def test_request_list_filters_by_township_and_by_village(world):
    requests = three_villages(world)
    client = world.client_for(world.county_admin)

    def found(**params):
        return {r.pk for r in client.get("/requests/", params).context["page_obj"]}

    assert found(township=world.township_a.code) == {requests["a1"].pk, requests["a2"].pk}
    assert found(township=world.township_b.code) == {requests["b1"].pk}
    assert found(village=world.village_a2.code) == {requests["a2"].pk}
    assert found(township=world.township_a.code, village=world.village_b1.code) == set()
    page = client.get("/requests/").content.decode()
    assert 'name="township"' in page and "李楼村（柳河乡）" in page and "白马村（安乐镇）" in page


def test_request_list_region_filters_offer_only_the_users_scope(world):
    requests = three_villages(world)
    client = world.client_for(world.township_a_officer)
    page = client.get("/requests/")
    html = page.content.decode()
    assert 'name="township"' not in html  # one township in scope: nothing to choose
    assert 'name="village"' in html and "柳河乡" not in html
    foreign = client.get("/requests/", {"village": world.village_b1.code})
    assert foreign.status_code == 200 and "选择一个有效的选项" in foreign.content.decode()
    assert requests["b1"].pk not in {r.pk for r in foreign.context["page_obj"]}
    assert 'name="village"' not in world.client_for(world.village_a1_clerk).get("/requests/").content.decode()


def test_all_requests_on_a_township_page_opens_that_townships_requests(world):
    requests = three_villages(world)
    client = world.client_for(world.county_admin)
    page = client.get(f"/regions/{world.township_b.code}/").content.decode()
    link = f'href="/requests/?township={world.township_b.code}"'
    assert link in page
    listed = client.get("/requests/", {"township": world.township_b.code}).context["page_obj"]
    assert {r.pk for r in listed} == {requests["b1"].pk}
    county_page = client.get(f"/regions/{world.county.code}/").content.decode()
    assert 'href="/requests/">全部代办' in county_page


def test_a_large_register_export_keeps_the_township_and_village_filters(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from spreadsheets.models import ExportJob

    monkeypatch.setattr("spreadsheets.exports.LARGE_EXPORT_ROWS", 0)  # built by the task, not downloaded
    three_villages(world)
    accept(world, applicant_name="周")
    client = world.client_for(world.county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/export/", {"township": world.township_a.code})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/export/", {"village": world.village_a2.code})
    by_township, by_village = ExportJob.objects.order_by("pk")
    by_township.refresh_from_db()
    by_village.refresh_from_db()
    assert (by_township.status, by_township.total) == ("done", 3)  # A1 twice and A2, not B1
    assert (by_village.status, by_village.total) == ("done", 1)

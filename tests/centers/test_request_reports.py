"""Request figures for townships and the county; the Excel register (masked, escaped; a task beyond 10,000 rows)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from centers.exports import ATTENDANCE_HEADER, REQUEST_HEADER
from centers.models import ProxyRequest
from spreadsheets.models import ExportJob
from tests.centers.builders import accept, shift_on, transition
from tests.spreadsheets.layout import assert_layout, book_of

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_figures_by_village_and_by_item(world):
    done = transition(world, transition(world, accept(world), "start"), "complete", result="已办")
    transition(world, done, "reply", satisfaction="fairly", reply_text="已办")
    accept(world, applicant_name="钱")
    response = world.client_for(world.township_a_officer).get(
        "/requests/figures/", {"region": "419901101000"}
    )
    row = response.context["rows"][0]
    assert (row["label"], row["accepted"], row["done"], row["on_time"]) == ("白马村", 2, 1, 1)
    assert row["on_time_rate"] == 100 and row["satisfaction_rate"] == 100 and row["avg_days"] == 0
    by_item = world.client_for(world.county_admin).get("/requests/figures/", {"by": "item"})
    assert [r["label"] for r in by_item.context["rows"]] == ["低保申请"]
    other = world.client_for(world.township_b_officer).get("/requests/figures/")
    assert other.context["rows"] == []


def test_register_export_masks_and_escapes(world):
    accept(world, applicant_name="=cmd|' /C calc'!A0")
    response = world.client_for(world.county_admin).post("/requests/export/", {})
    rows = rows_of(response.content)
    assert rows[1][0] == "受理编号" and len(rows) == 4
    assert rows[2][5] == "'=cmd|' /C calc'!A0"
    assert rows[2][6] == "138****5678" and "*" in rows[2][7]
    assert world.client_for(world.township_b_officer).post("/requests/export/", {}).status_code == 200
    empty = rows_of(world.client_for(world.township_b_officer).post("/requests/export/", {}).content)
    assert empty[2:] == [("合计（0件）",) + (None,) * 19]


def test_register_export_is_laid_out_for_a_leader(world):
    """Title (region and acceptance dates), township beside the village, dates as dates, a counted total."""
    import datetime as dt

    first = accept(world)
    second = accept(world, applicant_name="钱")
    ProxyRequest.objects.filter(pk=first.pk).update(accepted_on=dt.date(2026, 11, 2))
    ProxyRequest.objects.filter(pk=second.pk).update(accepted_on=dt.date(2026, 11, 5))
    response = world.client_for(world.county_admin).post("/requests/export/", {})
    sheet = book_of(response.content)["代办登记"]
    body = assert_layout(
        sheet,
        title="安乐镇白马村代办登记簿（受理日期2026年11月2日至2026年11月5日）",
        header=REQUEST_HEADER,
        total=True,
    )
    assert [r[1:3] for r in body[:2]] == [("安乐镇", "白马村")] * 2
    assert body[0][9] == dt.datetime(2026, 11, 5) and sheet["J3"].number_format == "yyyy-mm-dd"
    assert sheet["K3"].is_date and sheet["L3"].is_date and isinstance(sheet["R3"].value, int | type(None))
    assert body[2][0] == "合计（2件）"
    accept_elsewhere = world.client_for(world.township_b_officer).post("/requests/export/", {})
    assert (
        book_of(accept_elsewhere.content).active["A1"].value == "代办登记簿"
    )  # no rows: no region, no dates


def test_large_register_is_built_by_a_task_with_progress(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("spreadsheets.exports.LARGE_EXPORT_ROWS", 2)
    for n in range(3):
        accept(world, applicant_name=f"申请人{n}")
    client = world.client_for(world.township_a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/export/", {"status": "accepted"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/exports/{job.pk}/"
    job.refresh_from_db()  # tasks run eagerly in tests
    assert job.status == "done" and job.total == 3 and job.percent == 100
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "下载Excel" in page
    download = client.get(f"/exports/{job.pk}/download/")
    book = book_of(b"".join(download.streaming_content))
    body = assert_layout(book.active, title=book.active["A1"].value, header=REQUEST_HEADER, total=True)
    assert len(body) == 4 and body[-1][0] == "合计（3件）"
    assert book.active["A1"].value.startswith("安乐镇白马村代办登记簿（受理日期")
    assert world.client_for(world.village_a1_clerk).get(f"/exports/{job.pk}/download/").status_code == 404
    from spreadsheets.exports import export_job_run

    assert export_job_run(job_id=job.pk) is False  # a duplicate task does nothing


def test_attendance_sheet(world):
    import datetime as dt

    shift_on(world, dt.date(2026, 11, 16))
    response = world.client_for(world.township_a_officer).get(
        "/duty/attendance/",
        {"region": "419901101000", "from": "2026-11-16", "to": "2026-11-20", "format": "xlsx"},
    )
    sheet = book_of(response.content).active
    body = assert_layout(
        sheet, title="安乐镇坐班出勤（2026年11月16日至2026年11月20日）", header=ATTENDANCE_HEADER, total=True
    )
    assert body[0][:4] == ("安乐镇", "白马村", "419901101201", 1)
    assert body[1][:2] == ("安乐镇", "小计") and body[2][0] == "合计"
    assert body[1][3] == body[2][3] == 1
    assert ProxyRequest.objects.count() == 0


def test_county_attendance_sheet_gives_township_subtotals_and_a_county_total(world):
    """Villages of two townships, each beside its township, a 小计 per township, rates as numbers in 0.0%."""
    import datetime as dt

    from centers.models import DutyShift

    day = dt.date(2026, 11, 16)
    shift_on(world, day)  # 白马村 of 安乐镇
    shift_on(world, day + dt.timedelta(days=1))
    # 李楼村 has no duty cadre in the test world: its shift is set up as a row.
    DutyShift.objects.create(village=world.village_b1, date=day, cadre=world.village_a1_clerk)
    DutyShift.objects.filter(village=world.village_a1, date=day).update(attendance="on_time")
    response = world.client_for(world.county_admin).get(
        "/duty/attendance/", {"from": "2026-11-16", "to": "2026-11-20", "format": "xlsx"}
    )
    sheet = book_of(response.content).active
    body = assert_layout(
        sheet, title="测试县坐班出勤（2026年11月16日至2026年11月20日）", header=ATTENDANCE_HEADER, total=True
    )
    assert [r[:2] for r in body] == [
        ("安乐镇", "白马村"),
        ("安乐镇", "小计"),
        ("柳河乡", "李楼村"),
        ("柳河乡", "小计"),
        ("合计", None),
    ]
    assert [r[3:5] + r[9:] for r in body] == [(2, 1, 0.5), (2, 1, 0.5), (1, 0, 0), (1, 0, 0), (3, 1, 1 / 3)]
    assert {sheet.cell(n, 10).number_format for n in range(3, 8)} == {"0.0%"}


@pytest.mark.parametrize("url", ["/requests/figures/", "/duty/attendance/"])
def test_figures_pages_refuse_a_bad_period_with_a_message_and_no_rows(world, url):
    """regions.reports.report_scope: bad dates show the form's errors and no figures (no silent fallback)."""
    from django.utils import timezone

    today = timezone.localdate()
    accept(world)
    shift_on(world, today)
    client = world.client_for(world.township_a_officer)
    good = client.get(url, {"region": "419901101000", "from": today.isoformat(), "to": today.isoformat()})
    assert good.context["scope"].valid and len(good.context["rows"]) == 1
    for params, message in (
        ({"from": "2026-13-40"}, "起始日期不是有效日期。"),
        ({"from": "2026-01-01", "to": "someday"}, "截止日期不是有效日期。"),
        ({"from": today.isoformat(), "to": "2000-01-01"}, "开始日期不能晚于结束日期。"),
    ):
        response = client.get(url, {"region": "419901101000", **params})
        assert response.status_code == 200
        scope = response.context["scope"]
        assert not scope.valid and scope.start is None and scope.end is None
        assert response.context["rows"] == []
        text = response.content.decode()
        assert message in text.split('id="scope-errors"')[1] and "请更正日期后再查询。" in text
        assert "白马村" not in text.split("<tbody>")[1]
    assert client.get(url, {"region": "419901102000"}).status_code == 404  # another township


def test_register_export_costs_the_same_queries_for_one_or_many_rows(world, django_assert_max_num_queries):
    """The title's region and dates come from one aggregate, the township from the rows' own join."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(world.county_admin)
    accept(world)
    with CaptureQueriesContext(connection) as one:
        client.post("/requests/export/", {})
    for n in range(4):
        accept(world, applicant_name=f"申请人{n}")
    with django_assert_max_num_queries(len(one)):
        response = client.post("/requests/export/", {})
    assert len(rows_of(response.content)) == 2 + 5 + 1

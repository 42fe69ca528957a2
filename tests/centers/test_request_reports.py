"""Request figures for townships and the county; the Excel register (masked, escaped; a task beyond 10,000 rows)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from centers.models import ProxyRequest
from spreadsheets.models import ExportJob
from tests.centers.builders import accept, shift_on, transition

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
    assert rows[0][0] == "受理编号" and len(rows) == 2
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
    assert rows[1][5] == "138****5678" and "*" in rows[1][6]
    assert world.client_for(world.township_b_officer).post("/requests/export/", {}).status_code == 200
    assert len(rows_of(world.client_for(world.township_b_officer).post("/requests/export/", {}).content)) == 1


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
    assert len(rows_of(b"".join(download.streaming_content))) == 4
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
    rows = rows_of(response.content)
    assert rows[1][0] == "村（社区）" and rows[2][:3] == ("白马村", "419901101201", 1)
    assert ProxyRequest.objects.count() == 0


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

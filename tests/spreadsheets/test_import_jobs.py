"""Large imports run as a task (ImportJob): the request stores the file and redirects to the job's page;
the job reads and imports it all or nothing, names every bad row, and forgets the file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import Region
from spreadsheets import imports, reading
from spreadsheets.imports import import_job_run
from spreadsheets.models import ImportJob
from tests.spreadsheets import hostile_files

pytestmark = pytest.mark.django_db


def _csv(*rows: str) -> bytes:
    return ("code,name\n" + "".join(f"{r}\n" for r in rows)).encode()


def test_large_upload_becomes_a_job_that_imports_and_reports(world, upload):
    client = world.client_for(world.county_admin)
    data = _csv("419901103000,新兴镇", "419901103201,新兴村")
    response = upload(client, "/regions/import/", "t.csv", data)
    job = ImportJob.objects.get(user=world.county_admin)
    assert response.status_code == 302 and response["Location"] == f"/exports/imports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.total, job.kind, job.filename) == (ImportJob.Status.DONE, 2, "regions", "t.csv")
    assert not job.file  # the stored upload is deleted once read
    assert Region.objects.filter(code__in=["419901103000", "419901103201"]).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "导入完成：新增2个，更名0个，未变0个。" in page
    assert "hx-trigger" not in page  # a finished job stops polling


def test_a_job_with_bad_rows_names_each_and_writes_nothing(world, upload):
    client = world.client_for(world.county_admin)
    data = _csv("419901103000,新兴镇", "abc,坏", "419902000000,邻县")
    response = upload(client, "/regions/import/", "t.csv", data)
    job = ImportJob.objects.get(user=world.county_admin)
    assert job.status == ImportJob.Status.FAILED
    assert [e.split("：")[0] for e in job.errors] == ["第3行", "第4行"]
    assert not Region.objects.filter(code="419901103000").exists()
    page = client.get(response["Location"]).content.decode()
    assert "文件有2处错误，未导入任何数据" in page and "第3行" in page


def test_a_hostile_file_queued_as_a_job_fails_with_the_readers_message(world, upload):
    client = world.client_for(world.county_admin)
    data = hostile_files.deep_xml()
    upload(client, "/regions/import/", "t.xlsx", data)
    job = ImportJob.objects.get(user=world.county_admin)
    assert (job.status, job.errors) == (ImportJob.Status.FAILED, [reading.ODD_STRUCTURE])
    assert not job.file


def test_a_bomb_is_refused_in_the_request_before_anything_is_queued(world, upload):
    """The zip directory costs nothing to read: a bomb never becomes a job."""
    client = world.client_for(world.county_admin)
    data = hostile_files.shared_string_bomb()
    response = upload(client, "/regions/import/", "t.xlsx", data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [reading.TOO_LARGE_UNPACKED.format(mb=50)]
    assert not ImportJob.objects.exists()


def test_a_job_is_its_uploaders_alone(world, upload):
    client = world.client_for(world.county_admin)
    response = upload(client, "/regions/import/", "t.csv", _csv("419901103000,镇"))
    other = world.client_for(world.township_a_officer).get(response["Location"])
    assert other.status_code == 404


def test_running_a_job_twice_imports_once(world, upload):
    client = world.client_for(world.county_admin)
    upload(client, "/regions/import/", "t.csv", _csv("419901103000,新兴镇"))
    job = ImportJob.objects.get(user=world.county_admin)
    assert job.status == ImportJob.Status.DONE
    assert import_job_run(job_id=job.pk) is False


def test_small_uploads_still_import_in_the_request(world, django_capture_on_commit_callbacks):
    """At the threshold the file is imported inline; one byte above, it is queued."""
    client = world.client_for(world.county_admin)
    head = _csv("419901103000,新兴镇")
    padded = head[:-1] + b" " * (imports.INLINE_MAX_BYTES - len(head)) + b"\n"  # spaces the reader strips
    assert len(padded) == imports.INLINE_MAX_BYTES
    inline = client.post("/regions/import/", {"file": SimpleUploadedFile("t.csv", padded)})
    assert inline.status_code == 200 and inline.context["result"].created == 1
    assert not ImportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/regions/import/", {"file": SimpleUploadedFile("t.csv", padded + b"\n")})
    assert queued.status_code == 302
    assert ImportJob.objects.get(user=world.county_admin).status == ImportJob.Status.DONE


def test_the_import_page_links_the_users_recent_jobs_of_that_kind(world, upload):
    client = world.client_for(world.county_admin)
    response = upload(client, "/regions/import/", "县表.csv", _csv("419901103000,新兴镇"))
    page = client.get("/regions/import/").content.decode()
    assert f'href="{response["Location"]}"' in page and "县表.csv（已完成" in page
    assert "县表.csv" not in client.get("/people/import/").content.decode()
    assert "县表.csv" not in world.client_for(world.sysadmin).get("/regions/import/").content.decode()


def test_a_large_upload_to_a_read_only_media_folder_is_a_chinese_message_and_no_job(
    world, upload, settings, tmp_path
):
    """The file of a queued import is stored first: a media folder that refuses it (read-only, full) is said
    on the import page, no job is created and nothing is imported."""
    from tests.uploads.test_storage_faults import RefusingStorage

    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{RefusingStorage.__module__}.RefusingStorage"},
    }
    client = world.client_for(world.county_admin)
    response = upload(client, "/regions/import/", "t.csv", _csv("419901103000,新兴镇"))
    assert response.status_code == 200
    assert imports.STORAGE_UNWRITABLE in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not Region.objects.filter(code="419901103000").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]

"""A people import run as a job keeps the new accounts' initial passwords only encrypted, shows them once
to the uploader, and erases them after that look or after a day."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from spreadsheets.imports import PASSWORDS_EXPIRED, PASSWORDS_GONE, PASSWORDS_KEPT, import_jobs_resume
from spreadsheets.models import ImportJob

pytestmark = pytest.mark.django_db

TABLE = (
    "用户名,姓名,手机号,职务,区划代码,任职日期\n"
    "newbie,新人,,村党组织书记,419901101201,\n"
    "second,次人,,村党组织书记,419901101202,\n"
).encode()
SHOWN_ONCE = "以下初始密码只显示这一次"


def stored(job: ImportJob) -> str:
    """The job's result as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT result::text FROM {ImportJob._meta.db_table} WHERE id = %s", [job.pk])  # noqa: S608
        return cursor.fetchone()[0]


def passwords_in(page: str) -> list[str]:
    return re.findall(r'<td class="font-monospace">([^<]+)</td>', page)


@pytest.fixture
def job(world, upload) -> ImportJob:
    response = upload(world.client_for(world.county_admin), "/people/import/", "p.csv", TABLE)
    job = ImportJob.objects.get(user=world.county_admin)
    assert response["Location"] == f"/exports/imports/{job.pk}/"
    assert job.status == ImportJob.Status.DONE, job.errors
    return job


def test_no_plain_password_is_stored_and_the_uploader_sees_them_once(world, job):
    client = world.client_for(world.county_admin)
    before = stored(job)
    assert job.result["accounts"] == [["newbie", "新人"], ["second", "次人"]]
    # A superuser looking at the job sees the accounts, not the passwords, and does not use up the look.
    superuser_page = world.client_for(world.sysadmin).get(job.get_absolute_url()).content.decode()
    assert (
        "newbie" in superuser_page and not passwords_in(superuser_page) and SHOWN_ONCE not in superuser_page
    )
    first = client.get(job.get_absolute_url()).content.decode()
    passwords = passwords_in(first)
    assert len(passwords) == 2 and SHOWN_ONCE in first
    for username, password in zip(["newbie", "second"], passwords, strict=True):
        assert User.objects.get(username=username).check_password(password)  # the real initial password
        assert password not in before  # what the database held: encrypted only
    second = client.get(job.get_absolute_url()).content.decode()
    assert "newbie" in second and not passwords_in(second) and PASSWORDS_GONE in second
    after = stored(job)
    assert all(p not in after for p in passwords)
    job.refresh_from_db()
    assert "passwords" not in job.result and job.result["accounts"] == [
        ["newbie", "新人"],
        ["second", "次人"],
    ]


def test_the_polled_fragment_counts_as_the_one_look(world, job):
    client = world.client_for(world.county_admin)
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert len(passwords_in(fragment)) == 2
    assert not passwords_in(client.get(job.get_absolute_url()).content.decode())


def test_unseen_passwords_are_shown_until_a_day_has_passed_then_refused(world, job):
    client = world.client_for(world.county_admin)
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - PASSWORDS_KEPT + timedelta(minutes=1)
    )
    assert len(passwords_in(client.get(job.get_absolute_url()).content.decode())) == 2

    ImportJob.objects.filter(pk=job.pk).update(result=job.result)  # the same job, unseen again
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - PASSWORDS_KEPT - timedelta(seconds=1)
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert not passwords_in(page) and PASSWORDS_EXPIRED in page
    job.refresh_from_db()
    assert "passwords" not in job.result


def test_the_sweeper_erases_passwords_unseen_for_a_day(world, job):
    finished = job.finished_at
    import_jobs_resume(now=finished + PASSWORDS_KEPT)  # exactly a day: still kept
    job.refresh_from_db()
    assert "passwords" in job.result
    import_jobs_resume(now=finished + PASSWORDS_KEPT + timedelta(microseconds=1))
    job.refresh_from_db()
    assert "passwords" not in job.result and job.result["passwords_expired"] is True
    page = world.client_for(world.county_admin).get(job.get_absolute_url()).content.decode()
    assert "newbie" in page and not passwords_in(page) and PASSWORDS_EXPIRED in page

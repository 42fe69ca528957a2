"""``manage.py backup`` and ``restore``: a restore into a fresh database brings back every row of every table,
the frozen-record triggers still refuse changes, and the media files are there.

pg_dump and pg_restore are separate processes that see only committed rows: this module runs in a
transactional database with a world built for the test (as the worker tests do)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from backups.archive import Database, archives_in, table_counts
from centers.models import ChecklistItem
from tests.centers.builders import center_of
from tests.centers.test_center_pages import upload_photo
from tests.conftest import World, build_world, png_bytes
from tests.decisions.builders import disclose, matter_register, resolve, roster_for


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def server_url(name: str) -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    admin = psycopg2.connect(server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_fresh_database_brings_back_rows_triggers_and_files(
    world, settings, tmp_path, fresh_database, capsys
):
    clerk = world.client_for(world.village_a1_clerk)
    upload_photo(clerk, center_of(world.village_a1), ChecklistItem.objects.first(), png_bytes())
    secretary = world.village_a1_clerk
    roster_for(world.village_a1, actor=secretary)
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1),
        held_on=timezone.localdate() - timedelta(days=30),
    )
    disclosure = disclose(secretary, matter, posted_on=timezone.localdate())
    clerk.post(
        reverse("decisions:board-photo-add", args=[disclosure.pk]),
        {"photo": SimpleUploadedFile("board.png", png_bytes(color=(0, 90, 0)), "image/png")},
    )
    media = files_under(Path(settings.MEDIA_ROOT))
    assert len(media) == 2

    folder = tmp_path / "archives"
    call_command("backup", dir=str(folder), keep=3)
    (archive,) = archives_in(folder)
    assert archive.name.startswith(f"backup-{timezone.localtime():%Y%m%d}-")
    assert "备份完成" in capsys.readouterr().out

    restored_media = tmp_path / "restored-media"
    restored_url = server_url(fresh_database)
    call_command("restore", str(archive), database_url=restored_url, media_root=str(restored_media))
    assert "行数与备份一致" in capsys.readouterr().out

    source = table_counts(Database.from_settings(server_url(connection.settings_dict["NAME"])))
    restored = table_counts(Database.from_settings(restored_url))
    assert restored == source and source["public.decisions_matter"] == 1
    assert source["public.decisions_boardphoto"] == source["public.centers_checklistentry"] == 1
    assert files_under(restored_media) == media

    # The frozen-record guarantees came back with the rows: the triggers refuse in the restored database.
    with psycopg2.connect(restored_url) as restored_db, restored_db.cursor() as cursor:
        for statement in (
            "UPDATE decisions_matter SET title = '改过的标题' WHERE disclosed_on IS NOT NULL",
            "DELETE FROM decisions_matter WHERE disclosed_on IS NOT NULL",
            "DELETE FROM decisions_meeting",
        ):
            with pytest.raises(psycopg2.Error, match="Cannot"):
                cursor.execute(statement)
            restored_db.rollback()
        cursor.execute("SELECT title FROM decisions_matter")
        assert cursor.fetchone()[0] == matter.title

    # A database that is not empty is refused unless --force, and nothing is written to it.
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(archive), database_url=restored_url, media_root=str(tmp_path / "other"))
    assert not (tmp_path / "other").exists()
    call_command(
        "restore", str(archive), database_url=restored_url, media_root=str(restored_media), force=True
    )
    assert table_counts(Database.from_settings(restored_url)) == source


def test_only_the_newest_archives_are_kept(settings, tmp_path, db):
    folder = tmp_path / "archives"
    folder.mkdir()
    for name in (
        "backup-20260101-0300.tar.gz",
        "backup-20260102-0300.tar.gz",
        "backup-20260102-0300-2.tar.gz",
    ):
        (folder / name).write_bytes(b"old")
    (folder / "notes.txt").write_text("not an archive")
    call_command("backup", dir=str(folder), keep=2)
    (today,) = [p.name for p in folder.glob(f"backup-{timezone.localtime():%Y%m%d}-*")]
    # The second archive of 2 January 03:00 is newer than the first of that minute.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [today, "backup-20260102-0300-2.tar.gz", "notes.txt"]
    )
    with pytest.raises(CommandError, match="至少为1"):
        call_command("backup", dir=str(folder), keep=0)

"""Uploads when the media storage fails: a clear Chinese message and nothing changed; and no orphan file
when the row that names a written file is not saved."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from centers.models import ChecklistEntry, ChecklistItem
from decisions.models import BoardPhoto, MeetingAttachment
from tests.centers.builders import center_of
from tests.centers.test_center_pages import upload_photo
from tests.conftest import png_bytes
from tests.decisions.builders import disclose, matter_register, resolve, roster_for
from uploads.storage import STORAGE_UNWRITABLE, atomic_with_files, file_store

pytestmark = pytest.mark.django_db
IS_ROOT = os.geteuid() == 0


class RefusingStorage(FileSystemStorage):
    """A media folder that refuses writes as a read-only mount does (fault injection for a test run as
    root, whom chmod does not stop)."""

    def _save(self, name, content):
        raise PermissionError(13, "Permission denied", str(Path(self.location) / name))


def files_in(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.fixture(params=["chmod", "refusing storage"])
def read_only_media(request, settings):
    """The media folder made read-only: by its mode when the tests do not run as root, else by a storage
    that refuses every write."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    if request.param == "chmod":
        if IS_ROOT:
            pytest.skip("root writes whatever the mode: the refusing storage covers this case")
        root.chmod(0o555)
    else:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": f"{RefusingStorage.__module__}.RefusingStorage"},
        }
    yield root
    root.chmod(0o755)


def test_a_checklist_photo_on_a_read_only_media_folder_is_a_chinese_message(world, read_only_media):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    response = upload_photo(world.client_for(world.village_a1_clerk), center, item, png_bytes())
    assert response.status_code == 200 and STORAGE_UNWRITABLE in response.content.decode()
    assert not ChecklistEntry.objects.filter(center=center, item=item).exists()
    assert files_in(read_only_media) == []


@pytest.fixture
def disclosure(world):
    secretary = world.village_a1_clerk
    roster_for(world.village_a1, actor=secretary)
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1),
        held_on=timezone.localdate() - timedelta(days=30),
    )
    return disclose(secretary, matter, posted_on=timezone.localdate())


def test_a_board_photo_and_a_meeting_paper_on_a_read_only_media_folder(world, disclosure, read_only_media):
    clerk = world.client_for(world.village_a1_clerk)
    photo = clerk.post(
        reverse("decisions:board-photo-add", args=[disclosure.pk]),
        {"photo": SimpleUploadedFile("board.png", png_bytes(), "image/png")},
        follow=True,
    )
    assert STORAGE_UNWRITABLE in photo.content.decode()
    assert not BoardPhoto.objects.exists()
    meeting = disclosure.matter.meetings.order_by("-held_on").first()
    papers = MeetingAttachment.objects.count()
    paper = clerk.post(
        reverse("decisions:attachment-add", args=[meeting.pk]),
        {"kind": "other", "file": SimpleUploadedFile("x.png", png_bytes(), "image/png")},
        follow=True,
    )
    assert STORAGE_UNWRITABLE in paper.content.decode()
    assert MeetingAttachment.objects.count() == papers
    assert files_in(read_only_media) == []


def test_a_photo_whose_entry_is_refused_after_the_file_was_written_leaves_no_file(world, settings):
    """The second of two people saving the same entry is refused (version check) after the photo was
    stored: the refusal deletes it again, only the first person's photo stays."""
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    client = world.client_for(world.village_a1_clerk)
    assert upload_photo(client, center, item, png_bytes(), version=0).status_code == 302
    kept = files_in(settings.MEDIA_ROOT)
    assert len(kept) == 1
    late = upload_photo(client, center, item, png_bytes(color=(0, 0, 200)), version=0)
    assert late.status_code == 200 and "已被他人修改" in late.content.decode()
    assert files_in(settings.MEDIA_ROOT) == kept
    assert ChecklistEntry.objects.get(center=center, item=item).photo.path == str(kept[0])


def test_files_of_a_service_that_fails_after_an_inner_one_succeeded_are_deleted(world, settings):
    """Nested services: what the inner one stored is handed to the outer one, whose failure removes it."""
    entry = ChecklistEntry(center=center_of(world.village_a1), item=ChecklistItem.objects.first())

    @atomic_with_files
    def inner():
        file_store(entry.photo, ContentFile(png_bytes(), name="inner.png"))

    @atomic_with_files
    def outer():
        inner()
        assert len(files_in(settings.MEDIA_ROOT)) == 1
        raise RuntimeError("a later step of the outer service fails")

    with pytest.raises(RuntimeError):
        outer()
    assert files_in(settings.MEDIA_ROOT) == []
    inner()  # alone and successful, the file stays
    assert len(files_in(settings.MEDIA_ROOT)) == 1

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spreadsheets import imports


@pytest.fixture
def upload(monkeypatch, django_capture_on_commit_callbacks):
    """Posts a file that counts as large (the threshold set to 0), so it goes through a job; the task (run
    in-process in tests) is queued after commit, which the end of the request stands for here."""
    monkeypatch.setattr(imports, "INLINE_MAX_BYTES", 0)

    def post(client, url: str, name: str, data: bytes, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})

    return post

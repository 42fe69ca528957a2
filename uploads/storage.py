"""Storing uploaded files next to the rows that name them.

Two faults are handled in one place for every upload (checklist photos, notice-board photos, meeting
papers): a storage that refuses the write (a read-only or full media folder) becomes a clear Chinese
message instead of a server error, and a file written for a row that is then not saved (a constraint,
a concurrent edit, any later step of the same service) is deleted again, so no orphan stays in storage.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

logger = logging.getLogger(__name__)

STORAGE_UNWRITABLE = "文件未能保存：服务器的文件存储目前不可写入，本次提交没有保存任何内容。请稍后重试；如仍不成功，请联系管理员检查存储空间和目录权限。"

_local = threading.local()


def _written() -> list[list[tuple]]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def file_store(field_file, content) -> str:
    """Writes ``content`` through ``field_file`` (a model's FieldFile; the row is saved by the caller).

    Inside a service decorated with :func:`atomic_with_files`, the file is deleted again if the
    service fails afterwards. Returns the stored name."""
    try:
        field_file.save(content.name, content, save=False)
    except OSError as exc:
        logger.exception("the media storage refused %s", content.name)
        raise ValidationError(STORAGE_UNWRITABLE) from exc
    stack = _written()
    if stack:
        stack[-1].append((field_file.storage, field_file.name))
    return field_file.name


def atomic_with_files(func: Callable) -> Callable:
    """``transaction.atomic`` for a service that stores files: when the service raises, its transaction
    (or savepoint) is rolled back and the files it stored are deleted; when it returns, they are kept (or
    handed to an enclosing decorated service, whose failure removes them too)."""
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        stack = _written()
        stack.append([])
        try:
            result = atomic(*args, **kwargs)
        except BaseException:
            for storage, name in stack.pop():
                try:
                    storage.delete(name)
                except OSError:
                    logger.exception("could not delete %s after a failed save", name)
            raise
        stored = stack.pop()
        if stack:
            stack[-1].extend(stored)
        return result

    return wrapper

"""Helpers that attach who/where to audit events written by pghistory's triggers."""

from __future__ import annotations

from contextlib import contextmanager

import pghistory
from axes.helpers import get_client_ip_address


def client_address(request) -> str | None:
    """The client address as axes sees it: REMOTE_ADDR unless trusted proxies are configured."""
    return get_client_ip_address(request)


@contextmanager
def task_context(task_name: str, actor_id: int | None = None):
    """Audit context for changes made by a Celery task or a management command."""
    with pghistory.context(task=task_name, user=actor_id):
        yield

"""Helpers that attach who/where to audit events written by pghistory's triggers."""

from __future__ import annotations

import ipaddress
from contextlib import contextmanager

import pghistory
from django.conf import settings


def client_address(request) -> str | None:
    """The client's address, for the audit trail, login lockouts (axes' AXES_CLIENT_IP_CALLABLE) and the
    public lookup's rate limit.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT = n reverse proxies stand in front: each appends the address it
    saw to X-Forwarded-For, so the n-th entry from the right is the one the outermost trusted proxy saw;
    entries further left are whatever the client claimed and are ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through the configured proxies: the direct peer is all we know
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


@contextmanager
def task_context(task_name: str, actor_id: int | None = None):
    """Audit context for changes made by a Celery task or a management command."""
    with pghistory.context(task=task_name, user=actor_id):
        yield

"""What /healthz/ reports: the database, the cache and the broker, each on its own.

The web container is healthy when it can serve pages, i.e. when the database answers: a Redis outage
costs the pages freshness and speed (core.cache passes it over) and delays the background jobs, so it is
reported ("degraded") but does not fail the check, which would have the orchestrator restart web
processes that are serving fine. The details of an error go to the log; the public answer names only
its kind.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

OK = "ok"
# Seconds a broker check may take: the health check must answer even when the broker hangs.
BROKER_TIMEOUT = 1.0


def _error(part: str, exc: Exception) -> str:
    logger.warning("Health check: the %s is unavailable: %s: %s", part, type(exc).__name__, exc)
    return f"error: {type(exc).__name__}"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return _error("database", exc)
    return OK


def cache_status() -> str:
    ping = getattr(cache, "ping", None)  # core.cache.RedisCache asks Redis itself, past its pass-over
    if ping is None:
        return OK  # a process-local cache (tests, the first look) is up when the process is
    try:
        ping()
    except redis.RedisError as exc:
        return _error("cache", exc)
    return OK


@functools.cache
def _broker_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT)


def broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url:
        return "none: tasks run in the web process"
    if not url.startswith(("redis://", "rediss://")):
        return "not checked"
    try:
        _broker_client(url).ping()
    except redis.RedisError as exc:
        return _error("broker", exc)
    return OK


def health() -> tuple[bool, dict[str, str]]:
    """(whether pages can be served, the status of each part)."""
    parts = {"database": database_status(), "cache": cache_status(), "broker": broker_status()}
    serving = parts["database"] == OK
    degraded = any(value.startswith("error") for value in parts.values())
    parts = {"status": "error" if not serving else "degraded" if degraded else OK, **parts}
    return serving, parts

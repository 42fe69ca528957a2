"""Real Celery workers for the tests that kill one mid-job: separate processes (``celery worker``) on this
test's own Redis database against the test database, started and cleaned up by :func:`real_workers`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

CELERY = Path(sys.executable).with_name("celery")


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start_worker(settings, name: str) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return subprocess.Popen(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@contextmanager
def real_workers(settings) -> Iterator[list[subprocess.Popen]]:
    """Tasks go to the broker instead of running in-process; the list holds the workers the test starts
    (``start_worker``); at the end they are stopped, the broker emptied and in-process tasks restored."""
    from config.celery import app

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()  # this test's own Redis database: no message of an earlier run is waiting
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    workers: list[subprocess.Popen] = []
    try:
        yield workers
    finally:
        app.conf.task_always_eager = True
        app._pool = None
        app.amqp._producer_pool = None
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        broker.flushdb()

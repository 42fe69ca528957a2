"""A broker outage for tests that queue tasks."""

from __future__ import annotations

import os
from contextlib import contextmanager


@contextmanager
def dead_broker():
    """A real broker connection to a port where nothing listens: the enqueue fails as in an outage."""
    from config.celery import app

    def forget_connections() -> None:  # the app caches its pools (even eager runs create them)
        app._pool = None
        app.amqp._producer_pool = None

    # Celery prefers the CELERY_BROKER_URL environment variable to its setting: it is set aside meanwhile.
    from_environment = os.environ.pop("CELERY_BROKER_URL", None)
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/15"
    forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
        if from_environment is not None:
            os.environ["CELERY_BROKER_URL"] = from_environment
        forget_connections()

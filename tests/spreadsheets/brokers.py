"""A broker outage for tests that queue tasks."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def dead_broker():
    """A real broker connection to a port where nothing listens: the enqueue fails as in an outage."""
    from config.celery import app

    def forget_connections() -> None:  # the app caches its pools (even eager runs create them)
        app._pool = None
        app.amqp._producer_pool = None

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/15"
    forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
        forget_connections()

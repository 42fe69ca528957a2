"""After PostgreSQL drops a persistent connection (a restart, here pg_terminate_backend from another
connection), the next request is answered normally: CONN_HEALTH_CHECKS has Django check the connection at
the start of the request and open a new one (issue 11). The request goes through Django's WSGI handler,
whose request_started runs close_old_connections (the test client leaves that signal out)."""

from __future__ import annotations

import io
import json

import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory


def wsgi_get(path: str) -> tuple[str, dict]:
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD="GET", **{"wsgi.input": io.BytesIO()}
    )
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    body = b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], json.loads(body)


@pytest.fixture
def persistent_connection(transactional_db):
    settings = connection.settings_dict
    saved = settings["CONN_MAX_AGE"]
    settings["CONN_MAX_AGE"] = 60
    connection.close()
    yield
    settings["CONN_MAX_AGE"] = saved
    connection.close()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_request_after_the_server_dropped_the_connection_answers_200(persistent_connection):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert wsgi_get("/healthz/") == (
        "200 OK",
        {"status": "ok", "database": "ok", "cache": "ok", "broker": "none: tasks run in the web process"},
    )
    dropped = backend_pid()  # the connection the first request left open
    killer = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"],
        port=connection.settings_dict["PORT"] or 5432,
    )
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    killer.close()
    status, body = wsgi_get("/healthz/")
    assert (status, body["database"]) == ("200 OK", "ok")
    assert backend_pid() != dropped

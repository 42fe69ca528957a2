"""The portal's two database roles.

The owner (settings.DATABASE_OWNER, DATABASE_OWNER_URL) runs migrations and owns every table. The app role
(settings.DATABASE_APP_ROLE, DATABASE_URL's user) is what the web and worker processes log in as: it owns
nothing, so it can neither ``ALTER TABLE ... DISABLE TRIGGER`` nor drop a trigger, and as a non-superuser it
cannot ``SET session_replication_role``. Its grants, (re)applied after every migrate and flush:

- every table: SELECT, INSERT, UPDATE, DELETE, never TRUNCATE (TRUNCATE fires no row trigger); frozen records
  are guarded row by row by their pgtrigger triggers, which the app role cannot switch off;
- the audit trail (pghistory's event tables, the login and reveal logs: audit_tables()): SELECT, INSERT only;
- pghistory_context: SELECT, INSERT, and UPDATE of ``metadata`` and ``updated_at`` only, which
  ``_pgh_attach_context()`` needs for its upsert; the trigger of audit migration 0002 lets an update add
  entries to a context written by an earlier transaction but never change or remove one;
- django_migrations: SELECT.

pgtrigger lets a session switch a trigger off with ``SET pgtrigger.ignore``, which any role may set: the
function behind it is replaced so that only the owner's sessions are heard (migrations, data fixes).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def audit_tables() -> set[str]:
    """The trail the app role may only read and append to, derived from the models: pghistory's event tables
    and this app's append-only logs (login log, reveal log: an unconditional pgtrigger Protect of UPDATE and
    DELETE). Frozen domain records keep UPDATE and DELETE, which their triggers police row by row (and a
    ``SELECT ... FOR UPDATE`` that locks a frozen row needs)."""
    import pghistory.models
    import pgtrigger

    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and model._meta.managed and not model._meta.proxy
    }
    for model, trigger in pgtrigger.registered():
        if (
            model._meta.app_label == "audit"
            and isinstance(trigger, pgtrigger.Protect)
            and trigger.condition is None
            and {"UPDATE", "DELETE"} <= set(str(trigger.operation).split(" OR "))
        ):
            tables.add(model._meta.db_table)
    return tables


def owner_role_is_separate() -> bool:
    owner = settings.DATABASE_OWNER
    return bool(owner and settings.DATABASE_APP_ROLE and owner.get("USER") != settings.DATABASE_APP_ROLE)


@contextmanager
def owner_connection(using: str = DEFAULT_DB_ALIAS):
    """Runs the block with ``using`` logged in as the owner (same database, the owner's credentials).

    Outside any transaction only: the connection is closed on the way in and out."""
    connection = connections[using]
    owner = settings.DATABASE_OWNER
    if not owner or getattr(connection, "_as_owner", False):
        yield connection
        return
    saved = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update(
        {key: owner.get(key, {} if key == "OPTIONS" else "") for key in CREDENTIALS}
    )
    connection._as_owner = True
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection._as_owner = False


def app_role_ensure(using: str = DEFAULT_DB_ALIAS, password: str | None = None) -> None:
    """Creates the app role when it does not exist (the owner needs CREATEROLE); never alters or drops it.

    Roles are cluster-wide: two processes may race here, hence the caught duplicate."""
    role = settings.DATABASE_APP_ROLE
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            return
        quoted = connections[using].ops.quote_name(role)
        statement = f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT"
        if password:
            statement += " PASSWORD %s"
        # A DO block would swallow the race but cannot take the password as a parameter.
        try:
            with transaction.atomic(using):
                cursor.execute(statement, [password] if password else None)
        except Exception as error:  # noqa: BLE001
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not cursor.fetchone():
                raise error


IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}(trigger_name NAME) RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
        _result BOOLEAN;
    BEGIN
        -- Only the owner's sessions may switch a trigger off (audit/database_roles.py).
        IF NOT pg_has_role(current_user, {owner}, 'MEMBER') THEN
            RETURN FALSE;
        END IF;
        BEGIN
            SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        IF _pgtrigger_ignore IS NOT NULL THEN
            SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
            RETURN _result;
        ELSE
            RETURN FALSE;
        END IF;
    END;
$$ LANGUAGE plpgsql;
"""


def app_role_grant(using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)applies the app role's privileges; run as the owner after every migrate and flush."""
    import pgtrigger.features
    from pghistory.models import Context

    if not owner_role_is_separate():
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    role = quote(settings.DATABASE_APP_ROLE)
    existing = set(connection.introspection.table_names(include_views=False))
    trail = sorted(audit_tables() & existing)
    context = quote(Context._meta.db_table)
    with transaction.atomic(using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(f"GRANT CONNECT ON DATABASE {quote(connection.settings_dict['NAME'])} TO {role}")
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        # From nothing each time: a table that joined the trail loses what it had.
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        for table in trail:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {role}")
        cursor.execute(f"REVOKE UPDATE, DELETE ON {context} FROM {role}")
        cursor.execute(f"GRANT UPDATE (metadata, updated_at) ON {context} TO {role}")
        cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}")
        # Tables a later migration creates start with the ordinary grants (never TRUNCATE) until this runs.
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
        schema = pgtrigger.features.schema() or "public"
        cursor.execute(
            IGNORE_FUNCTION.format(
                function=f"{quote(schema)}._pgtrigger_should_ignore",
                owner="'" + owner.replace("'", "''") + "'",
            )
        )

"""The portal's database role cannot rewrite the audit trail or unfreeze a frozen record (issue 11, section 2).

Each attack runs on a second connection that logs in as the role the web and worker processes use
(settings.DATABASE_APP_ROLE; DATABASE_URL's user in production). The data it attacks was written through the
portal's own pages and services and committed (``transaction=True``). On a portal that connects as a superuser
every statement below goes through, and every test here fails.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, connections

from audit.models import AuthEvent
from centers.models import ProxyRequestTimelineEvent, ServiceCenter
from tests.centers.builders import accept, center_of
from tests.centers.test_center_pages import edit_data
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

ServiceCenterEvent = ServiceCenter.pgh_event_model


def app_role() -> str:
    return getattr(settings, "DATABASE_APP_ROLE", None) or connection.settings_dict["USER"]


def app_login():
    """A connection of its own, logged in as the app role (not switched to it: it could switch back)."""
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"],
        user=app_role(),
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
    )


@contextmanager
def portal_as_app_role():
    """The test's own Django connection logged in as the app role, as in production."""
    default = connections["default"]
    saved = {key: default.settings_dict.get(key) for key in ("USER", "OPTIONS")}
    default.close()
    default.settings_dict.update(USER=app_role(), OPTIONS={})
    try:
        yield
    finally:
        default.close()
        default.settings_dict.update(saved)


@pytest.fixture
def trail():
    """A center edited through its page (an event and its context), a failed and a good login (the login
    log), a request accepted (a frozen timeline row)."""
    world = build_world()
    center = center_of(world.village_a1)
    client = world.client_for(world.village_a1_clerk)
    assert (
        client.post(f"/centers/{center.pk}/edit/", edit_data(center), REMOTE_ADDR="10.1.2.3").status_code
        == 302
    )
    client.post("/accounts/login/", {"username": "village_a1_clerk", "password": "wrong"})
    accept(world)
    event = ServiceCenterEvent.objects.filter(pgh_obj=center, pgh_label="update").get()
    return {"event": event, "context_id": str(event.pgh_context_id), "snapshot": snapshot()}


def snapshot() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id::text, metadata::text, created_at FROM pghistory_context ORDER BY id")
        contexts = cursor.fetchall()
    return {
        "contexts": contexts,
        "events": list(ServiceCenterEvent.objects.order_by("pgh_id").values_list("pgh_id", "address")),
        "logins": AuthEvent.objects.count(),
        "timeline": list(ProxyRequestTimelineEvent.objects.order_by("id").values_list("id", "note")),
    }


def trigger_of(table: str, prefix: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
            [table, prefix + "%"],
        )
        return cursor.fetchone()[0]


FROZEN_ROW = "UPDATE centers_proxyrequesttimelineevent SET note = '改写'"
FROZEN_ROW_GONE = "DELETE FROM centers_proxyrequesttimelineevent"

# Each attack is a list of statements run in one transaction: one of them must be refused. <timeline> and
# <promise> stand for the pgtrigger triggers that freeze a request's timeline and its original promise.
ATTACKS = {
    "rewrite who acted": [
        "UPDATE pghistory_context SET metadata = metadata || '{\"user\": null}' WHERE id = <ctx>"
    ],
    "remove the address": ["UPDATE pghistory_context SET metadata = metadata - 'ip' WHERE id = <ctx>"],
    "backdate a context": ["UPDATE pghistory_context SET created_at = created_at - interval '1 year'"],
    "delete a context": ["DELETE FROM pghistory_context WHERE id = <ctx>"],
    "truncate an event table": ["TRUNCATE centers_servicecenterevent"],
    "update an event without its trigger": [
        "ALTER TABLE centers_servicecenterevent DISABLE TRIGGER USER",
        "UPDATE centers_servicecenterevent SET address = '改写'",
    ],
    "truncate the login log": ["TRUNCATE audit_authevent"],
    "empty the login log without its trigger": [
        "SET session_replication_role = replica",
        "DELETE FROM audit_authevent",
    ],
    "update a frozen row as a replica": ["SET session_replication_role = replica", FROZEN_ROW],
    "delete a frozen row as a replica": ["SET session_replication_role = replica", FROZEN_ROW_GONE],
    "update a frozen row, its triggers disabled": [
        "ALTER TABLE centers_proxyrequesttimelineevent DISABLE TRIGGER ALL",
        FROZEN_ROW,
    ],
    "delete a frozen row, its trigger dropped": [
        'DROP TRIGGER "<timeline>" ON centers_proxyrequesttimelineevent',
        FROZEN_ROW_GONE,
    ],
    "update a frozen row, pgtrigger told to ignore": ["SET pgtrigger.ignore = '{<timeline>}'", FROZEN_ROW],
    "delete a frozen row, pgtrigger told to ignore": [
        "SET pgtrigger.ignore = '{<timeline>}'",
        FROZEN_ROW_GONE,
    ],
    "move the original promise, pgtrigger told to ignore": [
        "SET pgtrigger.ignore = '{<promise>}'",
        "UPDATE centers_proxyrequest SET original_promised_date = '2099-01-01'",
    ],
    "truncate a frozen table": ["TRUNCATE centers_proxyrequesttimelineevent"],
    "rewrite a past context through pghistory's own upsert": [
        "SET pghistory.context_id = <ctx>",
        """SET pghistory.context_metadata = '{"user": null, "url": "/forged/"}'""",
        "UPDATE centers_servicecenter SET address = '伪造'",
    ],
}


def refused(statements: list[str], names: dict[str, str]) -> bool:
    """Runs the statements in one transaction of an app role login; True when one of them fails."""
    attacker = app_login()
    try:
        with attacker, attacker.cursor() as cursor:
            for statement in statements:
                for name, value in names.items():
                    statement = statement.replace(name, value)
                cursor.execute(statement)
    except psycopg2.Error:
        return True
    finally:
        attacker.close()
    return False


def test_the_app_role_cannot_rewrite_the_trail_or_unfreeze_a_record(trail):
    """One world for all the attacks (a flush costs seconds); each one that goes through is named."""
    names = {
        "<ctx>": "'" + trail["context_id"] + "'",
        "<timeline>": trigger_of("centers_proxyrequesttimelineevent", "pgtrigger_append_only"),
        "<promise>": trigger_of("centers_proxyrequest", "pgtrigger_original_promise_fixed"),
    }
    went_through = [attack for attack, statements in ATTACKS.items() if not refused(statements, names)]
    assert went_through == []
    assert snapshot() == trail["snapshot"]
    # What pghistory itself does in a later transaction of the same context still works: add an entry.
    before = trail["event"].pgh_context.metadata
    added = {**before, "task": "later"}
    assert not refused(
        [
            "SET pghistory.context_id = <ctx>",
            "SET pghistory.context_metadata = '" + json.dumps(added) + "'",
            f"UPDATE centers_servicecenter SET address = '人民路3号' WHERE id = {trail['event'].pgh_obj_id}",
        ],
        names,
    )
    trail["event"].pgh_context.refresh_from_db()
    assert trail["event"].pgh_context.metadata == added


@pytest.mark.django_db(transaction=False)
def test_the_app_role_owns_nothing_and_may_truncate_nothing():
    login = app_login()
    with login, login.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            " AND has_table_privilege(current_user, c.oid, 'TRUNCATE')"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT privilege_type FROM information_schema.table_privileges"
            " WHERE grantee = current_user AND table_name = 'pghistory_context' ORDER BY 1"
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]  # UPDATE: two columns only
        cursor.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
            " FROM information_schema.table_privileges WHERE grantee = current_user"
            " AND table_name IN ('audit_authevent', 'audit_personaldatareveal', 'centers_servicecenterevent',"
            " 'centers_proxyrequesttimelineevent') GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [
            ("audit_authevent", "INSERT,SELECT"),
            ("audit_personaldatareveal", "INSERT,SELECT"),
            ("centers_proxyrequesttimelineevent", "DELETE,INSERT,SELECT,UPDATE"),  # frozen by its trigger
            ("centers_servicecenterevent", "INSERT,SELECT"),
        ]
    login.close()


def test_the_portal_works_as_the_app_role_and_records_who_acted(trail):
    """A page's write as the app role, in autocommit (several transactions share one context): the record,
    its event and the context with actor, URL and address are written."""
    center = ServiceCenter.objects.get(pk=trail["event"].pgh_obj_id)
    clerk = trail["event"].pgh_context.metadata["user"]
    from accounts.models import User

    with portal_as_app_role():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, session_user, rolsuper FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (app_role(), app_role(), False)
        client = build_client(User.objects.get(pk=clerk))
        response = client.post(
            f"/centers/{center.pk}/edit/", edit_data(center, address="胜利路2号"), REMOTE_ADDR="10.9.8.7"
        )
        assert response.status_code == 302
        event = ServiceCenterEvent.objects.filter(pgh_obj=center, address="胜利路2号").get()
        metadata = event.pgh_context.metadata
        assert (metadata["user"], metadata["url"], metadata["ip"]) == (
            clerk,
            f"/centers/{center.pk}/edit/",
            "10.9.8.7",
        )
        assert AuthEvent.objects.filter(kind="login", user_id=clerk).exists()


def build_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=False)
def test_the_deploy_check_warns_when_the_portal_would_run_as_the_owner():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k3J9!xQ2@vL8#pR5$wT1^yU7&zA4*bC6(dE0)fG-hI_jK+lM=nO",
        DJANGO_ALLOWED_HOSTS="portal.example.cn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    root = Path(__file__).resolve().parents[2]
    alone = subprocess.run(check, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert alone.returncode != 0 and "audit.W001" in alone.stdout + alone.stderr
    env["DATABASE_OWNER_URL"] = env["DATABASE_URL"]
    same = subprocess.run(check, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert same.returncode != 0 and "audit.W002" in same.stdout + same.stderr

"""The personas world (county, townships A and B, villages A1, A2, B1) and helpers shared by all tests.

The world is built once per test module inside an outer transaction; each test runs in a savepoint of
it (pytest-django's ``db``) and gets fresh copies of the world's rows, so nothing a test writes or
caches reaches the next one. Browser and worker tests (``transactional_db``) build their own world
after the flush: see tests/browser/conftest.py.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, fields

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from accounts.models import User
from audit.database_roles import owner_connection
from centers.standards import service_items_ensure, standard_lists_ensure
from decisions.standards import categories_ensure
from regions.models import Region
from regions.permissions import region_permissions_ensure
from regions.roles import Role
from regions.services import post_grant, regions_import
from spreadsheets.reading import Row

PASSWORD = "Test#Pass2026"

DIVISIONS = [
    ("419901000000", "测试县"),
    ("419901101000", "安乐镇"),
    ("419901101201", "白马村"),
    ("419901101202", "张庄村"),
    ("419901102000", "柳河乡"),
    ("419901102201", "李楼村"),
]


def rows_of(table) -> list[Row]:
    return [Row(number=i, cells=tuple(cells)) for i, cells in enumerate(table, start=2)]


def make_user(username: str, role: str | None = None, region: Region | None = None, **extra) -> User:
    user = User(
        username=username, real_name=extra.pop("real_name", username), must_change_password=False, **extra
    )
    user.set_password(PASSWORD)
    user.save()
    if role:
        post_grant(actor=None, user=user, role=role, region=region)
    return user


@dataclass
class World:
    county: Region
    township_a: Region
    township_b: Region
    village_a1: Region
    village_a2: Region
    village_b1: Region
    sysadmin: User
    county_admin: User
    township_a_officer: User
    township_b_officer: User
    village_a1_clerk: User
    village_a1_readonly: User

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def fresh(self) -> World:
        """New instances of the same rows (two queries): a test's in-memory changes and cached grants
        stay with that test."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        regions = Region.objects.in_bulk([v.pk for v in values.values() if isinstance(v, Region)])
        users = User.objects.in_bulk([v.pk for v in values.values() if isinstance(v, User)])
        return World(
            **{name: (regions if isinstance(v, Region) else users)[v.pk] for name, v in values.items()}
        )


def build_world() -> World:
    # Browser and worker tests flush the database, data migrations included: restore the standard lists
    # and the systems' region permissions (created after migrate).
    standard_lists_ensure()
    service_items_ensure()
    categories_ensure()
    region_permissions_ensure()
    regions_import(rows=rows_of(DIVISIONS))
    r = {region.code: region for region in Region.objects.all()}
    county, ta, tb = r["419901000000"], r["419901101000"], r["419901102000"]
    a1, a2, b1 = r["419901101201"], r["419901101202"], r["419901102201"]
    return World(
        county=county,
        township_a=ta,
        township_b=tb,
        village_a1=a1,
        village_a2=a2,
        village_b1=b1,
        sysadmin=make_user("sysadmin", Role.SYSTEM_ADMIN, county, is_superuser=True, is_staff=True),
        county_admin=make_user("county_admin", Role.COUNTY_ORGANIZATION, county),
        township_a_officer=make_user("township_a_officer", Role.TOWNSHIP_ORGANIZATION, ta),
        township_b_officer=make_user("township_b_officer", Role.TOWNSHIP_ORGANIZATION, tb),
        village_a1_clerk=make_user("village_a1_clerk", Role.VILLAGE_SECRETARY, a1),
        village_a1_readonly=make_user("village_a1_readonly", Role.GRID_WORKER, a1),
    )


class _OwnerLogin:
    """The test database is created, migrated and dropped by the owner; the tests run as the app role."""

    login = None

    @classmethod
    def enter(cls) -> None:
        if cls.login is None:
            cls.login = owner_connection()
            cls.login.__enter__()

    @classmethod
    def exit(cls) -> None:
        if cls.login is not None:
            cls.login.__exit__(None, None, None)
            cls.login = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    _OwnerLogin.enter()
    yield
    _OwnerLogin.exit()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    _OwnerLogin.exit()
    yield
    _OwnerLogin.enter()


@contextmanager
def owner_role():
    """Inside a test's transaction, act as the owner: the test's own time travel on a frozen row or a migration
    run backwards. The app role may not do either (audit/database_roles.py)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (before,) = cursor.fetchone()
        cursor.execute(f"SET ROLE {connection.ops.quote_name(settings.DATABASE_OWNER['USER'])}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # Back to the role before (nestable: triggers_off inside owner_role keeps the owner).
            cursor.execute(f"SET ROLE {connection.ops.quote_name(before)}")


@contextmanager
def triggers_off(*uris: str):
    """``pgtrigger.ignore`` as the owner: the app role's ``pgtrigger.ignore`` is not heard."""
    import pgtrigger

    with owner_role(), pgtrigger.ignore(*uris):
        yield


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world, built once for the module in an outer transaction that is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db) -> World:
    return module_world.fresh()


def png_bytes(size=(40, 30), color=(200, 20, 20), fmt="PNG", extra: bytes = b"") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue() + extra


def xlsx_bytes(rows: list[tuple]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The test cache is per process; cached pages and counters must not outlive the test's database."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _region_cache_bumps_at_once(monkeypatch):
    """core.region_cache bumps its versions after commit, and a test's transaction is rolled back, never
    committed: here the bumps run at once, so that a page read after a write in the same test is fresh.
    tests/core/test_cache_outage.py overrides this fixture to prove the after-commit order itself."""
    from types import SimpleNamespace

    from core import region_cache

    monkeypatch.setattr(region_cache, "transaction", SimpleNamespace(on_commit=lambda bump, robust: bump()))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

"""The permission matrix: every URL pattern of the project, for every role, on an object in and out of scope.

The rules and the world are the engine's (tests/permissions/engine.py); each app's expectations are in
tests/<app>/permissions.py. The world is built once for the module inside an outer transaction; each case
runs in its own savepoint (pytest-django's ``db``), so state-changing POSTs don't leak between cases.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from auditlog.forms import record_types
from core import registry
from tests.permissions import engine

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ctx(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield engine.build_ctx()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the conftest's per-test MEDIA_ROOT: the module's files live in the module's directory."""
    yield


def test_every_url_pattern_has_an_entry():
    problems = engine.coverage_problems()
    assert not problems, "\n".join(problems)


def test_every_entry_covers_every_role():
    problems = engine.role_problems()
    assert not problems, "\n".join(problems)


def test_every_registered_app_has_entries_menu_and_audit_labels():
    problems = engine.registry_problems(
        registry.contributions(),
        matrix_keys=engine.MATRIX,
        record_types=record_types(),
        modules=engine.APP_MODULES,
    )
    assert not problems, "\n".join(problems)


def test_the_registry_check_fails_for_an_app_left_out():
    """The check above can fail: an app registered without entries, module or menu pages in the matrix,
    or whose audited records the audit log does not offer, is named."""
    fake = registry.Contribution(app_label="matrixfake", nav=(registry.NavItem("假页面", "matrixfake:list"),))
    problems = engine.registry_problems(
        [fake], matrix_keys=engine.MATRIX, record_types=record_types(), modules=engine.APP_MODULES
    )
    assert any("matrixfake:list" in p for p in problems), problems
    assert any("tests/matrixfake/permissions.py" in p for p in problems), problems

    centers = registry.contribution_of("centers")
    nav_key = centers.nav[0].url_name
    without = {label: module for label, module in engine.APP_MODULES.items() if label != "centers"}
    problems = engine.registry_problems(
        [centers],
        matrix_keys=set(engine.MATRIX) - {nav_key},
        record_types=[
            (value, label) for value, label in record_types() if value != "centers.ProxyRequestEvent"
        ],
        modules=without,
    )
    assert any(nav_key in p for p in problems), problems
    assert any("tests/centers/permissions.py" in p for p in problems), problems
    assert any("centers.ProxyRequestEvent" in p and "missing" in p for p in problems), problems

    unlabelled = [
        (value, value if value == "centers.ProxyRequestEvent" else label) for value, label in record_types()
    ]
    problems = engine.registry_problems(
        [centers], matrix_keys=engine.MATRIX, record_types=unlabelled, modules=engine.APP_MODULES
    )
    assert any("centers.ProxyRequestEvent" in p and "labelled" in p for p in problems), problems


@pytest.mark.parametrize(
    ("key", "role"), [pytest.param(key, role, id=f"{key}|{role}") for key, role in engine.CASES]
)
def test_permission_matrix(ctx, key, role):
    problems = engine.case_problems(ctx, key, role)
    assert not problems, f"{key} as {role}:\n  " + "\n  ".join(problems)

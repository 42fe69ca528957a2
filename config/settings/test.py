"""Test settings: the real PostgreSQL and Redis on 127.0.0.1, fast hashing, tasks eager."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")

from pathlib import Path  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("TEST_MEDIA_ROOT", default=str(Path(tempfile.gettempdir()) / "portal-test-media")))
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The suite runs as the app role (audit/database_roles.py): DATABASE_URL's role, which may create databases and
# roles, is the owner that creates, migrates and flushes the test database (tests/conftest.py); every other
# connection logs in with it and takes the app role at once, so each query is held to the app role's grants.
# (tests/audit/test_database_roles.py also logs in as the app role itself, as the portal does in production.)
DATABASE_OWNER = DATABASE_OWNER or {**DATABASES["default"]}  # noqa: F405
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="portal_app")
DATABASES["default"]["OPTIONS"] = {"options": f"-c role={DATABASE_APP_ROLE}"}  # noqa: F405
ALLOWED_HOSTS = ["*"]

"""Local first-look settings: embedded PostgreSQL unless DATABASE_URL is set, tasks in-process."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-insecure-key-only-for-the-demo")
os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, env  # noqa: E402

if not env("DATABASE_URL", default=""):
    from config.embedded_db import APP_ROLE, embedded_database

    # As in production (audit/database_roles.py): migrate runs as the owner, the server as the app role.
    DATABASE_OWNER = embedded_database(BASE_DIR / ".pgdata")
    DATABASE_APP_ROLE = APP_ROLE
    # The base settings' connection options (health checks, persistent connections) with the embedded server.
    DATABASES = {"default": {**DATABASES["default"], **DATABASE_OWNER, "USER": APP_ROLE}}  # noqa: F405
    # The embedded server's wheel is built without ICU: sort names by GB18030 bytes instead.
    PINYIN_ORDER = "gb18030"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

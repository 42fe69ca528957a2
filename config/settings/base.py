"""Base settings shared by every environment. Values come from the environment (django-environ).

See https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
import pghistory
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Internationalization: https://docs.djangoproject.com/en/5.2/topics/i18n/
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Chinese for third-party strings that ship without it (django-axes' models in the admin); first in the lookup.
LOCALE_PATHS = [BASE_DIR / "locale"]

# ------------------------------------------------------------------------------
# Apps
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.apps.RunserverNostaticConfig",  # whitenoise.runserver_nostatic
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third-party apps under Chinese names (config/apps.py); django-celery-beat has its own.
    "config.apps.GuardianConfig",
    "config.apps.AxesConfig",
    "pgtrigger",  # named in config.apps.PGHistoryConfig: pghistory's check wants this exact entry
    "config.apps.PGHistoryConfig",
    "config.apps.HtmxConfig",
    "config.apps.FiltersConfig",
    "django_celery_beat",
    # Project apps, lowest layer first: an app imports only from apps listed before it (the contracts in
    # pyproject.toml, checked by `make lint`). A new system is one line here and one in config/urls.py.
    "accounts",
    "audit",
    "notifications",
    "spreadsheets",
    "uploads",
    "backups",
    "core",
    "regions",
    "centers",
    "decisions",
    "mediation",
    "auditlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",  # no-store on signed-in pages and views marked personal_data
    "accounts.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AbsoluteSessionLifetimeMiddleware",  # after messages: it leaves one for the login page
    "accounts.middleware.PasswordChangeRequiredMiddleware",  # after the 12 hours: an expired session signs out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # axes must be last: it turns lockouts into its response
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "regions.context_processors.navigation",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database: PostgreSQL only. https://docs.djangoproject.com/en/5.2/ref/databases/#postgresql-notes
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection that the server dropped (a PostgreSQL restart) is checked and replaced at the
# start of the next request, instead of failing that request with a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Two roles (audit/database_roles.py, README "数据库角色"): DATABASE_URL is the app role the web and worker
# processes use, which owns nothing; DATABASE_OWNER_URL, the owner of every table, is used only by
# `manage.py migrate` and `flush`, which then grant the app role what it may do. Without it (a single-role
# trial) migrate runs as DATABASE_URL's role and grants nothing.
DATABASE_OWNER = env.db("DATABASE_OWNER_URL") if env("DATABASE_OWNER_URL", default="") else None
DATABASE_APP_ROLE = DATABASES["default"]["USER"]

# ------------------------------------------------------------------------------
# Authentication: custom user, guardian object permissions, axes lockout
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrPhoneBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # No reuse of the current password or the 5 before it (等保 2.0 level 3); it also records the history.
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"remember": 5}},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# django-axes: https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Attempts and lockouts in the database (axes' default, stated here): a cache outage neither fails a
# login nor lifts a lockout.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Lock by username only: a township's cadres share one public IP.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# axes.W006 warns that locking by username alone lets an attacker rotate agents; that is the
# chosen trade-off (a shared township IP must not lock everyone out), so the check is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "accounts.axes.canonical_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client address (audit.context.client_address) is REMOTE_ADDR unless TRUSTED_PROXY_COUNT reverse
# proxies are declared; X-Forwarded-For from the client is never trusted by default. (axes' own ipware
# route needs the optional django-ipware package, which is not installed: without it the count did nothing.)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "audit.context.client_address"

# Idle sessions end after 30 minutes: activity slides the expiry, refreshed at most once a minute
# (accounts.middleware.SlidingSessionMiddleware) rather than written on every request.
SESSION_COOKIE_AGE = 30 * 60
# Read from the cache (Redis in production), written through to the database: no session query per page;
# while Redis is down, sessions are read from the database (core.cache passes the cache over).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
# Whatever the activity, a session ends 12 hours after sign-in (accounts.middleware.AbsoluteSessionLifetimeMiddleware).
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# ------------------------------------------------------------------------------
# Static and media
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: photos go through a scoped view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# ------------------------------------------------------------------------------
# Celery: https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker the tasks run in-process (the embedded first-look setup).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job, in one place; django-celery-beat copies these into its tables at start.
CELERY_BEAT_SCHEDULE = {
    "checklist-reminders-weekly": {
        "task": "centers.tasks.checklist_reminders_send",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "proxy-request-reminders-daily": {
        "task": "centers.tasks.proxy_request_reminders_send",
        "schedule": crontab(minute=0, hour=8),
    },
    "decision-reminders-daily": {
        "task": "decisions.tasks.decision_reminders_send",
        "schedule": crontab(minute=30, hour=7),
    },
    "mediation-reminders-daily": {
        "task": "mediation.tasks.mediation_reminders_send",
        "schedule": crontab(minute=45, hour=7),
    },
    "duty-reminders": {"task": "centers.tasks.duty_reminders_send", "schedule": crontab(minute="*/5")},
    "duty-absences": {"task": "centers.tasks.duty_absences_mark", "schedule": crontab(minute="*/5")},
    "notifications-deliver-pending": {
        "task": "notifications.tasks.notifications_deliver_pending",
        "schedule": crontab(minute="*/10"),
    },
    "export-jobs-resume": {
        "task": "spreadsheets.tasks.export_jobs_resume",
        "schedule": crontab(minute="*/5"),
    },
    "import-jobs-resume": {
        "task": "spreadsheets.tasks.import_jobs_resume",
        "schedule": crontab(minute="*/5"),
    },
}

# ------------------------------------------------------------------------------
# Email
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="党群服务中心平台 <noreply@localhost>")

# ------------------------------------------------------------------------------
# Audit: django-pghistory triggers on every domain table, append-only event tables
# ------------------------------------------------------------------------------
PGHISTORY_DEFAULT_TRACKERS = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
PGHISTORY_APPEND_ONLY = True
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
# The request context (actor, URL, address) is attached to the writes of these methods; GET requests change
# no audited record, and skipping them spares every query of every page the context's set_config.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Triggers live in migrations, except those on auto-created M2M tables (centers.ServiceCenter.rooms),
# which pgtrigger installs after every migrate.
PGTRIGGER_INSTALL_ON_MIGRATE = True

# ------------------------------------------------------------------------------
# Security headers (production turns on the HTTPS ones)
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4: https://django-csp.readthedocs.io/en/latest/configuration.html).
# Scripts and styles come from the site's own files only: no inline script, handler or style attribute in any
# template (static/js/portal.js carries the small behaviours); images from the site and data: URIs (Bootstrap's
# form icons); the QR codes are inline SVG, which no directive governs. No framing, forms post to the site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# ------------------------------------------------------------------------------
# Domain configuration
# ------------------------------------------------------------------------------
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# manage.py backup / restore (backups app; README "Backups"): where archives go and how many are kept.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "backup-archives")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
# The database backup and restore connect to: the role that owns the tables (empty: DATABASE_URL).
BACKUP_DATABASE_URL = env("BACKUP_DATABASE_URL", default="")
PG_BIN_DIR = env("PG_BIN_DIR", default="")  # pg_dump/pg_restore to use; found automatically when empty
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# How names sort by pinyin: "icu" (zh-x-icu collation) or "gb18030" for a server built without ICU.
PINYIN_ORDER = env("PINYIN_ORDER", default="icu")
SITE_NAME = "村级党群服务中心工作平台"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

"""config.settings.production for the throughput run (bench/run.py starts gunicorn with it).

Two changes: STATIC_ROOT points into the bench's output directory, so that ``collectstatic`` (which
the manifest storage needs, as the Dockerfile runs it) does not write into the repository; and the URLconf
is bench/urls.py, the application's own URLs followed by one bare page of a given size (the yardstick the
application's pages are compared with). Everything else -- DEBUG off, Redis cache, persistent connections,
security settings, middleware, sessions -- is production's own, configured through the same environment
variables (DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL, ...).
"""

from __future__ import annotations

import os
from pathlib import Path

from config.settings.production import *  # noqa: F403

STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT", Path(__file__).resolve().parent / "out" / "staticfiles")
)
ROOT_URLCONF = "bench.urls"

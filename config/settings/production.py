"""Production settings: only overrides of base; everything else comes from the environment."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# core.cache.RedisCache: Django's, with one client per connection pool, passing over a Redis outage (see
# there why). Short socket timeouts: a Redis that hangs costs a page at most a second, not redis-py's 5 s.
CACHES = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

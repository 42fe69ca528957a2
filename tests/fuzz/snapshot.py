"""The database's state in one query: every table's row count and a checksum of its rows.

A rejected request (a form error, 400, 403, 404, 405) must leave it as it was. The checksum (a sum of
the rows' text hashes, independent of row order) catches updates as well as inserts and deletes.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

# Tables a refused request may write by design: sessions, the lockout's attempt log and the failed-login
# log (a wrong password is refused and recorded), the rate limiter's.
ALLOWED = (
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "audit_authevent",
)


@cache
def _query() -> str:
    tables = sorted(t for t in connection.introspection.table_names() if t not in ALLOWED)
    parts = [
        f"SELECT '{t}' AS t, count(*) AS n, coalesce(sum(hashtext(x::text)::bigint), 0) AS h FROM \"{t}\" x"
        for t in tables
    ]
    return " UNION ALL ".join(parts)


def snapshot() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_query())
        return {t: (n, h) for t, n, h in cursor.fetchall()}


def changes(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ, with their counts before and after."""
    return [
        f"{t} ({before[t][0]} -> {after[t][0]} rows)" for t in sorted(before) if before[t] != after.get(t)
    ]

"""Backfills ProxyRequest.original_promised_date: the promise made at 受理, as the accept event recorded
it (a request rescheduled before 改期 needed approval keeps its first promise), else the promise in force.

The audit history rows written before the column existed get the same value (their request's, or their
own promised date for a request since deleted), so the column can be NOT NULL there too: the append-only
trigger is set aside for that one statement, which fills a new column and changes no recorded value."""

from django.db import migrations

BACKFILL = """
UPDATE centers_proxyrequest AS r
SET original_promised_date = COALESCE(
    (
        SELECT (e.payload ->> 'promised_date')::date
        FROM centers_proxyrequesttimelineevent AS e
        WHERE e.proxy_request_id = r.id AND e.kind = 'accept' AND e.payload ? 'promised_date'
        ORDER BY e.id
        LIMIT 1
    ),
    r.promised_date
)
WHERE r.original_promised_date IS NULL
"""

HISTORY = """
ALTER TABLE centers_proxyrequestevent DISABLE TRIGGER pgtrigger_append_only_227ec;
UPDATE centers_proxyrequestevent AS ev
SET original_promised_date = COALESCE(
    (SELECT r.original_promised_date FROM centers_proxyrequest AS r WHERE r.id = ev.pgh_obj_id),
    ev.promised_date
)
WHERE ev.original_promised_date IS NULL;
ALTER TABLE centers_proxyrequestevent ENABLE TRIGGER pgtrigger_append_only_227ec;
"""


class Migration(migrations.Migration):
    dependencies = [("centers", "0006_proxyrequest_original_promise_and_extension")]

    operations = [
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(HISTORY, reverse_sql=migrations.RunSQL.noop),
    ]

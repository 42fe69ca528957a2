"""A trigger on pghistory_context: who, from where and which URL, once written, never change.

pghistory's ``_pgh_attach_context()`` upserts the request's context row on every audited write
(``INSERT ... ON CONFLICT (id) DO UPDATE SET metadata, updated_at``), so the app role keeps UPDATE on those two
columns (audit/database_roles.py). A request in autocommit spans several transactions with one context id, and
a nested ``pghistory.context()`` may add entries: so an update of a row written by an earlier transaction may
add entries but not change or remove one. ``created_at`` is the writing transaction's ``now()``, whatever the
INSERT says, which is how a row of the current transaction is told from an older one.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION audit_context_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.updated_at := now();
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'pghistory_context %: id and created_at never change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.created_at <> now() AND EXISTS (
        SELECT 1 FROM jsonb_each(OLD.metadata) AS old_entry(key, value)
        WHERE NEW.metadata -> old_entry.key IS DISTINCT FROM old_entry.value
    ) THEN
        RAISE EXCEPTION 'pghistory_context %: an earlier transaction''s context cannot be rewritten', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_context_guard ON pghistory_context;
CREATE TRIGGER audit_context_guard BEFORE INSERT OR UPDATE ON pghistory_context
    FOR EACH ROW EXECUTE FUNCTION audit_context_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS audit_context_guard ON pghistory_context;
DROP FUNCTION IF EXISTS audit_context_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [migrations.RunSQL(GUARD, UNGUARD)]

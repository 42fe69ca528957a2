"""Migration operations the project's migrations share."""

from __future__ import annotations

from django.db import migrations


class AddConstraintNotValid(migrations.AddConstraint):
    """Adds a check constraint that PostgreSQL enforces on every row written from now on without re-checking
    the rows already stored (``NOT VALID``). For limits added to frozen records: a row stored before the limit
    existed (minutes of 200,000 characters) can never be trimmed, and must not make ``migrate`` fail."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")

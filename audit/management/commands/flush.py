"""``manage.py flush`` (and the test runner's flush) as the owner: the app role may not TRUNCATE."""

from __future__ import annotations

from django.core.management.commands import flush

from audit.database_roles import app_role_grant, owner_connection


class Command(flush.Command):
    def handle(self, **options):
        with owner_connection(options["database"]):
            super().handle(**options)
            # The flush's post_migrate reinstalls pgtrigger's functions.
            app_role_grant(options["database"])

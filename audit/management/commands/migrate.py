"""``manage.py migrate`` as the owner of the tables, then the app role's grants (audit/database_roles.py)."""

from __future__ import annotations

from django.core.management.commands import migrate

from audit.database_roles import app_role_ensure, app_role_grant, owner_connection, owner_role_is_separate


class Command(migrate.Command):
    def handle(self, *args, **options):
        from django.conf import settings

        app_password = settings.DATABASES[options["database"]].get(
            "PASSWORD"
        )  # before the owner's replace it
        with owner_connection(options["database"]):
            if owner_role_is_separate():
                app_role_ensure(options["database"], password=app_password)
            super().handle(*args, **options)
            # After post_migrate, which reinstalls pgtrigger's functions.
            app_role_grant(options["database"])

"""Re-applies the app role's database privileges (migrate and flush already do this)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from audit.database_roles import app_role_grant, owner_connection, owner_role_is_separate


class Command(BaseCommand):
    help = "以表的所有者身份重新授予应用数据库角色的权限（migrate 和 flush 之后会自动执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        if not owner_role_is_separate():
            self.stdout.write("未设置 DATABASE_OWNER_URL，或它与 DATABASE_URL 是同一角色：无需授权。")
            return
        with owner_connection(options["database"]):
            app_role_grant(options["database"])
        self.stdout.write(self.style.SUCCESS("已授予应用角色权限。"))

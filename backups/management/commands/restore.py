"""``manage.py restore ARCHIVE``: an archive of ``backup`` into an empty database and media folder."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, Database, backup_restore


class Command(BaseCommand):
    help = "从备份压缩包恢复数据库和上传文件目录；目标数据库须为空，除非加 --force。恢复后逐表核对行数。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份压缩包（backup-YYYYMMDD-HHMM.tar.gz）")
        parser.add_argument(
            "--database-url",
            default="",
            help="目标数据库地址（默认BACKUP_DATABASE_URL，未设置则为DATABASE_OWNER_URL，再次为DATABASE_URL；应使用拥有全部表的账号）",
        )
        parser.add_argument(
            "--media-root", default=str(settings.MEDIA_ROOT), help="上传文件目录（默认MEDIA_ROOT）"
        )
        parser.add_argument(
            "--force", action="store_true", help="目标数据库或文件目录不为空时仍然恢复（删除现有表）"
        )

    def handle(self, *args, **options):
        try:
            manifest = backup_restore(
                archive_path=Path(options["archive"]),
                database=Database.from_settings(
                    options["database_url"] or settings.BACKUP_DATABASE_URL or None
                ),
                media_root=Path(options["media_root"]),
                force=options["force"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"恢复完成：{len(manifest['tables'])}张表的行数与备份一致，{manifest['media_files']}个文件"
            f"（备份于{manifest['created_at']}）。"
        )

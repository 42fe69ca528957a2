"""``manage.py backup``: the database and the media folder in one dated archive (backups.archive)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, Database, backup_create


class Command(BaseCommand):
    help = "备份数据库（pg_dump自定义格式）和上传文件目录，写成一个带日期的压缩包，只保留最近N份。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="备份目录（默认BACKUP_DIR）")
        parser.add_argument(
            "--keep", type=int, default=settings.BACKUP_KEEP, help="保留最近几份（默认BACKUP_KEEP）"
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="数据库地址（默认BACKUP_DATABASE_URL，未设置则为DATABASE_OWNER_URL，再次为DATABASE_URL；应使用拥有全部表的账号）",
        )
        parser.add_argument(
            "--media-root", default=str(settings.MEDIA_ROOT), help="上传文件目录（默认MEDIA_ROOT）"
        )

    def handle(self, *args, **options):
        try:
            path, manifest = backup_create(
                folder=Path(options["dir"]),
                keep=options["keep"],
                database=Database.from_settings(
                    options["database_url"] or settings.BACKUP_DATABASE_URL or None
                ),
                media_root=Path(options["media_root"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"备份完成：{path}（{len(manifest['tables'])}张表，{rows}行，{manifest['media_files']}个文件）"
        )

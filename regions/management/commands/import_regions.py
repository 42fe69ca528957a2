from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.context import task_context
from regions.imports import REGIONS
from regions.services import regions_import
from spreadsheets.imports import import_rows
from spreadsheets.reading import TableReadError


class Command(BaseCommand):
    help = "导入统计用区划代码表（CSV：UTF-8或GBK；或XLSX；第一行为表头；两列：代码、名称）。全部成功或全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            rows = import_rows(REGIONS, file.read_bytes(), file.name)  # the upload page's limits
        except TableReadError as exc:
            raise CommandError(str(exc)) from exc
        with task_context("import_regions"):
            result = regions_import(rows=rows)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"文件有{len(result.errors)}处错误，未导入任何数据。")
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增{result.created}个，更名{result.renamed}个，未变{result.unchanged}个。"
            )
        )

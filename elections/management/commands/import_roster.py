"""`import_roster FILE.xlsx [--dry-run]`: load post holders of whole terms (花名册)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.policy import SYSTEM
from core.spreadsheets import SpreadsheetError, error_count, read_bytes
from elections import importers


class Command(BaseCommand):
    help = (
        "从花名册 Excel 导入任职：必填列 乡镇、村(社区)、届次、组织、职务、姓名、公民身份号码。"
        "全部正确才保存；同一文件重复导入不会产生重复任职。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, file, dry_run=False, **options):
        started = time.perf_counter()
        try:
            content = Path(file).read_bytes()
            sheet = read_bytes(content, file, importers.COLUMNS)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        result = importers.import_roster(sheet, dry_run=dry_run, actor=SYSTEM)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {error_count(result.errors)} 个问题，未保存任何数据")
        prefix = "检查通过（未保存）" if dry_run else "导入完成"
        self.stdout.write(
            f"{prefix}：{result.rows} 行；任职 新增 {result.seats_created}、"
            f"更新 {result.seats_updated}、未变 {result.seats_unchanged}；"
            f"人员 新增 {result.people_created}、更新 {result.people_updated}；"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )

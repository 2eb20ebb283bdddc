from django.core.management.base import BaseCommand, CommandError

from core.policy import SYSTEM
from core.spreadsheets import SpreadsheetError, error_count, read_path
from registry import importers


class Command(BaseCommand):
    help = "从 Excel 导入村(社区)：列 乡镇、村(社区)、区划代码，可选 县(市、区)、类型、并入。全部正确才保存。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            sheet = read_path(file, importers.COLUMNS)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        result = importers.import_villages(sheet, dry_run=dry_run, actor=SYSTEM)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {error_count(result.errors)} 个问题，未保存任何数据")
        prefix = "检查通过（未保存）" if dry_run else "导入完成"
        self.stdout.write(f"{prefix}：新增 {result.created} 个，更新 {result.updated} 个")

from django.core.management.base import BaseCommand, CommandError

from core.policy import SYSTEM
from core.spreadsheets import SpreadsheetError, error_count, read_path
from rounds import importers


class Command(BaseCommand):
    help = (
        "从 Excel 导入走访记录：列 乡镇、村(社区)、走访日期、走访人、走访户数、走访人数、"
        "座谈会次数、研判会次数、情况记录（docs/rounds.md）。全部正确才保存。"
    )
    columns = importers.VISIT_COLUMNS
    noun = "条走访记录"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def run(self, sheet, dry_run):
        return importers.import_visits(sheet, actor=SYSTEM, dry_run=dry_run)

    def handle(self, *args, file, dry_run=False, **options):
        try:
            sheet = read_path(file, self.columns)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        result = self.run(sheet, dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {error_count(result.errors)} 个问题，未保存任何数据")
        prefix = "检查通过（未保存）" if dry_run else "导入完成"
        self.stdout.write(f"{prefix}：{result.created} {self.noun}")

from core.policy import SYSTEM
from rounds import importers

from .import_visits import Command as VisitCommand


class Command(VisitCommand):
    help = (
        "从 Excel 导入问题台账：列 乡镇、村(社区)、类型、来源、类别、问题描述、责任人/单位、"
        "发现日期、销号时限（docs/rounds.md）。全部正确才保存。"
    )
    columns = importers.PROBLEM_COLUMNS
    noun = "条问题"

    def run(self, sheet, dry_run):
        return importers.import_problems(sheet, actor=SYSTEM, dry_run=dry_run)

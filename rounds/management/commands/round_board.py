"""Print the round's progress board: `round_board --term 2026 [--scope CODE] [--as-of DATE]
--json` (the step codes are in docs/rounds.md)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from core import policy
from registry.models import County, Township

from ... import selectors
from ...models import Round


class Command(BaseCommand):
    help = "打印换届进度看板：各村在各步骤的状态（--json 输出 JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--term", type=int, required=True, help="届次年份，如 2026")
        parser.add_argument("--scope", default="", help="县（6 位）或乡镇（9 位）区划代码")
        parser.add_argument("--as-of", default="", help="截至日期 YYYY-MM-DD（按历史还原）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, term, scope, as_of, json: bool = False, **options):
        as_of_day = None
        if as_of:
            try:
                as_of_day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of 应为 YYYY-MM-DD：{as_of}") from None
        rounds = Round.objects.filter(term__year=term).select_related("county", "term")
        township = None
        if len(scope) == 9:
            township = Township.objects.filter(code=scope).first()
            if township is None:
                raise CommandError(f"没有区划代码为 {scope} 的乡镇")
            rounds = rounds.filter(county_id=township.county_id)
        elif scope:
            if not County.objects.filter(code=scope).exists():
                raise CommandError(f"没有区划代码为 {scope} 的县")
            rounds = rounds.filter(county__code=scope)
        round_ = rounds.order_by("county__code").first()
        if round_ is None:
            raise CommandError(f"{term} 年届没有换届工作计划")
        result = selectors.board(round_, user=policy.SYSTEM, as_of=as_of_day, township=township)
        data = selectors.board_json(result)
        if json:
            self.stdout.write(_dumps(data))
            return
        for step in data["steps"]:
            self.stdout.write(
                f"{step['code']:<20} {step['label']:<16} 完成 {step['done']:>4}  进行中 "
                f"{step['in_progress']:>4}  未开始 {step['not_started']:>4}  逾期 "
                f"{step['overdue']:>4}  不适用 {step['not_applicable']:>4}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)

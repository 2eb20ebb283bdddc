"""Print the composition figures of one scope in one term (the object the API returns)."""

import json

from django.core.management.base import BaseCommand, CommandError

from composition import selectors, services
from composition.choices import ScopeKind
from composition.models import CompositionSnapshot
from registry.models import County


class Command(BaseCommand):
    help = "两委结构统计：打印某届某区划的指标（默认本县），--json 输出与接口相同的对象"

    def add_arguments(self, parser):
        parser.add_argument("--term", required=True, help="届次年份，如 2021")
        parser.add_argument("--scope", help="区划代码（县 6 位、乡镇 9 位、村 12 位）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument(
            "--recompute", action="store_true", help="先重新计算本届（否则读取已存的结果）"
        )

    def handle(self, *args, term, scope=None, json=False, recompute=False, **options):
        try:
            term_obj = selectors.resolve_term(term)
        except selectors.ScopeNotFound:
            raise CommandError(f"没有 {term} 年届次") from None
        if scope is None:
            codes = list(County.objects.values_list("code", flat=True)[:2])
            if len(codes) != 1:
                raise CommandError("有多个县，请用 --scope 指定区划代码")
            scope = codes[0]
        if recompute or not CompositionSnapshot.objects.filter(term=term_obj).exists():
            services.composition_recompute(term_id=term_obj.pk)
        try:
            row = selectors.scope_row(None, term_obj, scope)
        except selectors.ScopeNotFound:
            raise CommandError(f"区划代码 {scope} 没有统计结果") from None
        value = row.figures
        if json:
            self.stdout.write(_dumps(value))
            return
        self.stdout.write(
            f"{row.scope_name}（{ScopeKind(row.scope_kind).label} {row.scope_code}）"
            f"{term_obj.year} 年届，计算于 {row.computed_at:%Y-%m-%d %H:%M}"
        )
        for name, label in (("secretaries", "书记"), ("members", "两委成员")):
            fig, prev = value[name], value["previous"][name]
            self.stdout.write(
                f"{label}：{fig['count']} 人，平均年龄 {fig['avg_age']}（上届 {prev['avg_age']}）"
            )
        for target in value["targets"]:
            mark = {True: "达成", False: "未达成", None: "—"}[target["met"]]
            self.stdout.write(
                f"  {target['label']}：{target['before']} → {target['after']}  {mark}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)

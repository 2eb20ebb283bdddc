"""Count and store the dashboards' training coverage cards (composition.coverage) of every
county and township, for one term or all: after deploying the table, or to check."""

from django.core.management.base import BaseCommand, CommandError

from composition import coverage, selectors
from registry.models import Term


class Command(BaseCommand):
    help = "培训覆盖率：重新统计并保存各县、乡镇的新任“两委”履职培训覆盖率（默认所有届次）"

    def add_arguments(self, parser):
        parser.add_argument("--term", help="届次年份，如 2021（默认所有届次）")

    def handle(self, *args, term=None, **options):
        if term is not None:
            try:
                terms = [selectors.resolve_term(term)]
            except selectors.ScopeNotFound:
                raise CommandError(f"没有 {term} 年届次") from None
        else:
            terms = list(Term.objects.order_by("year"))
        for term_obj in terms:
            written = coverage.refresh_term(term_obj.pk)
            self.stdout.write(f"培训覆盖率：{term_obj.year} 年届 {written} 个范围已保存")

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.policy import SYSTEM
from registry.services import term_upsert


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "创建或更新一个届次：add_term YEAR --reference-date YYYY-MM-DD"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--reference-date", required=True, help="统计基准日 YYYY-MM-DD")
        parser.add_argument("--starts-on", help="开始日期 YYYY-MM-DD")
        parser.add_argument("--ends-on", help="结束日期 YYYY-MM-DD")

    def handle(self, *args, year, reference_date, starts_on=None, ends_on=None, **options):
        try:
            term, created = term_upsert(
                year=year,
                reference_date=_date(reference_date),
                starts_on=_date(starts_on) if starts_on else None,
                ends_on=_date(ends_on) if ends_on else None,
                actor=SYSTEM,
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        verb = "已创建" if created else "已更新"
        self.stdout.write(f"{verb} {term.year} 年届，统计基准日 {term.reference_date}")

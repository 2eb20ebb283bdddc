"""`manage.py election_report --term YEAR [--scope CODE] --json | --xlsx FILE`: the statutory
forms of a county, township or village, computed from the detail (docs/reports.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from registry.models import County, Term

from ... import selectors
from ...workbook import workbook_bytes


class Command(BaseCommand):
    help = "Print the statutory election forms as JSON, or write them as an XLSX workbook."

    def add_arguments(self, parser):
        parser.add_argument("--term", type=int, required=True, help="the term's year, e.g. 2021")
        parser.add_argument(
            "--scope", help="division code of a county (6), township (9) or village (12)"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--xlsx", metavar="FILE", help="write the workbook to FILE")

    def handle(self, *args, term, scope=None, json=False, xlsx=None, **options):
        found = Term.objects.filter(year=term).first()
        if found is None:
            raise CommandError(f"no term {term}")
        if scope is None:
            counties = list(County.objects.all()[:2])
            if len(counties) != 1:
                raise CommandError("--scope is required when there is not exactly one county")
            scope = counties[0].code
        where = selectors.scope_for_code(scope)
        if where is None:
            raise CommandError(f"no county, township or village with code {scope}")
        data = selectors.report(where, found)
        if xlsx:
            with open(xlsx, "wb") as out:
                out.write(workbook_bytes(data, preparer="election_report"))
        if json or not xlsx:
            self.stdout.write(_dumps(selectors.contract(data)))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)

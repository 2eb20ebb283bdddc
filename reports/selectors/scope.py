"""What a report covers (a county, a township or a village) and the villages that report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from core import policy
from registry.models import County, Term, Township, Village


@dataclass(frozen=True)
class Scope:
    """What a report covers: a county, a township or a village."""

    kind: str  # "county" | "township" | "village"
    obj: County | Township | Village

    @property
    def code(self) -> str:
        return self.obj.code

    @property
    def name(self) -> str:
        return self.obj.name

    def villages(self):
        if self.kind == "county":
            return Village.objects.filter(township__county=self.obj)
        if self.kind == "township":
            return Village.objects.filter(township=self.obj)
        return Village.objects.filter(pk=self.obj.pk)


def scope_for_code(code: str, user=None) -> Scope | None:
    """The county, township or village with division code `code`, if `user` may see it."""
    kinds = {6: ("county", County), 9: ("township", Township), 12: ("village", Village)}
    if len(code or "") not in kinds:
        return None
    kind, model = kinds[len(code)]
    if kind == "county" and user is not None and not policy.can(user, "report.read_county"):
        return None
    rows = model.objects.all() if user is None else model.objects.for_user(user)
    obj = rows.filter(code=code).first()
    return Scope(kind, obj) if obj else None


def reporting_villages(scope: Scope, term: Term) -> list[Village]:
    """The villages that report in `term`: those not merged away before it began."""
    before = term.starts_on or term.reference_date
    return list(
        scope.villages()
        .filter(Q(merged_into__isnull=True) | Q(merged_on__gte=before) | Q(merged_on__isnull=True))
        .select_related("township")
        .order_by("code")
    )


def unit_of(scope: Scope, village: Village) -> tuple[str, str]:
    if scope.kind == "county":
        return village.township.code, village.township.name
    return village.code, village.name


def with_merged_in(ids) -> dict[int, int | None]:
    """{village id: the village it was merged into, or None} of the villages `ids` and of
    those merged into them: one query on villages, so that the seats can then be read by
    village id on their index (a `village IN … OR village.merged_into IN …` on the seats
    scanned every seat of a province)."""
    ids = list(ids)
    return dict(
        Village.objects.filter(Q(pk__in=ids) | Q(merged_into__in=ids)).values_list(
            "pk", "merged_into_id"
        )
    )

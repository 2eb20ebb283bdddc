"""Every write to the registry: counties, townships, villages and terms."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.access import ensure_can_edit_township

from .choices import RiskClass, TownshipKind, VillageKind
from .models import County, Term, Township, Village


def township_kind_from_name(name: str) -> str:
    if name.endswith("街道"):
        return TownshipKind.SUBDISTRICT
    if name.endswith("乡"):
        return TownshipKind.TOWNSHIP
    return TownshipKind.TOWN


@transaction.atomic
def county_upsert(*, code: str, name: str) -> County:
    county = County.objects.filter(code=code).first() or County(code=code)
    county.name = name
    county.full_clean()
    county.save()
    return county


@transaction.atomic
def township_upsert(*, county: County, code: str, name: str) -> Township:
    township = Township.objects.filter(code=code).first() or Township(code=code)
    township.county = county
    township.name = name
    if not township.pk:
        township.kind = township_kind_from_name(name)
    township.full_clean()
    township.save()
    return township


@policy.requires_actor
@transaction.atomic
def village_create(
    *,
    township: Township,
    code: str,
    name: str,
    kind: str = VillageKind.VILLAGE,
    risk_class: str = RiskClass.GENERAL,
    risk_reason: str = "",
    risk_set_on: dt.date | None = None,
    actor,
) -> Village:
    ensure_can_edit_township(actor, township)
    village = Village(
        township=township,
        code=code,
        name=name,
        kind=kind,
        risk_class=risk_class,
        risk_reason=risk_reason,
        risk_set_on=risk_set_on,
    )
    village.full_clean()
    village.save()
    return village


@policy.requires_actor
@transaction.atomic
def village_update(*, village: Village, actor, **fields) -> Village:
    """Change a village's fields; a changed risk class records its date. The division code
    names the village everywhere (imports, other systems): it never changes. Nothing
    changed saves nothing: no empty change in the village's history (a re-import)."""
    village = Village.objects.select_for_update().get(pk=village.pk)
    ensure_can_edit_township(actor, village.township)
    if "code" in fields and fields["code"] != village.code:
        raise ValidationError({"code": _("区划代码不可修改")})
    old_risk = village.risk_class
    before = _stored_values(village)
    for name, value in fields.items():
        setattr(village, name, value)
    if "township" in fields:
        ensure_can_edit_township(actor, village.township)
    if village.risk_class != old_risk and "risk_set_on" not in fields:
        village.risk_set_on = dt.date.today()
    if _stored_values(village) == before:
        return village
    village.full_clean()
    village.save()
    return village


def _stored_values(instance) -> dict:
    """The column values a save would write (foreign keys by id), but the timestamps."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in ("created_at", "updated_at")
    }


@policy.requires_actor
@transaction.atomic
def village_merge(*, village: Village, into: Village, on: dt.date | None = None, actor):
    """Merge `village` into `into`: it stops being active but keeps its history."""
    return village_update(
        village=village,
        actor=actor,
        merged_into=into,
        merged_on=on or dt.date.today(),
        is_active=False,
    )


@policy.requires_actor
@transaction.atomic
def term_upsert(
    *,
    year: int,
    reference_date: dt.date,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    actor,
    create_only: bool = False,
) -> tuple[Term, bool]:
    """Create the term of `year` or update its dates; returns (term, created).

    Terms are the deployment's: administrators and county organizers open them (rule
    `term.manage`). `create_only` is opening a new round: a year already open, or more
    than a year ahead, is refused."""
    policy.ensure(actor, "term.manage", message=_("只有县委组织部或系统管理员可以开启届次"))
    term = Term.objects.select_for_update().filter(year=year).first()
    created = term is None
    if create_only:
        if not created:
            raise ValidationError({"year": _("%(year)s 年届已开启") % {"year": year}})
        if year > timezone.localdate().year + 1:
            raise ValidationError(
                {
                    "year": _("届次年份不能晚于明年（%(year)s）")
                    % {"year": timezone.localdate().year + 1}
                }
            )
    term = term or Term(year=year)
    term.reference_date = reference_date
    term.starts_on = starts_on or term.starts_on or reference_date
    term.ends_on = ends_on or term.ends_on
    term._history_user = policy.history_user(actor)
    term.full_clean()
    term.save()
    return term, created

"""A county's reference data for vetting: its negative list and its joint-review departments.

Both are created with the county (`county_reference_data_create`, called by
candidates.receivers), so that pages and the API only read them; county organizers edit them.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from registry.models import County

from ..choices import DEFAULT_DEPARTMENTS, DEFAULT_NEGATIVE_LIST
from ..models import NegativeListItem, ReviewDepartment


@transaction.atomic
def county_reference_data_create(*, county: County) -> None:
    """Give a new county its negative list and joint-review departments (the defaults), so
    that pages and the API only read them. Called when a county is created
    (candidates.receivers) and by a data migration for the counties that predate it."""
    negative_list_ensure(county=county)
    review_departments_ensure(county=county)


@transaction.atomic
def negative_list_ensure(*, county: County) -> list[NegativeListItem]:
    """The county's negative list, created from the defaults if it has none."""
    items = list(NegativeListItem.objects.filter(county=county).order_by("number"))
    if items:
        return items
    items = [
        NegativeListItem(county=county, number=number, text=text)
        for number, text in enumerate(DEFAULT_NEGATIVE_LIST, start=1)
    ]
    for item in items:
        item.full_clean(validate_constraints=False)  # a county without items: none clash
    return bulk_create_with_history(items, NegativeListItem)


def _ensure_county_organizer(actor, county) -> None:
    policy.ensure_can_manage_county(actor, county.pk, message=_("只有县委组织部可以修改"))


@policy.requires_actor
@transaction.atomic
def negative_item_save(
    *,
    county: County,
    text: str,
    number: int | None = None,
    active: bool = True,
    item: NegativeListItem | None = None,
    actor,
) -> NegativeListItem:
    """Add an item to the county's negative list, or change one (its text, number, active)."""
    _ensure_county_organizer(actor, county)
    negative_list_ensure(county=county)
    if item is None:
        if number is None:
            last = NegativeListItem.objects.filter(county=county).order_by("-number").first()
            number = (last.number + 1) if last else 1
        item = NegativeListItem(county=county)
    elif item.county_id != county.pk:
        raise PermissionDenied(_("只能修改本县的负面清单"))
    item.text = (text or "").strip()
    if number is not None:
        item.number = number
    item.active = active
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def review_departments_ensure(*, county: County) -> list[ReviewDepartment]:
    """The county's joint-review departments, created from the usual set if it has none."""
    rows = list(ReviewDepartment.objects.filter(county=county))
    if rows:
        return rows
    rows = [ReviewDepartment(county=county, department=d) for d in DEFAULT_DEPARTMENTS]
    for row in rows:
        row.full_clean(validate_constraints=False)  # a county without rows: none clash
    return bulk_create_with_history(rows, ReviewDepartment)


@policy.requires_actor
@transaction.atomic
def review_department_set(
    *, county: County, department: str, takes_part: bool, required: bool, actor
) -> ReviewDepartment:
    """Say whether a department takes part in the county's joint review and must pass."""
    _ensure_county_organizer(actor, county)
    review_departments_ensure(county=county)
    row, _created = ReviewDepartment.objects.get_or_create(county=county, department=department)
    row.takes_part = takes_part
    row.required = required and takes_part
    row.full_clean()
    row.save()
    return row

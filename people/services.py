"""Every write to people. The ID number is the identity: birth date and gender follow it."""

import datetime as dt
import operator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core import policy
from core.access import can_edit_person, can_edit_person_at, ensure_can_edit_township
from core.bulk import HistoryStamp, filter_in, insert_with_history
from core.concurrency import VersionConflict, bump_version, check_version
from registry.models import County, Village

from . import idnumbers
from .idnumbers import IdNumberError
from .models import Person
from .throttles import charge_id_lookups

PERSON_FIELDS = (
    "name",
    "ethnicity",
    "education_fulltime",
    "education_inservice",
    "political_status",
    "phone",
)


class PersonConflict(VersionConflict):
    """Another user saved the person since the form was opened."""


def check_identity(
    id_number: str, *, birth_date: dt.date | None = None, gender: str | None = None
) -> idnumbers.IdNumber:
    """Parse the ID number and cross-check a birth date and gender typed in beside it."""
    try:
        parsed = idnumbers.parse_id_number(id_number)
    except IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    errors = {}
    if birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = _("出生日期 %(typed)s 与身份证号码中的 %(parsed)s 不一致") % {
            "typed": f"{birth_date:%Y-%m-%d}",
            "parsed": f"{parsed.birth_date:%Y-%m-%d}",
        }
    if gender and gender != parsed.gender:
        errors["gender"] = _("性别与身份证号码（第 17 位）不一致")
    if errors:
        raise ValidationError(errors)
    return parsed


# -- people outside the actor's scope ---------------------------------------------------------
# Every door that finds a person by ID number (forms, nominations, the three uploads, the API)
# refuses one the actor may not change (core.access.can_edit_person_at) with this message. It
# admits that the number is registered — unavoidable, numbers are unique — and nothing more:
# neither the name nor the place of the person.


def out_of_scope_message() -> str:
    return _("该身份证号码已在其他乡镇登记，不能在本乡镇修改，请联系县委组织部")


def ensure_can_use_found_person(actor, person: Person, *, door: str = "person") -> None:
    """Refuse, on the ID number, a person found by their number whom `actor` may not change.
    The refusal admits the number exists: it counts as an ID search (people.throttles)."""
    if not can_edit_person(actor, person):
        charge_id_lookups(actor, 1, door=door)
        raise ValidationError({"id_number": out_of_scope_message()})


def digests_out_of_scope(
    actor, places: dict[str, tuple[int, int | None]], *, door: str = "upload"
) -> set[str]:
    """The digests among `places` (digest -> (county pk, township pk of the village, or
    None)) of people `actor` may not change: a whole import's batch judged in memory.
    Each is an ID search answered (people.throttles): raises IdLookupLimit, a
    ValidationError, when they do not fit in the actor's budget or it is spent."""
    if policy.is_system(actor) or policy.is_admin(actor):
        return set()
    outside = {
        key
        for key, (county_id, township_id) in places.items()
        if not can_edit_person_at(actor, county_id=county_id, township_id=township_id)
    }
    charge_id_lookups(actor, len(outside), door=door)
    return outside


def _check_unique(number: str, exclude_pk=None, actor=None) -> None:
    # Spent lookups refuse before the look-up, so that a new number and one registered
    # elsewhere get the same answer.
    charge_id_lookups(actor, 0, door="person")
    others = Person.objects.with_id_number(number).select_related("village")
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        ensure_can_use_found_person(actor, other)
        raise ValidationError({"id_number": _("该身份证号码已登记")})


@policy.requires_actor
@transaction.atomic
def person_create(
    *,
    id_number: str,
    name: str,
    county: County,
    village: Village | None = None,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    actor,
    **fields,
) -> Person:
    parsed = check_identity(id_number, birth_date=birth_date, gender=gender)
    if village is not None:
        ensure_can_edit_township(actor, village.township)
    elif not can_edit_person_at(actor, county_id=county.pk, township_id=None):
        raise PermissionDenied(_("您只能修改本乡镇的数据"))
    _check_unique(parsed.number, actor=actor)
    person = Person(
        name=name,
        county=county,
        village=village,
        birth_date=parsed.birth_date,
        gender=parsed.gender,
        **fields,
    )
    person.id_number = parsed.number
    person.full_clean(exclude=["id_number_digest"])
    person.save()
    return person


@policy.requires_actor
@transaction.atomic
def person_update(
    *,
    person: Person,
    actor,
    expected_version: int | None = None,
    id_number: str | None = None,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    **fields,
) -> Person:
    """Update a person; with `expected_version`, refuse if someone saved in between."""
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related("village__township")
        .get(pk=person.pk)
    )
    check_version(
        locked,
        expected_version,
        lambda: PersonConflict(_("该人员信息已被他人修改，请刷新后再编辑")),
    )
    if not can_edit_person(actor, locked):
        raise PermissionDenied(_("您只能修改本乡镇的数据"))
    number = id_number or locked.id_number
    parsed = check_identity(number, birth_date=birth_date, gender=gender)
    if id_number:
        _check_unique(parsed.number, exclude_pk=locked.pk, actor=actor)
        locked.id_number = parsed.number
    locked.birth_date = parsed.birth_date
    locked.gender = parsed.gender
    for name, value in fields.items():
        setattr(locked, name, value)
    if "village" in fields and fields["village"] is not None:
        ensure_can_edit_township(actor, fields["village"].township)
    bump_version(locked)  # the row is locked, so this cannot lose an increment
    locked.full_clean(exclude=["id_number_digest"])
    locked.save()
    return locked


@dataclass
class PersonData:
    """One person as an import row describes them; `None` fields are left as they are."""

    id_number: str  # already checked with parse_id_number
    name: str
    county_id: int
    birth_date: dt.date
    gender: str
    village_id: int | None = None
    ethnicity: str | None = None
    education_fulltime: str | None = None
    education_inservice: str | None = None
    political_status: str | None = None
    phone: str | None = None
    digest: str | None = None  # idnumbers.digest(id_number), if the caller has it already


OPTIONAL_FIELDS = (
    "ethnicity",
    "education_fulltime",
    "education_inservice",
    "political_status",
    "phone",
)
# What a new person is written with (COPY, or bulk_create on SQLite); the ID number is
# encrypted once per person, its digest is the identity.
_NEW_PERSON_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_digest",
    "county_id",
    "village_id",
    *OPTIONAL_FIELDS,
)


@policy.requires_actor
def persons_bulk_write(
    rows: list[PersonData],
    *,
    existing: dict[str, int] | None = None,
    actor,
    stamp: HistoryStamp | None = None,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Create or update many people in a few queries; returns their pks keyed by ID number.

    Call inside a transaction. Rows must already be valid; the last row for a number wins.
    `existing` (digest -> pk of the people already saved) saves the look-up when the caller
    has just made it — and has refused the people outside `actor`'s scope itself; without
    it, a saved person `actor` may not change raises PermissionDenied. New people and their
    history rows go in with one COPY each on
    PostgreSQL (core.bulk); the history names `actor` (or the signed-in user) and the request.
    """
    by_digest = {(row.digest or idnumbers.digest(row.id_number)): row for row in rows}
    if existing is None:
        existing, places = _people_by_digest(list(by_digest))
        # a caller that passes `existing` has judged its batch already (the roster import)
        if digests_out_of_scope(actor, places):
            raise PermissionDenied(out_of_scope_message())
    stamp = stamp or HistoryStamp.current(actor)
    new = [(key, row) for key, row in by_digest.items() if key not in existing]
    changed = {existing[key]: row for key, row in by_digest.items() if key in existing}
    pks = dict(existing)
    if new:
        defaults = [Person._meta.get_field(name).get_default() for name in OPTIONAL_FIELDS]
        optional = operator.attrgetter(*OPTIONAL_FIELDS)
        encrypt = idnumbers.encrypt
        # a generator: each number is encrypted as the COPY reaches it, while the database
        # inserts the rows before it
        values = (
            (
                row.name,
                row.gender,
                row.birth_date,
                encrypt(row.id_number),
                key,
                row.county_id,
                row.village_id,
                *map(_or_default, optional(row), defaults),
            )
            for key, row in new
        )
        created = insert_with_history(
            Person,
            _NEW_PERSON_FIELDS,
            values,
            count=len(new),
            constants={"version": 1},
            stamp=stamp,
            batch_size=batch_size,
        )
        pks.update(zip((key for key, _row in new), created, strict=True))
    if changed:
        _update_people(changed, stamp, batch_size)
    return {row.id_number: pks[key] for key, row in by_digest.items()}


def _or_default(value, default):
    return default if value is None else value


def _people_by_digest(digests: list[str]) -> tuple[dict[str, int], dict[str, tuple]]:
    """The saved people among `digests`: their pks, and their (county pk, township pk)."""
    found: dict[str, int] = {}
    places: dict[str, tuple] = {}
    for queryset in filter_in(Person.objects.order_by(), "id_number_digest", digests):
        for key, pk, county_id, township_id in queryset.values_list(
            "id_number_digest", "pk", "county_id", "village__township_id"
        ):
            found[key] = pk
            places[key] = (county_id, township_id)
    return found, places


def _update_people(changed: dict[int, PersonData], stamp: HistoryStamp, batch_size: int) -> None:
    people = [
        person
        for queryset in filter_in(Person.objects.order_by(), "pk", changed)
        for person in queryset
    ]
    for person in people:
        row = changed[person.pk]
        person.name = row.name
        person.birth_date, person.gender = row.birth_date, row.gender
        if row.village_id:
            person.village_id = row.village_id
        for name in OPTIONAL_FIELDS:
            value = getattr(row, name)
            if value is not None:
                setattr(person, name, value)
        bump_version(person)
        person.updated_at = stamp.date
    bulk_update_with_history(
        people,
        Person,
        ["name", "birth_date", "gender", "village", "version", "updated_at", *OPTIONAL_FIELDS],
        batch_size=batch_size,
        default_user=stamp.user,
        default_date=stamp.date,
        custom_historical_attrs=stamp.historical_attrs,
    )


@policy.requires_actor
def persons_bulk_upsert(
    rows: list[PersonData], *, batch_size: int = 2000, actor
) -> dict[str, Person]:
    """Create or update many people in a few queries; returns them keyed by ID number.

    Call inside a transaction. Rows must already be valid; the last row for a number wins.
    """
    pks = persons_bulk_write(rows, actor=actor, batch_size=batch_size)
    people = {
        person.pk: person
        for queryset in filter_in(Person.objects.order_by(), "pk", set(pks.values()))
        for person in queryset
    }
    return {number: people[pk] for number, pk in pks.items()}


def person_id_keys_rotate(*, batch_size: int = 1000) -> int:
    """Re-encrypt every ID number with the current (first) key; returns how many rows."""
    count = 0
    queryset = Person.objects.only("pk", "id_number_encrypted").order_by("pk")
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return count
        with transaction.atomic():
            for person in batch:
                person.id_number_encrypted = idnumbers.rotate(person.id_number_encrypted)
            Person.objects.bulk_update(batch, ["id_number_encrypted"])
        count += len(batch)
        last_pk = batch[-1].pk

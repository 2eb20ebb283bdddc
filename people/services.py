"""Every write to people. The ID number is the identity: birth date and gender follow it."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.access import ensure_can_edit_township
from registry.models import County, Village

from . import idnumbers
from .idnumbers import IdNumberError
from .models import Person

PERSON_FIELDS = (
    "name",
    "ethnicity",
    "education_fulltime",
    "education_inservice",
    "political_status",
    "phone",
)


class PersonConflict(Exception):
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
        errors["birth_date"] = (
            f"出生日期 {birth_date:%Y-%m-%d} 与身份证号码中的 {parsed.birth_date:%Y-%m-%d} 不一致"
        )
    if gender and gender != parsed.gender:
        errors["gender"] = "性别与身份证号码（第 17 位）不一致"
    if errors:
        raise ValidationError(errors)
    return parsed


def _check_unique(number: str, exclude_pk=None) -> None:
    others = Person.objects.with_id_number(number)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"id_number": "该身份证号码已登记"})


@transaction.atomic
def person_create(
    *,
    id_number: str,
    name: str,
    county: County,
    village: Village | None = None,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    actor=None,
    **fields,
) -> Person:
    parsed = check_identity(id_number, birth_date=birth_date, gender=gender)
    if village is not None:
        ensure_can_edit_township(actor, village.township)
    _check_unique(parsed.number)
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


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor=None,
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
    if expected_version is not None and locked.version != expected_version:
        raise PersonConflict("该人员信息已被他人修改，请刷新后再编辑")
    if locked.village is not None:
        ensure_can_edit_township(actor, locked.village.township)
    number = id_number or locked.id_number
    parsed = check_identity(number, birth_date=birth_date, gender=gender)
    if id_number:
        _check_unique(parsed.number, exclude_pk=locked.pk)
        locked.id_number = parsed.number
    locked.birth_date = parsed.birth_date
    locked.gender = parsed.gender
    for name, value in fields.items():
        setattr(locked, name, value)
    if "village" in fields and fields["village"] is not None:
        ensure_can_edit_township(actor, fields["village"].township)
    locked.version += 1  # the row is locked, so this cannot lose an increment
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


def persons_bulk_upsert(rows: list[PersonData], *, batch_size: int = 2000) -> dict[str, Person]:
    """Create or update many people in a few queries; returns them keyed by ID number.

    Call inside a transaction. Rows must already be valid; the last row for a number wins.
    """
    by_digest = {idnumbers.digest(row.id_number): row for row in rows}
    existing: dict[str, Person] = {}
    digests = list(by_digest)
    for start in range(0, len(digests), 5000):
        chunk = digests[start : start + 5000]
        for person in Person.objects.filter(id_number_digest__in=chunk):
            existing[person.id_number_digest] = person
    to_create, to_update = [], []
    optional = ("ethnicity", "education_fulltime", "education_inservice", "political_status", "phone")
    for key, row in by_digest.items():
        person = existing.get(key)
        if person is None:
            person = Person(
                name=row.name,
                county_id=row.county_id,
                village_id=row.village_id,
                birth_date=row.birth_date,
                gender=row.gender,
                id_number_encrypted=idnumbers.encrypt(row.id_number),
                id_number_digest=key,
            )
            for name in optional:
                value = getattr(row, name)
                if value is not None:
                    setattr(person, name, value)
            to_create.append(person)
        else:
            person.name = row.name
            person.birth_date, person.gender = row.birth_date, row.gender
            if row.village_id:
                person.village_id = row.village_id
            for name in optional:
                value = getattr(row, name)
                if value is not None:
                    setattr(person, name, value)
            person.version += 1
            to_update.append(person)
    if to_create:
        bulk_create_with_history(to_create, Person, batch_size=batch_size)
        created = Person.objects.filter(
            id_number_digest__in=[p.id_number_digest for p in to_create]
        )
        for person in created.iterator(chunk_size=5000):
            existing[person.id_number_digest] = person
    if to_update:
        bulk_update_with_history(
            to_update,
            Person,
            ["name", "birth_date", "gender", "village", "version", *optional],
            batch_size=batch_size,
        )
    return {row.id_number: existing[key] for key, row in by_digest.items()}


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

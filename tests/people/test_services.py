"""Person writes: identity from the ID number, encryption at rest, conflicts, key rotation."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.policy import SYSTEM
from people import services
from people.models import Person
from tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_create_derives_birth_date_and_gender_from_the_id_number(village):
    number = make_id_number(dt.date(1990, 3, 5), "F")
    person = services.person_create(
        id_number=number,
        name="李红",
        county=village.township.county,
        village=village,
        actor=SYSTEM,
    )
    assert (person.birth_date, person.gender) == (dt.date(1990, 3, 5), "F")
    assert person.id_number == number


def test_typed_birth_date_or_gender_that_contradicts_the_number_is_refused(village):
    number = make_id_number(dt.date(1990, 3, 5), "F")
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            id_number=number,
            name="李红",
            county=village.township.county,
            village=village,
            birth_date=dt.date(1990, 3, 6),
            gender="M",
            actor=SYSTEM,
        )
    assert set(exc.value.message_dict) == {"birth_date", "gender"}
    assert not Person.objects.exists()


def test_same_id_number_cannot_be_registered_twice(village):
    person = PersonFactory(village=village)
    with pytest.raises(ValidationError, match="已登记"):
        services.person_create(
            id_number=person.id_number.lower(),
            name="重复",
            county=village.township.county,
            village=village,
            actor=SYSTEM,
        )


def test_id_number_is_encrypted_at_rest_and_found_by_exact_value(village):
    person = PersonFactory(village=village)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [person.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert person.id_number not in row
    assert Person.objects.with_id_number(person.id_number).get() == person


def test_official_cannot_create_a_person_in_another_township(official, other_village):
    with pytest.raises(PermissionDenied):
        services.person_create(
            id_number=make_id_number(dt.date(1980, 1, 1)),
            name="外乡",
            county=other_village.township.county,
            village=other_village,
            actor=official,
        )


def test_update_with_a_stale_version_is_a_conflict(village):
    person = PersonFactory(village=village)
    services.person_update(person=person, expected_version=1, name="新名字", actor=SYSTEM)
    with pytest.raises(services.PersonConflict):
        services.person_update(person=person, expected_version=1, name="另一个名字", actor=SYSTEM)
    assert Person.objects.get().name == "新名字"


def test_every_change_leaves_a_history_entry_with_the_user(village, official):
    person = services.person_create(
        id_number=make_id_number(dt.date(1980, 1, 1)),
        name="甲",
        county=village.township.county,
        village=village,
        actor=official,
    )
    services.person_update(person=person, actor=official, phone="13800001111")
    assert [h.history_type for h in person.history.order_by("history_date")] == ["+", "~"]
    assert person.history.latest().phone == "13800001111"


def test_key_rotation_reencrypts_with_the_new_key(village, settings):
    person = PersonFactory(village=village)
    number = person.id_number
    new_key = Fernet.generate_key().decode()
    settings.ID_ENCRYPTION_KEYS = [new_key, *settings.ID_ENCRYPTION_KEYS]
    assert services.person_id_keys_rotate() == 1
    settings.ID_ENCRYPTION_KEYS = [new_key]  # the old key is retired
    assert Person.objects.get().id_number == number


def test_bulk_upsert_creates_and_updates_in_one_pass(village, django_assert_max_num_queries):
    existing = PersonFactory(village=village, name="旧名")
    rows = [
        services.PersonData(
            id_number=existing.id_number,
            name="新名",
            county_id=village.township.county_id,
            birth_date=existing.birth_date,
            gender=existing.gender,
        )
    ] + [
        services.PersonData(
            id_number=make_id_number(dt.date(1970, 1, 1 + i)),
            name=f"人{i}",
            county_id=village.township.county_id,
            birth_date=dt.date(1970, 1, 1 + i),
            gender="M",
            village_id=village.pk,
        )
        for i in range(20)
    ]
    with django_assert_max_num_queries(12):
        people = services.persons_bulk_upsert(rows, actor=SYSTEM)
    assert len(people) == 21
    assert Person.objects.get(pk=existing.pk).name == "新名"
    assert Person.history.count() == 21 + 1

"""COPY lines are rendered a batch of rows at a time, column by column; a row that needs
escaping is escaped on its own, wherever it falls in its batch, and the rows of the same
batch that need none are written as they are."""

import datetime as dt

import pytest
from django.db import connection

from core.bulk import HistoryStamp, insert_with_history
from core.policy import SYSTEM
from people.models import Person
from people.services import PersonData, persons_bulk_write
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

AWKWARD = ["A\tB", "C\\D", "E\nF", "G\rH", "\\N"]


def test_awkward_names_among_plain_ones_survive_in_every_batch(village):
    names = [f"人{i}" for i in range(1203)]
    for offset, name in zip((0, 499, 500, 777, 1202), AWKWARD, strict=True):
        names[offset] = name  # first and last of a batch, the middle, the very last row
    rows = [
        PersonData(
            id_number=make_id_number(dt.date(1970, 1, 1) + dt.timedelta(days=i)),
            name=name,
            county_id=village.township.county_id,
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i),
            gender="M",
            village_id=village.pk if i % 2 else None,
        )
        for i, name in enumerate(names)
    ]
    pks = persons_bulk_write(rows, actor=SYSTEM)
    saved = dict(Person.objects.values_list("pk", "name"))
    assert [saved[pks[row.id_number]] for row in rows] == names
    history = dict(Person.history.values_list("id", "name"))
    assert [history[pks[row.id_number]] for row in rows] == names
    assert Person.objects.filter(village__isnull=True).count() == 602


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys are drawn on PostgreSQL")
@pytest.mark.parametrize("rows", [1, 3], ids=["fewer", "more"])
def test_rows_and_keys_must_be_as_many(village, rows):
    person = PersonData(
        id_number=make_id_number(dt.date(1970, 1, 1)),
        name="张三",
        county_id=village.township.county_id,
        birth_date=dt.date(1970, 1, 1),
        gender="M",
    )
    (pk,) = persons_bulk_write([person], actor=SYSTEM).values()
    seat = (pk, village.pk, None, "party_committee", "secretary", None)
    from elections.models import Seat

    with pytest.raises(ValueError):
        insert_with_history(
            Seat,
            ("person_id", "village_id", "term_id", "body", "post", "started_on"),
            iter([seat] * rows),
            count=2,
            stamp=HistoryStamp.current(SYSTEM),
        )

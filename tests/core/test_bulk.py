"""core.bulk and persons_bulk_write: many rows and their history in a fixed number of
statements (COPY on PostgreSQL, bulk_create on SQLite), with who, when and from where."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from core.bulk import HistoryStamp, insert_with_history
from core.policy import SYSTEM
from elections.choices import Body, Post, SeatSource
from elections.models import Seat
from people.models import Person
from people.services import PersonData, persons_bulk_write
from tests.factories import PersonFactory, TermFactory, make_id_number

pytestmark = pytest.mark.django_db

SEAT_FIELDS = ("person_id", "village_id", "term_id", "body", "post", "started_on")


def stamp_of(request) -> HistoryStamp:
    HistoricalRecords.context.request = request
    try:
        return HistoryStamp.current()
    finally:
        del HistoricalRecords.context.request


def person_row(village, day: int, **fields) -> PersonData:
    birth = dt.date(1980, 1, day)
    return PersonData(
        id_number=fields.pop("id_number", None) or make_id_number(birth),
        name=fields.pop("name", f"人{day}"),
        county_id=village.township.county_id,
        birth_date=birth,
        gender="M",
        village_id=village.pk,
        **fields,
    )


def test_rows_come_back_in_order_with_a_history_row_each(village, official, rf):
    request = rf.post("/", REMOTE_ADDR="10.9.8.7")
    request.user, request.request_id = official, "req-bulk-0001"
    stamp = stamp_of(request)
    term = TermFactory(year=2021)
    people = [PersonFactory(village=village) for _ in range(3)]
    posts = [Post.SECRETARY, Post.MEMBER, Post.MEMBER]
    rows = [
        (person.pk, village.pk, term.pk, Body.PARTY_COMMITTEE, post, term.starts_on)
        for person, post in zip(people, posts, strict=True)
    ]
    pks = insert_with_history(
        Seat, SEAT_FIELDS, rows, constants={"source": SeatSource.ROSTER_IMPORT}, stamp=stamp
    )
    seats = Seat.objects.in_bulk(pks)
    assert [seats[pk].person_id for pk in pks] == [person.pk for person in people]
    assert [seats[pk].post for pk in pks] == posts
    first = seats[pks[0]]
    assert (first.source, first.started_on, first.ended_on, first.end_reason) == (
        SeatSource.ROSTER_IMPORT,
        dt.date(2021, 5, 1),
        None,
        "",
    )
    assert first.created_at is not None and first.updated_at is not None
    entries = Seat.history.filter(id__in=pks)
    assert entries.count() == 3
    entry = entries.get(id=pks[0])
    assert entry.history_type == "+" and entry.post == Post.SECRETARY
    assert entry.history_user == official and entry.history_date == stamp.date
    assert (entry.history_ip, entry.history_request_id) == ("10.9.8.7", "req-bulk-0001")


def test_awkward_text_and_defaults_survive_the_copy(village):
    name = "A\\B\tC\nD\"E'F 张\\N"
    row = person_row(village, 1, name=name)
    pks = persons_bulk_write([row], actor=SYSTEM)
    person = Person.objects.get(pk=pks[row.id_number])
    assert person.name == name
    assert (person.ethnicity, person.phone, person.education_fulltime) == ("汉族", "", "")
    assert person.version == 1 and person.id_number == row.id_number
    assert person.history.get().name == name


def test_a_null_beside_a_backslash_in_one_batch_keeps_both():
    """A batch is sent as written when nothing in it needs escaping; the NULL marker (\\N)
    is itself a backslash, so a batch with NULLs is checked against their number: a
    backslash in a value beside a NULL still escapes its row."""
    from core.bulk import copy_lines
    from people.models import Person

    fields = ("name", "village_id", "phone")
    rows = [("张三", None, "1"), ("A\\N", 7, "2"), ("李四", None, "3")]
    lines = list(copy_lines(Person, fields, rows))
    assert lines == ["张三\t\\N\t1", "A\\\\N\t7\t2", "李四\t\\N\t3"]


def test_new_and_changed_people_in_a_fixed_number_of_statements(village, official):
    numbers = [make_id_number(dt.date(1980, 1, day)) for day in range(1, 26)]

    def write(count, name):
        rows = [
            person_row(village, day, name=f"{name}{day}", id_number=numbers[day - 1])
            for day in range(1, count + 1)
        ]
        with CaptureQueriesContext(connection) as queries:
            pks = persons_bulk_write(rows, actor=official)
        return pks, len(queries)

    _, few = write(3, "甲")
    Person.history.all().delete()
    Person.objects.all().delete()
    pks, many = write(25, "乙")
    assert few == many
    again, updates = write(25, "丙")  # the same numbers: all 25 change their name
    assert again == pks
    assert updates <= many + 3
    person = Person.objects.get(pk=pks[numbers[6]])
    assert person.name == "丙7" and person.version == 2
    changed = person.history.latest()
    assert changed.history_type == "~" and changed.history_user == official
    assert person.history.earliest().history_type == "+"


def test_the_acting_user_is_named_without_a_request(village, official):
    row = person_row(village, 2)
    persons_bulk_write([row], actor=official)
    assert Person.history.get().history_user == official
    assert Person.history.get().history_ip is None


def test_an_error_while_rows_are_made_leaves_nothing_behind(village):
    term = TermFactory(year=2021)
    people = [PersonFactory(village=village) for _ in range(3)]

    def rows():
        yield (people[0].pk, village.pk, term.pk, Body.PARTY_COMMITTEE, Post.MEMBER, None)
        yield (people[1].pk, village.pk, term.pk, Body.PARTY_COMMITTEE, Post.MEMBER, None)
        raise LookupError("a row the caller could not make")

    with pytest.raises(LookupError, match="could not make"), transaction.atomic():
        insert_with_history(Seat, SEAT_FIELDS, rows(), count=3)
    assert not Seat.objects.exists() and not Seat.history.exists()


def test_derived_rows_go_through_the_same_copy_writer():
    """copy_rows (the composition snapshots) escapes like insert_with_history: a tab in a
    name, a missing county, and a JSON document written by the caller's own renderer."""
    from composition.models import CompositionSnapshot
    from composition.services import SNAPSHOT_FIELDS, _counters_json
    from core.bulk import copy_lines

    counters = {"all": {"women": [1, 2]}}
    row = ("county", "141028", "吉\t县", "1410", None, None, counters)
    (line,) = copy_lines(CompositionSnapshot, SNAPSHOT_FIELDS, [row], {"value": _counters_json})
    assert line.split("\t") == [
        "county",
        "141028",
        "吉\\t县",
        "1410",
        "\\N",
        "\\N",
        '{"all":{"women":[1,2]}}',
    ]
    (plain,) = copy_lines(CompositionSnapshot, SNAPSHOT_FIELDS, [(*row[:2], "吉县", *row[3:])])
    assert plain.endswith('\t{"all": {"women": [1, 2]}}')  # json.dumps when no renderer

"""A roster import leaves history like any other change (issue #7): every person and seat it
writes has a history entry naming the user who imported; a re-import of the same file
writes none."""

import datetime as dt

import pytest

from core.access import Role
from core.spreadsheets import read_bytes
from elections import importers
from elections.choices import Post
from elections.models import Seat
from people.models import Person
from tests.factories import TermFactory, make_id_number
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]


def run(rows, actor):
    sheet = read_bytes(xlsx([HEADER, *rows]), "roster.xlsx", importers.COLUMNS)
    return importers.import_roster(sheet, actor=actor)


def test_import_and_reimport_history(village, make_user):
    TermFactory(year=2021)
    organizer = make_user(Role.COUNTY_ORGANIZER)
    chief, member = make_id_number(dt.date(1975, 3, 8)), make_id_number(dt.date(1980, 6, 1))
    rows = [
        ["吉昌镇", "东关村", 2021, "党支部", "书记", "张建国", chief],
        ["吉昌镇", "东关村", 2021, "村委会", "主任", "张建国", chief],
        ["吉昌镇", "东关村", 2021, "村委会", "委员", "王海军", member],
    ]
    assert run(rows, organizer).ok
    seat_entries = Seat.history.all()
    assert seat_entries.count() == 3
    assert {(e.history_type, e.history_user_id) for e in seat_entries} == {("+", organizer.pk)}
    person_entries = Person.history.all()
    assert sorted(e.name for e in person_entries) == ["张建国", "王海军"]
    assert {(e.history_type, e.history_user_id) for e in person_entries} == {("+", organizer.pk)}

    assert run(rows, organizer).ok
    assert (Seat.history.count(), Person.history.count()) == (3, 2)

    rows[2][4] = "副主任"
    assert run(rows, organizer).seats_updated == 1
    changed = Seat.history.filter(history_type="~").get()
    assert changed.post == Post.DEPUTY_DIRECTOR and changed.history_user == organizer


def test_background_import_history_says_where_the_upload_came_from(
    client, official, village, django_capture_on_commit_callbacks
):
    """The import runs in a worker, without a request: its history rows still carry the
    uploader's address and the upload's request id, kept on the job."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from elections.models import ImportJob
    from tests.spreadsheets import xlsx as workbook

    TermFactory(year=2021)
    client.force_login(official)
    rows = [
        HEADER,
        ["吉昌镇", "东关村", 2021, "党支部", "书记", "张建国", make_id_number(dt.date(1975, 3, 8))],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("elections:roster-import"),
            {"file": SimpleUploadedFile("roster.xlsx", workbook(rows))},
            REMOTE_ADDR="10.20.30.40",
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.client_ip == "10.20.30.40" and job.request_id
    entry = Seat.history.get()
    assert (entry.history_user_id, entry.history_ip) == (official.pk, "10.20.30.40")
    assert entry.history_request_id == job.request_id
    assert Person.history.get().history_ip == "10.20.30.40"

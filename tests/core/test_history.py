"""History rows record who changed what and from where."""

import datetime as dt

import pytest
from django.urls import reverse

from people.models import Person
from tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_a_change_through_a_page_records_user_and_client_ip(client, official, village):
    client.force_login(official)
    data = {"id_number": make_id_number(dt.date(1985, 7, 1)), "name": "张三",
            "village": village.pk, "ethnicity": "汉族"}
    client.post(reverse("people:person-create"), data, REMOTE_ADDR="10.1.2.3")
    entry = Person.history.get()
    assert entry.history_user == official
    assert entry.history_ip == "10.1.2.3"


def test_each_object_reads_its_own_history_through_one_manager_class(village):
    first, second = PersonFactory(village=village), PersonFactory(village=village)
    first.name = "改名"
    first.save()
    assert type(first.history) is type(second.history)  # built once, not on every save
    assert first.history.count() == 2 and second.history.count() == 1
    assert first.history.first().name == "改名"

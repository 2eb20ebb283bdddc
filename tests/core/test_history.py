"""History rows record who changed what and from where."""

import datetime as dt

import pytest
from django.urls import reverse

from people.models import Person
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_a_change_through_a_page_records_user_and_client_ip(client, official, village):
    client.force_login(official)
    data = {"id_number": make_id_number(dt.date(1985, 7, 1)), "name": "张三",
            "village": village.pk, "ethnicity": "汉族"}
    client.post(reverse("people:person-create"), data, REMOTE_ADDR="10.1.2.3")
    entry = Person.history.get()
    assert entry.history_user == official
    assert entry.history_ip == "10.1.2.3"

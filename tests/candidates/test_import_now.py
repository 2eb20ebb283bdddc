"""Imports in one pass (core/uploads.py), on the nominee list: "import now" after a dry run."""

import datetime as dt

import pytest
from django.urls import reverse

from candidates.models import Candidacy
from tests.candidates.test_importers import HEADER
from tests.factories import make_id_number
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db


def test_import_now_nominates_from_the_checked_file(client, official, village, term):
    row = ["吉昌镇", village.name, 2021, "村委会主任", "王好", make_id_number(dt.date(1985, 1, 1))]
    row += ["后备干部", "", ""][: len(HEADER) - len(row)]
    client.force_login(official)
    url = reverse("candidates:candidacy-import")
    response = client.post(url, {"file": upload(xlsx([HEADER, row])), "dry_run": "on"})
    assert response.status_code == 200, response.content.decode()
    assert not Candidacy.objects.exists()
    response = client.post(url, {"kept": response.context["kept"]})
    assert response.status_code == 302
    assert Candidacy.objects.get().person.name == "王好"

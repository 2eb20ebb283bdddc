"""Every upload against the corpus of awkward spreadsheets (tests/corpus/make_corpus.py):
refused with the exact message and nothing saved, or accepted as a user would expect."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Candidacy
from people.models import Person
from registry.models import Village
from tests.factories import TermFactory, make_id_number

from .make_corpus import VILLAGE_HEADER, file_cases, nominee_cases

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1987, 1, 26)


def number_of(birth, seq):
    """A valid number for `birth`; the first one ends in X (to test a lower-case x)."""
    while True:
        number = make_id_number(birth, "M")
        if seq != 1 or number.endswith("X"):
            return number


NOMINEE_CASES = nominee_cases(number_of, BIRTH)
VILLAGE_CASES = file_cases(VILLAGE_HEADER, ["吉昌镇", "新建村", "141028100288", "村"])


def post(client, url, case, settings):
    if case.name == "oversized":
        settings.UPLOAD_MAX_BYTES = len(case.content) - 1
    upload = SimpleUploadedFile(case.filename, case.content)
    return client.post(url, {"file": upload})


@pytest.mark.parametrize("case", NOMINEE_CASES, ids=[c.name for c in NOMINEE_CASES])
def test_nominee_upload(client, official, village, settings, case):
    TermFactory(year=2021)
    client.force_login(official)
    people, candidacies = Person.objects.count(), Candidacy.objects.count()
    response = post(client, reverse("candidates:candidacy-import"), case, settings)
    html = response.content.decode()
    if case.message:
        assert response.status_code == 400
        assert case.message in html
        assert (Person.objects.count(), Candidacy.objects.count()) == (people, candidacies)
        return
    assert response.status_code in (200, 302), html[html.find("errors") :][:800]
    expected = 2 if case.name == "two people" else 1
    assert Candidacy.objects.count() == candidacies + expected
    person = Candidacy.objects.order_by("pk").first().person
    assert person.name == "张三" and person.birth_date == BIRTH
    assert person.id_number.endswith("X") and person.id_number == person.id_number.upper()


@pytest.mark.parametrize("case", VILLAGE_CASES, ids=[c.name for c in VILLAGE_CASES])
def test_village_upload_refuses_bad_files(client, official, village, settings, case):
    client.force_login(official)
    before = Village.objects.count()
    response = post(client, reverse("registry:village-import"), case, settings)
    assert response.status_code == 400
    assert case.message in response.content.decode()
    assert Village.objects.count() == before


def test_exports_neutralise_formula_cells():
    import io

    from openpyxl import load_workbook

    from core.exports import csv_response, xlsx_response

    evil = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\tx", "安全"]
    book = load_workbook(io.BytesIO(xlsx_response("x.xlsx", ["a"], [[v] for v in evil]).content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert cells == ["'=1+2", "'+SUM(A1)", "'-3+4", "'@cmd", "'\tx", "安全"]
    text = csv_response("x.csv", ["a"], [[v] for v in evil]).content.decode("utf-8-sig")
    assert "'=1+2" in text and "\n=1+2" not in text

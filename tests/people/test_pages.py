"""The person form: identity checks, scoping and conflicts as a user meets them."""

import datetime as dt

import pytest
from django.urls import reverse

from people.models import Person
from tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db


def form_data(village, **overrides):
    data = {
        "id_number": make_id_number(dt.date(1985, 7, 1), "F"),
        "name": "张秀英",
        "village": village.pk,
        "ethnicity": "汉族",
        "education_fulltime": "college",
    }
    data.update(overrides)
    return data


def test_official_adds_a_person_and_birth_date_comes_from_the_number(client, official, village):
    client.force_login(official)
    response = client.post(reverse("people:person-create"), form_data(village))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.birth_date, person.gender) == (dt.date(1985, 7, 1), "F")


def test_bad_check_digit_is_shown_on_the_field_and_nothing_is_saved(client, official, village):
    client.force_login(official)
    number = make_id_number(dt.date(1985, 7, 1))
    bad = number[:-1] + ("1" if number[-1] != "1" else "2")
    response = client.post(reverse("people:person-create"), form_data(village, id_number=bad))
    assert response.status_code == 400
    assert "校验位错误" in response.content.decode()
    assert not Person.objects.exists()


def test_village_of_another_township_is_not_offered(client, official, village, other_village):
    client.force_login(official)
    response = client.post(reverse("people:person-create"), form_data(other_village))
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_stale_form_gets_a_conflict_message(client, official, village):
    person = PersonFactory(village=village)
    client.force_login(official)
    url = reverse("people:person-update", args=[person.pk])
    data = form_data(
        village,
        id_number=person.id_number,
        version=1,
        gender=person.gender,
        birth_date=person.birth_date.isoformat(),
    )
    assert client.post(url, {**data, "name": "第一次"}).status_code == 302
    response = client.post(url, {**data, "name": "第二次"})
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert Person.objects.get().name == "第一次"


def test_search_by_exact_id_number(client, organizer, village):
    wanted, _ = PersonFactory(village=village), PersonFactory(village=village)
    client.force_login(organizer)
    response = client.post(reverse("people:person-list"), {"q": wanted.id_number})
    assert response.context["total"] == 1


def test_the_edit_form_shows_the_saved_birth_date_in_the_date_picker(client, official, village):
    """A date input takes ISO dates only; the localized 1989/08/08 showed an empty box."""
    person = PersonFactory(village=village, birth_date=dt.date(1989, 8, 8))
    client.force_login(official)
    html = client.get(reverse("people:person-update", args=[person.pk])).content.decode()
    assert 'type="date"' in html and 'value="1989-08-08"' in html


def test_every_date_field_of_every_form_uses_the_iso_date_picker():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/forms.py")
        if "forms.DateInput(" in path.read_text()
    ]
    assert offenders == []

"""ID numbers cannot be rebuilt, searched for, or read out of error messages by a role that
may not see them whole (issue 18, findings 1, 2 and 13).

A resident ID number is area code (6) + birth date (8) + sequence (3, odd for men) + check
character (1). The attacker here is generous to itself: it knows the person's area code and
gender, reads every page, API GET and export its role may open, takes any mask and any birth
date found anywhere as that person's, and knows the age on every term's reference date and
today. It then lists every number that agrees (stdnum computes the check character); one
left means the number was rebuilt.
"""

# ruff: noqa: F811  (`world` is the matrix's fixture, imported, then named by the tests)
from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from stdnum.cn import ric

from core.exports import XLSX_TYPE
from people import idnumbers
from registry.models import Term
from tests.factories import PersonFactory, TermFactory, make_id_number
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionCandidateFactory, SeatFactory
from tests.factories.training import EnrolmentFactory
from tests.security.test_matrix import (
    ADMIN,
    API,
    OFF,
    ORG,
    REV,
    ROUTES,
    VIEW,
    client_for,
    is_api,
    url_for,
    world,  # noqa: F401  (the matrix's small county, a fixture here too)
)

pytestmark = pytest.mark.django_db

MASK = re.compile(r"(?<![0-9A-Za-z*])[0-9*]{17}[0-9Xx*](?![0-9A-Za-z*])")
NO_WHOLE_NUMBERS = (VIEW, REV, API)
SEARCH = "/api/v1/people/search/"  # ID-number searches are POSTed (issue 13, point 7)


# -- the attacker ---------------------------------------------------------------------------


def date_forms(date: dt.date) -> tuple[str, ...]:
    return (
        f"{date:%Y-%m-%d}",
        f"{date:%Y/%m/%d}",
        f"{date.year}年{date.month}月{date.day}日",
        f"{date:%Y%m%d}",
        f"{date:%Y-%m-%d}".replace("-", "."),
    )


def masks_of(number: str, text: str) -> list[str]:
    """The masks in `text` that agree with `number` wherever they show a character."""
    found = []
    for mask in MASK.findall(text):
        if "*" in mask and all(m in ("*", n) for m, n in zip(mask.upper(), number, strict=True)):
            found.append(mask.upper())
    return found


def candidates(number: str, gender: str, text: str, reference_dates, limit=2) -> list[str]:
    """Every 18-character number agreeing with all `text` says about the person whose true
    number is `number`, up to `limit` of them."""
    if number in text:
        return [number]
    area = number[:6]
    known = [c for mask in masks_of(number, text) for c in [mask]]
    visible = {i: ch for mask in known for i, ch in enumerate(mask) if ch != "*"}
    true_birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    if any(form in text for form in date_forms(true_birth)):
        dates = [true_birth]
    else:
        ages = {on: idnumbers.age_on(true_birth, on) for on in reference_dates}
        start = dt.date(true_birth.year - 1, 1, 1)
        dates = [
            start + dt.timedelta(days=d)
            for d in range(3 * 366)
            if all(
                idnumbers.age_on(start + dt.timedelta(days=d), on) == age
                for on, age in ages.items()
            )
        ]
    found = []
    for birth in dates:
        for sequence in range(1000):
            if (sequence % 2 == 1) != (gender == "M"):
                continue
            body = f"{area}{birth:%Y%m%d}{sequence:03d}"
            if any(body[i] != ch for i, ch in visible.items() if i < 17):
                continue
            whole = body + ric.calc_check_digit(body + "0")
            if 17 in visible and whole[17] != visible[17]:
                continue
            found.append(whole)
            if len(found) >= limit:
                return found
    return found


def everything_seen_by(world, role) -> str:
    """The bodies of every page, API GET and export `role` may open in the small county."""
    seen = []
    for name, route in ROUTES.items():
        if 200 not in route.ok or role not in route.read:
            continue
        url = url_for(name, route, world["objects"]["own"])
        response = client_for(world["users"][role], is_api(name)).get(url)
        if response.status_code == 200:
            seen.append(body_text(response))
    return "\n".join(seen)


def body_text(response) -> str:
    """A page, a JSON body, a CSV, or every cell of an XLSX export, as text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith(XLSX_TYPE):
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8", "replace")


@pytest.fixture
def people_on_every_page(world):
    """Four more people of the own township, born on different days, each nominated,
    elected, holding a seat and trained, so that every kind of page shows them."""
    objects = world["objects"]["own"]
    term = objects["term"]
    TermFactory(year=2024, reference_date=dt.date(2024, 9, 30))
    extra = []
    for birth, gender in (
        (dt.date(1975, 2, 11), "M"),
        (dt.date(1983, 8, 30), "F"),
        (dt.date(1990, 12, 1), "M"),
        (dt.date(1968, 5, 17), "F"),
    ):
        person = PersonFactory(village=objects["village"], birth_date=birth, gender=gender)
        SeatFactory(village=objects["village"], term=term, person=person)
        CandidacyFactory(village=objects["village"], term=term, person=person)
        ElectionCandidateFactory(election=objects["election"], person=person)
        EnrolmentFactory(session=objects["session"], person=person)
        extra.append(person)
    from composition.services import composition_recompute

    composition_recompute(term_id=term.pk)
    return world["people"] + extra


def reference_dates():
    return [*Term.objects.values_list("reference_date", flat=True), dt.date.today()]


# -- finding 1: what a role receives never adds up to a number --------------------------------


def test_the_attacker_rebuilds_a_number_from_the_old_mask_and_a_birth_date():
    """The check of this file works: 141028********123X beside 1987-01-26 is the number."""
    number = make_id_number(dt.date(1987, 1, 26), "M")
    old_mask = number[:6] + "*" * 8 + number[-4:]
    text = f"<td>1987-01-26</td><td>{old_mask}</td>"
    assert candidates(number, "M", text, reference_dates()) == [number]


@pytest.mark.parametrize("role", NO_WHOLE_NUMBERS)
def test_no_role_below_whole_numbers_can_rebuild_an_id_number(world, people_on_every_page, role):
    """Every page, API GET and export the role may open, together: no number rebuilt."""
    text = everything_seen_by(world, role)
    dates = reference_dates()
    rebuilt = [
        person.name
        for person in people_on_every_page
        if len(candidates(person.id_number, person.gender, text, dates)) < 2
    ]
    assert rebuilt == []


@pytest.mark.parametrize("role", NO_WHOLE_NUMBERS)
def test_no_birth_date_reaches_a_role_that_sees_no_whole_number(world, people_on_every_page, role):
    """An age (on the term's reference date) instead: it does not give the day."""
    text = everything_seen_by(world, role)
    shown = [
        person.name
        for person in people_on_every_page
        if any(form in text for form in date_forms(person.birth_date)[:3])
    ]
    assert shown == []


@pytest.mark.parametrize("role", [ADMIN, ORG, OFF])
def test_the_roles_that_enter_numbers_still_see_them_whole(world, people_on_every_page, role):
    person = people_on_every_page[-1]
    client = client_for(world["users"][role], False)
    page = client.get(reverse("people:person-detail", args=[person.pk])).content.decode()
    assert person.id_number in page and f"{person.birth_date:%Y-%m-%d}" in page
    body = client_for(world["users"][role], True).get(f"/api/v1/people/{person.pk}/").json()
    assert body["id_number"] == person.id_number
    assert body["birth_date"] == f"{person.birth_date:%Y-%m-%d}"


def test_a_viewer_sees_the_last_four_and_an_age(world, people_on_every_page, api):
    viewer = world["users"][VIEW]
    person = people_on_every_page[-1]  # born 1968-05-17; the 2024 term counts on 2024-09-30
    body = api(viewer).get(f"/api/v1/people/{person.pk}/").json()
    assert body["id_number"] == "*" * 14 + person.id_number[-4:]
    assert body["birth_date"] is None and body["age"] == 56
    body = api(world["users"][API]).get(f"/api/v1/people/{person.pk}/").json()
    assert body["id_number"] is None and body["birth_date"] is None and body["age"] == 56


# -- finding 2: searching by ID number --------------------------------------------------------


@pytest.mark.parametrize("role", [VIEW, API])
def test_roles_without_whole_numbers_cannot_search_by_id_number(world, role, api):
    person = world["people"][0]
    response = api(world["users"][role]).get("/api/v1/people/", {"q": person.id_number})
    assert response.status_code == 400
    assert "身份证号码" in response.json()["errors"][0]["message"]
    assert person.name not in response.content.decode()


def test_a_viewer_page_search_by_id_number_is_refused(client, world):
    person = world["people"][0]
    client.force_login(world["users"][VIEW])
    response = client.get(reverse("people:person-list"), {"q": person.id_number})
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能按身份证号码查找" in page and person.name not in page


def test_a_viewer_may_still_search_by_name(client, world):
    person = world["people"][0]
    client.force_login(world["users"][VIEW])
    response = client.get(reverse("people:person-list"), {"q": person.name})
    assert response.status_code == 200 and person.name in response.content.decode()


def test_id_searches_are_throttled_per_user_across_page_and_api(client, world, api):
    """30 a minute, page and API together (both POSTed: issue 13, point 7); a name search
    does not count."""
    official = world["users"][OFF]
    person = world["people"][0]
    client.force_login(official)
    for n in range(15):
        assert api(official).post(SEARCH, {"q": person.id_number}, format="json").status_code == 200
        response = client.post(reverse("people:person-list"), {"q": person.id_number})
        assert response.status_code == 200, n
    assert client.get(reverse("people:person-list"), {"q": person.name}).status_code == 200
    response = api(official).post(SEARCH, {"q": person.id_number}, format="json")
    assert response.status_code == 429
    assert "身份证号码查询过于频繁" in response.json()["detail"]
    response = client.post(reverse("people:person-list"), {"q": person.id_number})
    assert response.status_code == 429 and person.name not in response.content.decode()
    assert api(official).get("/api/v1/people/", {"q": person.name}).status_code == 200
    organizer = world["users"][ORG]
    assert api(organizer).post(SEARCH, {"q": person.id_number}, format="json").status_code == 200


def test_id_searches_are_recorded_without_the_number(client, world, caplog):
    official = world["users"][OFF]
    person = world["people"][0]
    client.force_login(official)
    with caplog.at_level(logging.INFO, logger="people.search"):
        response = client.post(reverse("people:person-list"), {"q": person.id_number})
    assert person.name in response.content.decode()
    records = [r for r in caplog.records if r.name == "people.search"]
    assert len(records) == 1
    record = records[0]
    assert (record.user_id, record.matches) == (official.pk, 1)
    text = record.getMessage() + repr(record.__dict__)
    assert person.id_number not in text and person.id_number[-4:] + "'" not in text
    assert official.username in record.getMessage()


def test_an_id_number_in_a_url_is_refused_on_the_page_and_the_api(client, world, api):
    """Issue 13, point 7: an ID number must reach no URL (access logs, browser history)."""
    official = world["users"][OFF]
    person = world["people"][0]
    client.force_login(official)
    page = client.get(reverse("people:person-list"), {"q": person.id_number})
    assert page.status_code == 400 and "不能放在网址中" in page.content.decode()
    assert person.name not in page.content.decode()
    response = api(official).get("/api/v1/people/", {"q": person.id_number})
    assert (
        response.status_code == 400 and "POST /api/v1/people/search/" in response.json()["detail"]
    )
    found = api(official).post(SEARCH, {"q": person.id_number}, format="json").json()
    assert [row["name"] for row in found["results"]] == [person.name]
    assert (
        api(world["users"][API]).post(SEARCH, {"q": person.name}, format="json").status_code == 200
    )


# -- finding 13: error messages that name somebody outside the caller's scope -----------------
# The messages are made by the write path (people/services.py, candidates/services.py and
# the importers), which another engineer owns; these tests pin what a caller must not read.


def test_a_nomination_does_not_name_a_person_of_another_township(api, world, other_village):
    stranger = world["people"][1]
    assert stranger.village == other_village
    official = world["users"][OFF]
    objects = world["objects"]["own"]
    response = api(official).post(
        "/api/v1/candidacies/",
        {
            "id_number": stranger.id_number,
            "name": "别的名字",
            "village": objects["village"].pk,
            "term": objects["term"].year,
            "body": "party",
            "post": "member",
            "source": "reserve",
        },
        format="json",
    )
    assert stranger.name not in response.content.decode()
    assert other_village.name not in response.content.decode()


def test_registering_a_taken_number_does_not_name_its_holder(api, world, other_village):
    stranger = world["people"][1]
    official = world["users"][OFF]
    response = api(official).post(
        "/api/v1/people/",
        {
            "id_number": stranger.id_number,
            "name": "别的名字",
            "village": world["objects"]["own"]["village"].pk,
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert stranger.name not in body and other_village.name not in body
    assert other_village.township.name not in body

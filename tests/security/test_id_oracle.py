"""An upload cannot be used to ask "is this ID number registered in another township?" faster
than the ID search allows (issue 18, "dry-run oracle").

Numbers are unique, so a row carrying a number registered outside the uploader's scope must
fail, and that failure admits the number exists. Each such match therefore counts against
the uploader's ID-search budget (30 a minute, people.throttles, shared with the search page
and the API) and is logged without the number; an upload that would go past the budget, or
comes while it is spent, is refused as a whole, the same whatever numbers it carries.

The attacker: a 吉昌镇 official with a list of numbers, some of them 屯里镇 people's, who
dry-runs a roster (or a nominee list, or the person form) to learn which ones exist.
"""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from people.models import Person
from tests.factories import PersonFactory, TermFactory, make_id_number
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db

REFUSED = "该身份证号码已在其他乡镇登记"
CAPPED = "身份证号码查询过于频繁"
ROSTER_HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]
NOMINEE_HEADER = ["乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源"]
BUDGET = 30


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


@pytest.fixture
def strangers(other_village):
    """More 屯里镇 people than one minute's budget of ID searches."""
    return [PersonFactory(village=other_village, name=f"屯里人{n}") for n in range(BUDGET + 6)]


def unknown_numbers(count: int) -> list[str]:
    return [make_id_number(dt.date(1975, 1, 1) + dt.timedelta(days=n)) for n in range(count)]


def roster(numbers) -> bytes:
    return xlsx(
        [ROSTER_HEADER]
        + [
            ["吉昌镇", "东关村", 2021, "村委会", "委员", f"试探{n}", number]
            for n, number in enumerate(numbers)
        ]
    )


def roster_dry_run(client, numbers, capture) -> str:
    """The job page the official reads after a dry run of a roster carrying `numbers`."""
    with capture(execute=True):
        response = client.post(
            reverse("elections:roster-import"),
            {"file": upload(roster(numbers), "roster.xlsx"), "dry_run": "on"},
        )
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def revealed_rows(page: str) -> set[int]:
    """The rows the page says are registered elsewhere (row 2 is the file's first)."""
    return {row for row in range(2, 200) if f"第 {row} 行「公民身份号码」列：{REFUSED}" in page}


def lookup_records(caplog):
    return [r for r in caplog.records if r.name == "people.search"]


def test_a_roster_dry_run_does_not_tell_which_numbers_exist_past_the_budget(
    client, official, village, term, strangers, caplog, django_capture_on_commit_callbacks
):
    known = [person.id_number for person in strangers]
    unknown = unknown_numbers(len(known))
    numbers = [number for pair in zip(known, unknown, strict=True) for number in pair]
    client.force_login(official)
    with caplog.at_level(logging.INFO, logger="people.search"):
        page = roster_dry_run(client, numbers, django_capture_on_commit_callbacks)
    # 36 matches in one file are more than a minute's searches: the file is refused whole,
    # without saying which rows matched
    assert revealed_rows(page) == set()
    assert CAPPED in page
    records = lookup_records(caplog)
    assert records and records[-1].user_id == official.pk
    logged = " ".join(r.getMessage() + repr(r.__dict__) for r in records)
    assert all(number not in logged and number[-6:] not in logged for number in numbers)
    # while the budget is spent, every roster is refused the same way, whatever it carries
    with_one = roster_dry_run(client, [known[0], unknown[0]], django_capture_on_commit_callbacks)
    with_none = roster_dry_run(client, [unknown[1], unknown[2]], django_capture_on_commit_callbacks)
    assert CAPPED in with_one and CAPPED in with_none
    assert revealed_rows(with_one) == revealed_rows(with_none) == set()


def test_matches_in_an_upload_count_as_id_searches(
    client, api, official, village, term, strangers, caplog, django_capture_on_commit_callbacks
):
    """A few matches are still named row by row (the user must fix those rows), and each
    one is an ID search: the search page and API have that many fewer left this minute."""
    client.force_login(official)
    numbers = [strangers[0].id_number, *unknown_numbers(1), strangers[1].id_number]
    with caplog.at_level(logging.INFO, logger="people.search"):
        page = roster_dry_run(client, numbers, django_capture_on_commit_callbacks)
    assert revealed_rows(page) == {2, 4}
    (record,) = [r for r in lookup_records(caplog) if getattr(r, "door", None) == "roster"]
    assert (record.user_id, record.matches) == (official.pk, 2)
    own = PersonFactory(village=village)
    for n in range(BUDGET - 2):
        response = api(official).post("/api/v1/people/search/", {"q": own.id_number}, format="json")
        assert response.status_code == 200, n
    assert (
        api(official)
        .post("/api/v1/people/search/", {"q": own.id_number}, format="json")
        .status_code
        == 429
    )


def test_a_nominee_dry_run_is_capped_the_same_way(client, official, village, term, strangers):
    known = [person.id_number for person in strangers]
    rows = [NOMINEE_HEADER] + [
        ["吉昌镇", "东关村", 2021, "村委委员", f"试探{n}", number, "回引"]
        for n, number in enumerate([*known, *unknown_numbers(4)])
    ]
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-import"),
        {"file": upload(xlsx(rows)), "dry_run": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert revealed_rows(page) == set() and CAPPED in page


def test_the_person_form_answers_alike_for_any_number_once_the_budget_is_spent(
    client, official, village, strangers
):
    client.force_login(official)
    for person in strangers[:BUDGET]:
        response = client.post(
            reverse("people:person-create"),
            {"id_number": person.id_number, "name": "试探", "village": village.pk},
        )
        assert REFUSED in response.content.decode()
    people = Person.objects.count()
    for number in (strangers[BUDGET].id_number, unknown_numbers(1)[0]):
        response = client.post(
            reverse("people:person-create"),
            {"id_number": number, "name": "试探", "village": village.pk},
        )
        page = response.content.decode()
        assert response.status_code == 400 and CAPPED in page and REFUSED not in page
    assert Person.objects.count() == people

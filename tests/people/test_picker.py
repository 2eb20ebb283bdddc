"""Finding a person: the pickers search as the user types through a POSTed JSON search,
scoped to the reader, each result telling namesakes apart (village, birth year or age,
masked ID number); an ID number typed into any people search stays out of URLs."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from people import idnumbers
from tests.factories import PersonFactory, VillageFactory

pytestmark = pytest.mark.django_db

SEARCH = "/people/search/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def namesakes(village, other_village, township):
    second = VillageFactory(township=township, name="西关村", code="141028100202")
    return [
        PersonFactory(village=village, name="王伟", birth_date=dt.date(1980, 6, 15)),
        PersonFactory(village=second, name="王伟", birth_date=dt.date(1991, 2, 3)),
        PersonFactory(village=other_village, name="王伟", birth_date=dt.date(1975, 1, 1)),
    ]


def test_the_search_finds_namesakes_of_the_readers_scope_and_tells_them_apart(
    client, official, namesakes
):
    client.force_login(official)
    results = client.post(SEARCH, {"q": "王伟"}).json()["results"]
    assert [(r["place"], r["born"]) for r in results] == [
        ("吉昌镇 东关村", "1980 年生"),
        ("吉昌镇 西关村", "1991 年生"),
    ]  # the namesake of 屯里镇 is outside an official's township
    assert results[0]["id_number"] == idnumbers.mask(namesakes[0].id_number)
    assert namesakes[0].id_number not in str(results)


def test_a_viewer_reads_ages_not_birth_years(client, viewer, namesakes):
    client.force_login(viewer)
    results = client.post(SEARCH, {"q": "王伟"}).json()["results"]
    assert len(results) == 3
    assert all(r["born"].endswith("岁") for r in results)
    assert not any("1980" in r["born"] for r in results)


def test_the_search_is_a_post_never_a_url(client, official, namesakes):
    client.force_login(official)
    assert client.get(SEARCH, {"q": "王伟"}).status_code == 405


def test_an_id_number_finds_the_person_for_the_roles_that_may_and_is_throttled(
    client, official, viewer, namesakes
):
    number = namesakes[1].id_number
    client.force_login(official)
    assert [r["id"] for r in client.post(SEARCH, {"q": number}).json()["results"]] == [
        namesakes[1].pk
    ]
    client.force_login(viewer)
    refused = client.post(SEARCH, {"q": number})
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 400 and problem["code"] == "invalid"
    assert "按姓名查找" in problem["detail"]
    assert problem["errors"][0]["field"] == "q" and "按姓名查找" in problem["errors"][0]["message"]
    client.force_login(official)
    for _ in range(29):
        client.post(SEARCH, {"q": number})
    throttled = client.post(SEARCH, {"q": number})
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["code"] == "throttled" and throttled.json()["status"] == 429
    assert "Retry-After" in throttled


def test_the_people_list_search_posts_an_id_number_and_redirects_a_name(
    client, official, namesakes
):
    client.force_login(official)
    page = client.get(reverse("people:person-list")).content.decode()
    assert 'method="post" class="filters"' in page
    found = client.post(reverse("people:person-list"), {"q": namesakes[0].id_number})
    assert found.status_code == 200  # answered on the post: the number is in no URL
    assert found.context["total"] == 1
    by_name = client.post(reverse("people:person-list"), {"q": "王伟", "gender": ""})
    assert by_name.status_code == 302 and by_name["Location"] == "/people/?q=%E7%8E%8B%E4%BC%9F"


def test_the_mentee_picker_searches_and_its_options_tell_namesakes_apart(
    client, official, namesakes
):
    client.force_login(official)
    page = client.get(reverse("training:mentorship-create")).content.decode()
    assert 'data-person-search="/people/search/"' in page
    assert "王伟 · 吉昌镇 西关村 · 1991 年生 · " + idnumbers.mask(namesakes[1].id_number) in page


def test_the_village_filter_follows_the_township(client, organizer, village, other_village):
    client.force_login(organizer)
    page = client.get(reverse("candidates:candidacy-list")).content.decode()
    assert 'data-follows="township"' in page
    assert f'value="{other_village.pk}" data-parent="{other_village.township_id}"' in page


def test_the_ballot_picker_tells_namesakes_apart(client, official, namesakes, village):
    from tests.factories import TermFactory
    from tests.factories.elections import ElectionFactory

    election = ElectionFactory(village=village, term=TermFactory(year=2021))
    PersonFactory(village=village, name="王伟", birth_date=dt.date(1966, 3, 3))
    client.force_login(official)
    page = client.get(reverse("elections:election-update", args=[election.pk])).content.decode()
    assert "王伟 · 吉昌镇 东关村 · 1980 年生" in page
    assert "王伟 · 吉昌镇 东关村 · 1966 年生" in page

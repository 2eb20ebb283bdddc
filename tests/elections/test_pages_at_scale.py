"""Election and people pages with a province's villages (issue 17 §4, bench/pages_every.py):
their village selects are written by core.forms.QuickSelect from values, not model instances
(20,328 villages took 1.5 s); the same options, the same queries for N and 3N villages."""

import re

import pytest

from registry.models import Village
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import ElectionFactory
from tests.scale import assert_flat

URLS = ["/elections/", "/elections/seats/", "/elections/new/", "/people/new/", "/candidates/"]


@pytest.fixture
def grow(township, other_township):
    TermFactory(year=2021)

    def add(n):
        for index in range(n):
            VillageFactory(township=township if index % 2 else other_township)

    return add


def select(html: str, name: str) -> str:
    return re.search(f'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


@pytest.mark.parametrize("role", ["organizer", "admin_user_"])
def test_village_selects_read_the_same_queries_for_n_and_3n_villages(client, grow, role, request):
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, URLS, grow, first=3, then=6, most=10)


def test_the_village_filter_lists_every_village_with_its_township(client, organizer, grow):
    grow(4)
    client.force_login(organizer)
    chosen = Village.objects.order_by("pk").last()
    html = client.get("/elections/", {"village": chosen.pk}).content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)? data-parent="(\d+)">([^<]*)<', html)
    expected = {(str(v.pk), str(v.township_id), v.name) for v in Village.objects.all()}
    assert {(pk, parent, name) for pk, _s, parent, name in options} == expected
    assert [pk for pk, selected, _p, _n in options if selected] == [str(chosen.pk)]
    assert 'data-follows="township"' in select(html, "village")


def test_the_person_form_lists_the_villages_and_keeps_the_chosen_one(
    client, organizer, grow, village
):
    grow(2)
    person = PersonFactory(village=village)
    client.force_login(organizer)
    html = select(client.get(f"/people/{person.pk}/edit/").content.decode(), "village")
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', html)
    assert options[0][0] == ""
    assert {(pk, name) for pk, _s, name in options[1:]} == {
        (str(v.pk), v.name) for v in Village.objects.active()
    }
    assert [pk for pk, selected, _n in options if selected] == [str(village.pk)]


def test_an_election_form_for_an_existing_election_shows_its_village(client, organizer, village):
    election = ElectionFactory(village=village)
    client.force_login(organizer)
    html = select(client.get(f"/elections/{election.pk}/edit/").content.decode(), "village")
    assert f'<option value="{village.pk}" selected>{village.name}</option>' in html

"""The election, seat and candidate lists' village filter at a province's size (issue 17 §4): a
province's administrator got all 20,328 villages as options (1.2 MB a page, 300-360 ms).
Past `BoundedVillageSelect.limit` villages in scope the select lists those of the township
(or county) chosen, and the village chosen; under it — a county organizer — every village.
Any village in scope is still accepted."""

import re

import pytest

from registry.filters import BoundedVillageSelect
from registry.models import Term, Village
from tests.factories import TermFactory, VillageFactory
from tests.factories.elections import ElectionFactory, SeatFactory
from tests.scale import assert_flat

LISTS = ["/elections/", "/elections/seats/"]
QUEUES = [*LISTS, "/candidates/"]  # the candidate queue's filter has the same select


@pytest.fixture
def villages(township, other_township):
    TermFactory(year=2021)
    return [VillageFactory(township=township if i % 2 else other_township) for i in range(6)]


def offered(html: str) -> list[str]:
    """The village select's options: their values (the empty one as "")."""
    select = re.search(r'<select name="village"[^>]*>.*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"', select)


@pytest.mark.parametrize("url", QUEUES)
def test_a_county_organizer_is_offered_every_village(client, organizer, villages, url):
    client.force_login(organizer)
    html = client.get(url).content.decode()
    assert sorted(offered(html)[1:]) == sorted(str(v.pk) for v in Village.objects.all())


@pytest.mark.parametrize("url", QUEUES)
def test_past_the_limit_the_villages_follow_the_township_chosen(
    client, admin_user_, villages, township, url, monkeypatch
):
    monkeypatch.setattr(BoundedVillageSelect, "limit", 3)
    client.force_login(admin_user_)
    html = client.get(url).content.decode()
    assert offered(html) == [""]
    assert "先选乡镇，再选村" in html
    html = client.get(url, {"township": township.pk}).content.decode()
    assert offered(html)[1:] == [str(v.pk) for v in villages if v.township == township]
    if url == "/candidates/":
        return  # no county filter there
    html = client.get(url, {"county": township.county.code}).content.decode()
    assert offered(html)[1:] == [str(v.pk) for v in sorted(villages, key=lambda v: v.code)][:3]


def test_the_village_chosen_is_offered_and_filters(client, admin_user_, villages, monkeypatch):
    monkeypatch.setattr(BoundedVillageSelect, "limit", 3)
    term = Term.objects.get(year=2021)
    chosen = villages[-1]
    ElectionFactory(village=chosen, term=term)
    ElectionFactory(village=villages[0], term=term)
    client.force_login(admin_user_)
    html = client.get("/elections/", {"village": chosen.pk}).content.decode()
    assert offered(html) == ["", str(chosen.pk)]
    assert f'<option value="{chosen.pk}" selected' in html
    assert "共 1 次" in html
    assert "共 2 次" in client.get("/elections/").content.decode()


@pytest.mark.parametrize("role", ["organizer", "admin_user_"])
def test_past_the_limit_the_lists_read_the_same_queries_for_n_and_3n_villages(
    client, township, role, request, monkeypatch
):
    monkeypatch.setattr(BoundedVillageSelect, "limit", 2)
    TermFactory(year=2021)

    def grow(n):
        for _ in range(n):
            SeatFactory(village=VillageFactory(township=township))

    client.force_login(request.getfixturevalue(role))
    urls = [*LISTS, f"/elections/seats/?township={township.pk}"]
    assert_flat(client, urls, grow, first=3, then=6, most=10)

"""The funnel over several counties (issue 17 §4): a province's administrator got a row
for each of 1,460 townships (510 KiB, 300-430 ms); the breakdown is now by county, each a
link to that county's funnel by township. A county's organizer sees their townships, as
before; the API keeps its townships."""

import re

import pytest

from tests.factories import CountyFactory, TermFactory, TownshipFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.scale import assert_flat


def rows(html: str, testid: str) -> list[tuple[str, str]]:
    """(name, total) of each row of a breakdown table; [] when the page has none."""
    if f'data-testid="{testid}"' not in html:
        return []
    part = html[html.index(f'data-testid="{testid}"') :].split("</table>")[0]
    return re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a></td><td class="num">(\d+)</td>', part)


@pytest.fixture
def two_counties(township, other_township):
    """Three 2026 names in the fixtures' county (two townships), two in 乡宁县."""
    term = TermFactory(year=2026)
    other = TownshipFactory(county=CountyFactory(code="141029", name="乡宁县"), name="昌宁镇")
    for place in (township, township, other_township, other, other):
        CandidacyFactory(village=VillageFactory(township=place), term=term)
    return township.county, other.county


def test_the_administrator_sees_the_funnel_by_county(client, admin_user_, two_counties):
    ours, theirs = two_counties
    client.force_login(admin_user_)
    html = client.get("/candidates/funnel/", {"term": 2026}).content.decode()
    assert rows(html, "funnel-counties") == [(ours.name, "3"), (theirs.name, "2")]
    assert rows(html, "funnel-townships") == []
    assert f'href="?term=2026&amp;county={theirs.pk}"' in html
    html = client.get("/candidates/funnel/", {"term": 2026, "county": theirs.pk}).content.decode()
    assert rows(html, "funnel-townships") == [("昌宁镇", "2")]
    place = theirs.townships.get()
    assert f'href="?term=2026&amp;county={theirs.pk}&amp;township={place.pk}"' in html
    assert re.search(r'data-testid="funnel-total">2<', html)


def test_a_county_organizer_sees_their_townships(client, organizer, two_counties, township):
    client.force_login(organizer)
    html = client.get("/candidates/funnel/", {"term": 2026}).content.decode()
    assert rows(html, "funnel-counties") == []
    assert sorted(rows(html, "funnel-townships")) == sorted(
        [(township.name, "2"), (organizer.county.townships.exclude(pk=township.pk)[0].name, "1")]
    )
    assert 'name="county"' not in html


def test_a_county_outside_the_scope_is_not_found(client, organizer, two_counties):
    client.force_login(organizer)
    other = two_counties[1]
    assert client.get("/candidates/funnel/", {"county": other.pk}).status_code == 404


@pytest.mark.parametrize("role", ["organizer", "admin_user_"])
def test_the_funnel_reads_the_same_queries_for_n_and_3n_counties(client, db, role, request):
    term = TermFactory(year=2026)

    def grow(n):
        for _ in range(n):
            township = TownshipFactory(county=CountyFactory())
            CandidacyFactory(village=VillageFactory(township=township), term=term)

    user = request.getfixturevalue(role)
    client.force_login(user)
    urls = ["/candidates/funnel/?term=2026", f"/candidates/funnel/?county={user.county_id}"]
    assert_flat(client, urls, grow, first=2, then=6, most=12)

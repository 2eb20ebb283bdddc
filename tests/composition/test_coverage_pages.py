"""The training coverage page and its API read the stored coverage (issue 17 §4): a
province's administrator waited 1.3-2 s for a distinct count of 150,000 members grouped by
1,460 townships; the table is now the stored rows of the counties in the user's scope, a
county without a valid row counted live beside them, and it reads as the live table."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from composition.models import TrainingCoverage
from elections.choices import Body, Post
from tests.composition import test_coverage
from tests.factories import CountyFactory, PersonFactory, TownshipFactory, VillageFactory
from tests.factories.elections import SeatFactory
from training.selectors import induction_coverage

stored = test_coverage.stored  # the fixture: figures and coverage stored by a recompute

# The live count: members counted once per township and in total.
LIVE = 'COUNT(DISTINCT "elections_seat"."person_id")'
PAGE = "/training/coverage/?term=2021"
API = "/api/v1/training/coverage/?term=2021"


def table(html: str) -> list[list[str]]:
    """The coverage table's rows and its total, cell by cell, as the user reads them."""
    part = html[html.index('data-testid="coverage-table"') :].split("</table>")[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S)[1:]
    ]


def read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def live_table(client, term, user, monkeypatch):
    """The page as it reads when every figure is counted live."""
    monkeypatch.setattr("training.views.coverage.scope_report", lambda *a, **k: None)
    html = client.get(PAGE).content.decode()
    monkeypatch.undo()
    return table(html)


@pytest.fixture
def second_county(stored):
    """Another county with two 2021 members and no stored coverage (never recomputed)."""
    county = CountyFactory(code="141029", name="乡宁县")
    village = VillageFactory(township=TownshipFactory(county=county, code="141029100"))
    for post in (Post.SECRETARY, Post.MEMBER):
        SeatFactory(
            village=village,
            term=stored.t2021,
            person=PersonFactory(village=village),
            body=Body.PARTY_COMMITTEE,
            post=post,
        )
    return county


@pytest.mark.parametrize("user", ["admin_user_", "organizer"])
def test_the_coverage_page_reads_the_stored_rows(
    client,
    request,
    stored,
    user,
    monkeypatch,
):
    client.force_login(request.getfixturevalue(user))
    cache.clear()
    response, sql = read(client, PAGE)
    assert any("composition_trainingcoverage" in q for q in sql)
    assert not any(LIVE in q for q in sql), "counted live"
    shown = table(response.content.decode())
    assert shown == live_table(client, stored.t2021, user, monkeypatch)
    assert shown[-1][:4] == ["合计", "8", shown[-1][2], "2"]  # 2 of 8 inducted in time


def test_a_county_without_a_stored_row_is_counted_live_beside_the_stored(
    client,
    admin_user_,
    second_county,
    stored,
    monkeypatch,
):
    client.force_login(admin_user_)
    response, sql = read(client, PAGE)
    assert any("composition_trainingcoverage" in q for q in sql)
    shown = table(response.content.decode())
    assert shown == live_table(client, stored.t2021, admin_user_, monkeypatch)
    assert shown[-1][:2] == ["合计", "10"]  # 8 stored + 2 counted live
    live = induction_coverage(stored.t2021, user=admin_user_)
    assert [row[0] for row in shown[:-1]] == [row.name for row in live.rows]


def test_the_api_reads_the_stored_rows(api, admin_user_, stored):
    client = api(admin_user_)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(API).json()
    assert not any(LIVE in q["sql"] for q in queries.captured_queries)
    live = induction_coverage(stored.t2021, user=admin_user_)
    assert (body["total"]["members"], body["total"]["completed"]) == (8, 2)
    assert [row["name"] for row in body["townships"]] == [row.name for row in live.rows]


def test_another_window_or_a_stale_row_is_counted_live(client, admin_user_, stored):
    client.force_login(admin_user_)
    _response, sql = read(client, PAGE + "&days=10")
    assert any(LIVE in q for q in sql)
    TrainingCoverage.objects.update(days=10)  # counted with another window
    _response, sql = read(client, PAGE)
    assert any(LIVE in q for q in sql)

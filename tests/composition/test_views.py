"""The dashboards: what each role sees, the figures shown, fixed query counts."""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from composition import selectors
from composition.services import composition_recompute
from elections.choices import Body, Post, SeatEndReason
from elections.models import Seat
from training.services import enrolment_check_in

COVERAGE = re.compile(r"(\d+) / (\d+) 人已完成")


@pytest.fixture
def computed(small_county):
    cache.clear()  # the coverage cards of earlier tests (local memory outlives a test)
    composition_recompute(term_id=small_county.t2018.pk)
    composition_recompute(term_id=small_county.t2021.pk)
    return small_county


def coverage_on(html: str) -> tuple[int, int]:
    """(completed, members) of the coverage card on a dashboard."""
    card = html[html.index('data-testid="coverage-summary"') :].split("</section>")[0]
    done, members = COVERAGE.search(card).groups()
    return int(done), int(members)


def members_on(html: str) -> str:
    """The members' count (this term) in the headline table."""
    members = html[html.index("<h2>“两委”成员</h2>") :]
    return re.search(r"<td>人数</td>\s*<td>(\d+)</td>", members).group(1)


def test_county_dashboard_shows_targets_and_charts(
    client, organizer, computed, django_assert_num_queries
):
    client.force_login(organizer)
    client.get("/composition/?term=2021")  # saves the session, caches the coverage card
    # The user (the session is read from the cache), terms (each with its pending recompute),
    # snapshot row: stored figures only; the coverage card comes from the cache, the session
    # is not written (accounts.middleware renews it every few minutes).
    with django_assert_num_queries(3) as queries:
        response = client.get("/composition/?term=2021")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "elections_seat" not in sql and "training_enrolment" not in sql  # nothing live
    html = response.content.decode()
    assert response.status_code == 200
    assert "吉县" in html
    assert 'data-testid="coverage-summary"' in html  # training coverage beside the figures
    assert "41.13" in html  # members' average age
    assert html.count("未达成") >= 2  # one-shoulder and cross-serving did not rise
    assert 'id="composition-breakdowns"' in html
    assert "<script>" not in html.replace("<script src=", "")  # no inline script
    assert "已是最新" in html


def test_percentages_read_with_two_places(client, organizer, computed):
    client.force_login(organizer)
    html = client.get("/composition/?term=2021").content.decode()
    figures = selectors.scope_row(organizer, computed.t2021).figures
    shares = [
        item["pct"]
        for population in ("secretaries", "members")
        for item in figures[population].values()
        if isinstance(item, dict) and item["pct"] is not None
    ]
    assert any(pct == int(pct) for pct in shares)  # a whole one: 50 reads "50.00", not "50.0"
    for pct in shares:
        assert f"{pct:.2f}%" in html
    ages = [figures[p]["avg_age"] for p in ("secretaries", "members")]
    for age in ages:
        assert f"<td>{age:.2f}</td>" in html


def test_coverage_card_follows_the_dashboard_scope(client, organizer, computed):
    """The training coverage card covers the scope on screen, not the user's whole county."""
    client.force_login(organizer)
    county = client.get("/composition/?term=2021").content.decode()
    card = county[county.index('data-testid="coverage-summary"') :].split("</section>")[0]
    assert "吉昌镇" in card and "屯里镇" in card
    town = client.get("/composition/?term=2021&scope=141028100").content.decode()
    card = town[town.index('data-testid="coverage-summary"') :].split("</section>")[0]
    assert "吉昌镇" in card and "屯里镇" not in card


def test_township_dashboard_reads_stored_figures_only(
    client, official, computed, django_assert_num_queries
):
    client.force_login(official)
    first = client.get("/composition/?term=2021").content.decode()
    with django_assert_num_queries(3) as queries:  # as the county's (the township's row)
        html = client.get("/composition/?term=2021").content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "elections_seat" not in sql and "training_enrolment" not in sql
    assert coverage_on(html) == coverage_on(first)
    assert "吉昌镇" in html


def test_figures_and_coverage_follow_a_recompute(client, organizer, computed):
    """A seat that ends shows on the page, card included, once the figures are recomputed:
    the cached card is keyed by the snapshot row, so a recompute never leaves it stale."""
    client.force_login(organizer)
    before = client.get("/composition/?term=2021").content.decode()
    done, members = coverage_on(before)
    seat = (
        Seat.objects.current()
        .filter(term=computed.t2021, body=Body.VILLAGERS_COMMITTEE, post=Post.MEMBER)
        .first()
    )
    assert Seat.objects.current().filter(term=computed.t2021, person=seat.person).count() == 1
    Seat.objects.filter(pk=seat.pk).update(
        ended_on=dt.date(2022, 1, 1), end_reason=SeatEndReason.RESIGNATION
    )
    composition_recompute(term_id=computed.t2021.pk)

    after = client.get("/composition/?term=2021").content.decode()
    assert coverage_on(after) == (done, members - 1)
    assert int(members_on(after)) == int(members_on(before)) - 1


def test_check_in_shows_on_the_next_view(
    client, organizer, computed, django_capture_on_commit_callbacks
):
    """Attendance changes no composition figure, yet the cached card follows it."""
    from tests.factories.training import EnrolmentFactory, TrainingSessionFactory

    client.force_login(organizer)
    done, members = coverage_on(client.get("/composition/?term=2021").content.decode())
    person = Seat.objects.current().filter(term=computed.t2021, body=Body.PARTY_COMMITTEE)[0].person
    enrolment = EnrolmentFactory(
        session=TrainingSessionFactory(county=computed.county), person=person
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_check_in(
            enrolment=enrolment,
            actor=organizer,
            at=dt.datetime(2021, 5, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        )
    html = client.get("/composition/?term=2021").content.decode()
    assert coverage_on(html) == (done + 1, members)


def test_cached_figures_follow_the_language(client, organizer, computed, settings):
    """The body is cached per language: an English reader after a Chinese one reads English."""
    client.force_login(organizer)
    assert "“五升一降”目标" in client.get("/composition/?term=2021").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/composition/?term=2021").content.decode()
    assert '"Five rises, one fall" targets' in html and "“五升一降”目标" not in html


def test_dashboard_without_the_cache_is_slower_not_broken(client, organizer, computed, monkeypatch):
    from composition import fragments

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    for name in ("get", "set", "add", "incr"):
        monkeypatch.setattr(fragments.cache, name, down)
    client.force_login(organizer)
    response = client.get("/composition/?term=2021")
    assert response.status_code == 200
    assert 'data-testid="coverage-summary"' in response.content.decode()
    fragments.training_changed()  # runs after a commit: logs, does not raise


def test_dashboard_query_count_does_not_grow_with_villages(
    client, organizer, computed, django_assert_max_num_queries
):
    from tests.factories import VillageFactory

    client.force_login(organizer)
    for n in range(5):
        VillageFactory(township=computed.township, code=f"14102810030{n}", name=f"新村{n}")
    composition_recompute(term_id=computed.t2021.pk)
    client.get("/composition/?term=2021")  # warm the session
    with django_assert_max_num_queries(10):
        client.get("/composition/table/?term=2021&scope=141028100")


def test_township_table_marks_misses_and_exports(client, viewer, computed):
    client.force_login(viewer)
    html = client.get("/composition/table/?term=2021").content.decode()
    assert "吉昌镇" in html and "屯里镇" in html
    assert 'class="row-bad"' in html
    response = client.get("/composition/table/?term=2021&format=xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.values)
    assert rows[0][1] == "名称"
    assert {r[1] for r in rows[1:]} == {"吉昌镇", "屯里镇"}


def test_official_sees_only_their_township(client, official, computed):
    client.force_login(official)
    html = client.get("/composition/?term=2021").content.decode()
    assert "吉昌镇" in html
    assert client.get("/composition/?term=2021&scope=141028").status_code == 404
    assert client.get("/composition/?term=2021&scope=141028101").status_code == 404
    assert client.get("/composition/villages/141028101201/?term=2021").status_code == 404
    table = client.get("/composition/table/?term=2021").content.decode()
    assert "东关村" in table and "西坪村" not in table


def test_village_team_drill_down(client, organizer, computed, django_assert_max_num_queries):
    client.force_login(organizer)
    client.get("/composition/?term=2021")
    with django_assert_max_num_queries(10):
        response = client.get("/composition/villages/141028100201/?term=2021")
    html = response.content.decode()
    assert response.status_code == 200
    assert computed.p1.name in html
    assert "书记" in html and "村务监督委员会" in html


def test_reviewer_and_api_client_have_no_dashboard(client, reviewer, api_user, computed):
    for user in (reviewer, api_user):
        client.force_login(user)
        assert client.get("/composition/?term=2021").status_code == 403


def children_members(html: str) -> dict[str, str]:
    """{name: members count} of the table of scopes below."""
    table = html[html.index('data-testid="children"') :].split("</table>")[0]
    rows = re.findall(r'<a href="[^"]*">([^<]+)</a></td>\s*(?:<td[^>]*>[^<]*</td>\s*){3}<td data-value="(\d+)"', table)
    return dict(rows)


def test_township_table_is_cached_and_follows_a_recompute(
    client, organizer, computed, django_assert_num_queries
):
    """The table of townships is rendered once per parent row: the next view reads no
    child rows, and a recompute below (which rewrites the parent's row) shows at once."""
    client.force_login(organizer)
    before = children_members(client.get("/composition/table/?term=2021").content.decode())
    with django_assert_num_queries(3) as queries:  # user, terms and pending, the parent's row
        again = client.get("/composition/table/?term=2021").content.decode()
    assert children_members(again) == before
    assert all('"parent_code" = ' not in q["sql"] for q in queries.captured_queries)
    seat = (
        Seat.objects.current()
        .filter(term=computed.t2021, body=Body.VILLAGERS_COMMITTEE, post=Post.MEMBER)
        .select_related("village__township")
        .first()
    )
    Seat.objects.filter(pk=seat.pk).update(
        ended_on=dt.date(2022, 1, 1), end_reason=SeatEndReason.RESIGNATION
    )
    composition_recompute(term_id=computed.t2021.pk)
    after = children_members(client.get("/composition/table/?term=2021").content.decode())
    name = seat.village.township.name
    assert int(after[name]) == int(before[name]) - 1

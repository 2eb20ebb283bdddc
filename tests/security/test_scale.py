"""Pages, lists and exports that must hold at a county's scale (~120,000 people and seats).

Each page and API list reads a fixed number of queries however many rows there are (built
N, then 3N), lists a bounded number of rows, and every export streams all of its rows.
The timings at 121,000 seats are in docs/performance.md (bench/pages_at_scale.py).
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from elections.choices import Body, Post
from elections.models import Seat
from people.models import Person
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    TrainingSessionFactory,
)
from tests.scale import assert_flat
from training.models import Enrolment

N = 4


@pytest.fixture
def grow(county, village):
    """grow(n): n more people, each holding a seat, invited to the session; every other
    one in the mentor pool."""
    term = TermFactory(year=2021)
    session = TrainingSessionFactory(county=county)

    def add(n):
        for i in range(n):
            person = PersonFactory(village=village)
            SeatFactory(
                village=village,
                term=term,
                person=person,
                body=Body.VILLAGERS_COMMITTEE,
                post=Post.MEMBER,
            )
            EnrolmentFactory(session=session, person=person)
            if i % 2:
                MentorPoolEntryFactory(person=person)

    add.session = session
    return add


def page_urls(session) -> list[str]:
    return [
        f"/training/sessions/{session.pk}/",
        f"/training/sessions/{session.pk}/roll-call/",
        "/training/mentors/",
        "/training/mentorships/new/",
        "/elections/seats/",
        "/people/",
        "/audit/people.person/",
        "/api/v1/seats/",
        "/api/v1/seats/?page=2&page_size=2",
        "/api/v1/people/",
        "/api/v1/training/enrolments/",
        "/api/v1/training/mentors/",
    ]


def export_urls(session) -> list[str]:
    return [
        f"/training/sessions/{session.pk}/attendance.xlsx",
        f"/training/sessions/{session.pk}/attendance/template.xlsx",
        "/elections/export/seats.csv",
        "/elections/export/seats.xlsx",
        "/audit/people.person/export.xlsx",
    ]


def test_pages_lists_and_exports_read_the_same_queries_for_n_and_3n_rows(client, organizer, grow):
    client.force_login(organizer)
    urls = page_urls(grow.session) + export_urls(grow.session)
    assert_flat(client, urls, grow, first=N, then=2 * N, most=16)


def test_person_pickers_list_a_bounded_number_of_people(client, organizer, grow, monkeypatch):
    """The session page, the mentor pool and the new pair form offered every person of the
    county as an option (4 MB, 48 s at 106,000 people); now at most PICKER_LIMIT, found by
    name with ?person_q=."""
    monkeypatch.setattr("core.forms.PICKER_LIMIT", 3)
    grow(3 * N)
    client.force_login(organizer)
    session = grow.session
    pickers = {
        f"/training/sessions/{session.pk}/": "persons",
        "/training/mentors/": "person",
        "/training/mentorships/new/": "mentees",
    }
    for url, name in pickers.items():
        html = client.get(url).content.decode()
        select = re.search(f'<select name="{name}".*?</select>', html, re.S).group(0)
        assert len(re.findall(r'<option value="\d+"', select)) == 3, url
    target = Person.objects.order_by("pk").last()
    html = client.get(f"/training/sessions/{session.pk}/", {"person_q": target.name})
    assert f'<option value="{target.pk}">' in html.content.decode()
    # Any person of the county is still accepted, listed or not.
    outsider = PersonFactory(village=target.village)
    response = client.post(
        f"/training/sessions/{session.pk}/do/invite-people/", {"persons": [outsider.pk]}
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(session=session, person=outsider).exists()


def test_the_roll_call_is_paged_and_counts_every_invitee(client, organizer, grow, monkeypatch):
    monkeypatch.setattr("training.views.attendance.ROLL_CALL_PAGE", 5)
    grow(3 * N)
    client.force_login(organizer)
    url = f"/training/sessions/{grow.session.pk}/roll-call/"
    html = client.get(url).content.decode()
    assert html.count('data-testid="rc-row"') == 5
    assert f'data-count="invited">{3 * N}<' in html
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('data-testid="rc-row"') == 3 * N - 10
    name = Person.objects.order_by("pk").last().name
    found = client.get(url, {"q": name}).content.decode()
    assert found.count('data-testid="rc-row"') == 1


def test_exports_stream_every_row(client, organizer, grow):
    grow(3 * N)
    client.force_login(organizer)
    session = grow.session
    seats = Seat.objects.count()
    for url in export_urls(session):
        response = client.get(url)
        assert response.streaming, url
        body = response.getvalue()
        if url.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        else:
            rows = list(load_workbook(io.BytesIO(body)).worksheets[0].values)
        expected = {
            "attendance.xlsx": Enrolment.objects.filter(session=session).count(),
            "template.xlsx": Enrolment.objects.filter(session=session).count(),
            "seats.csv": seats,
            "seats.xlsx": seats,
            "export.xlsx": Person.history.count(),
        }[url.rsplit("/", 1)[1]]
        assert len(rows) - 1 == expected, url


def test_api_pages_read_keys_first_and_keep_the_order(api, organizer, grow):
    """core.api reads a page's keys, then its rows: the same rows, in the same order."""
    grow(3 * N)
    client = api(organizer)
    ids = [row["id"] for row in client.get("/api/v1/seats/?page_size=500").json()["results"]]
    assert ids == sorted(ids) and len(ids) == 3 * N
    pages = [client.get(f"/api/v1/seats/?page_size=5&page={n}").json() for n in range(1, 4)]
    assert [row["id"] for page in pages for row in page["results"]] == ids[:15]
    assert {page["count"] for page in pages} == {3 * N}

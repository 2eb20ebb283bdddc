"""A village's round page and a leader's "my villages" name each problem's owner (the team
member who took it on, 领账) in a fixed number of queries, whatever the number of problems."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from rounds import services
from rounds.models import Problem
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _add_problems(village, count):
    today = timezone.localdate()
    for n in range(count):  # each with its own owner
        Problem.objects.create(
            village=village,
            source="residents",
            category="other",
            description=f"问题{Problem.objects.count() + 1}",
            reported_on=today,
            deadline=today + dt.timedelta(days=7),
            owner_person=PersonFactory(village=village, name=f"领账人{n}"),
        )


def _queries_and_owners(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    return len(captured), html.count('data-testid="problem-owner">领账人')


def _pinned(client, page, village) -> None:
    client.get(page)  # the first request of a session reads more (user, session)
    _add_problems(village, 2)
    at_2, shown_2 = _queries_and_owners(client, page)
    _add_problems(village, 4)
    at_6, shown_6 = _queries_and_owners(client, page)
    assert (shown_2, shown_6) == (2, 6)
    assert at_2 == at_6, (at_2, at_6)


def test_the_village_round_page_names_owners_in_fixed_queries(client, official, round_, village):
    client.force_login(official)
    _pinned(client, reverse("rounds:village", args=[village.pk]), village)


def test_my_villages_names_owners_in_fixed_queries(client, leader, round_, village):
    services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    client.force_login(leader)
    _pinned(client, reverse("rounds:mine"), village)

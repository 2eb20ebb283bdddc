"""Candidate pages at a province's size (issue 17 §4, bench/pages_every.py): the queue, the
candidate list and the nomination form read the same number of queries for N and 3N
villages; the print list shows at most PRINT_LIMIT names and says how many there are."""

import re

import pytest
from django.utils import timezone

from accounts.choices import Department
from candidates.choices import SignOffOutcome
from candidates.models import Candidacy, SignOff
from tests.factories import TermFactory, UserFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.scale import assert_flat

URLS = [
    "/candidates/",
    "/candidates/?stage=nominated",
    "/candidates/list/?term=2026",
    "/candidates/new/",
    "/api/v1/candidacies/",
]


@pytest.fixture
def grow(township):
    """grow(n): n more villages, each with a 2026 candidacy; every other one flagged by
    a department."""
    term = TermFactory(year=2026)
    reviewer = UserFactory(role="department_reviewer", department=Department.POLICE)

    def add(n):
        for index in range(n):
            village = VillageFactory(township=township)
            candidacy = CandidacyFactory(village=village, term=term)
            if index % 2:
                SignOff.objects.create(
                    candidacy=candidacy,
                    department=Department.POLICE,
                    outcome=SignOffOutcome.FLAG,
                    note="需核实",
                    signed_by=reviewer,
                    signed_at=timezone.now(),
                )

    return add


@pytest.mark.parametrize("role", ["organizer", "admin_user_"])
def test_candidate_pages_read_the_same_queries_for_n_and_3n_villages(client, grow, role, request):
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, URLS, grow, first=2, then=4, most=12)


def test_the_queue_and_the_list_count_each_names_open_flags(client, organizer, grow):
    """The counts are correlated subqueries now (a GROUP BY of every name took a second at
    a province): each name still shows its own flags."""
    grow(4)
    client.force_login(organizer)
    html = client.get("/candidates/").content.decode()
    assert html.count('class="tag tag-flag"') == 2
    flagged = set(SignOff.objects.values_list("candidacy_id", flat=True))
    flags = dict(Candidacy.objects.with_flags().values_list("pk", "open_flags"))
    assert {pk for pk, n in flags.items() if n} == flagged
    assert set(flags.values()) == {0, 1}


def test_the_candidate_list_shows_at_most_its_limit_and_says_how_many(
    client, organizer, grow, monkeypatch
):
    """A province's administrator got 40,000 names on one print page (9.5 MB, 19 s)."""
    monkeypatch.setattr("candidates.papers.PRINT_LIMIT", 3)
    grow(5)
    client.force_login(organizer)
    html = client.get("/candidates/list/?term=2026").content.decode()
    assert len(re.findall(r'href="/candidates/\d+/form/"', html)) == 3
    assert "共 5 人" in html
    assert 'data-testid="list-limited"' in html
    monkeypatch.setattr("candidates.papers.PRINT_LIMIT", 5)
    whole = client.get("/candidates/list/?term=2026").content.decode()
    assert len(re.findall(r'href="/candidates/\d+/form/"', whole)) == 5
    assert 'data-testid="list-limited"' not in whole

"""The round's own authorization matrix, with the liaison leader that the project's matrix
(tests/security/test_matrix.py, which has the round's rows for the other roles) does not
have: every page and API route × every role, reads and writes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.policy import SYSTEM
from core.roles import Role
from rounds import services
from rounds.reports import report_build

pytestmark = pytest.mark.django_db

ANON = "anonymous"
STAFF = {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER, Role.TOWNSHIP_OFFICIAL}
BOARD = STAFF | {Role.LIAISON_LEADER}
EDIT = {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL}
LEDGER = EDIT | {Role.LIAISON_LEADER}
API_READ = BOARD | {Role.API_CLIENT}
ROLES = [ANON, *Role]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SESSION = re.compile(r'^\s*\w+\s+(INTO\s+|FROM\s+)?"?(django_session|axes_)', re.IGNORECASE)


@pytest.fixture
def world(round_, village, make_user):
    users = {role: make_user(role) for role in Role}
    services.liaison_add(
        round_=round_, leader=users[Role.LIAISON_LEADER], village=village, actor=SYSTEM
    )
    problem = services.problem_create(
        village=village,
        source="supervision",
        category="procedure",
        description="问题",
        deadline=timezone.localdate(),
        actor=SYSTEM,
    )
    report = report_build(round_=round_, actor=SYSTEM)[1]  # the township's
    return {"users": users, "village": village, "problem": problem, "report": report}


PAGES = {
    "rounds:board": (BOARD, None),
    "rounds:board-xlsx": (BOARD, None),
    "rounds:mine": (BOARD, None),
    "rounds:plan": (BOARD, None),
    "rounds:village": (BOARD, "village"),
    "rounds:screening": (BOARD, "village"),
    "rounds:problem-list": (BOARD, None),
    "rounds:problem-xlsx": (BOARD, None),
    "rounds:problem-upload": (LEDGER, None),
    "rounds:problem-detail": (BOARD, "problem"),
    "rounds:visit-list": (BOARD, None),
    "rounds:visit-xlsx": (BOARD, None),
    "rounds:visit-upload": (EDIT, None),
    "rounds:talk-list": (BOARD, None),
    "rounds:talk-xlsx": (BOARD, None),
    "rounds:liaison": (BOARD, None),
    "rounds:liaison-xlsx": (BOARD, None),
    "rounds:report-list": (BOARD, None),
    # A township's report: a liaison leader reads the county's only (404 here).
    "rounds:report-detail": (BOARD, "report"),
    "rounds:report-xlsx": (BOARD, "report"),
}
APIS = [
    "/api/v1/rounds/board/",
    "/api/v1/rounds/problems/",
    "/api/v1/rounds/visits/",
    "/api/v1/rounds/visits/totals/",
    "/api/v1/rounds/talks/",
    "/api/v1/rounds/liaisons/",
    "/api/v1/rounds/reports/",
]


def test_page_reads(client, world):
    """…and no GET writes (tests/core/test_get_writes_nothing.py, for these routes)."""
    failures = []
    for name, (roles, obj) in PAGES.items():
        url = reverse(name, args=[world[obj].pk] if obj else [])
        for role in ROLES:
            client.logout()
            if role != ANON:
                client.force_login(world["users"][role])
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            failures += [
                f"GET {name} as {role} wrote: {q['sql'][:80]}"
                for q in captured
                if WRITE.match(q["sql"]) and not SESSION.match(q["sql"])
            ]
            expected = 302 if role == ANON else 200 if role in roles else 403
            if obj == "report" and role == Role.LIAISON_LEADER:
                expected = 404
            if status != expected:
                failures.append(f"{name} as {role}: {status}, expected {expected}")
    assert failures == []


def test_api_reads(world):
    failures = []
    for url in APIS:
        for role in ROLES:
            client = APIClient()
            if role != ANON:
                client.force_authenticate(world["users"][role])
            status = client.get(url).status_code
            expected = 401 if role == ANON else 200 if role in API_READ else 403
            if status != expected and not (role == ANON and status == 403):
                failures.append(f"{url} as {role}: {status}, expected {expected}")
    assert failures == []


def test_a_leader_reads_the_county_report(client, world, round_):
    client.force_login(world["users"][Role.LIAISON_LEADER])
    county_report = round_.reports.get(township__isnull=True)
    assert client.get(county_report.get_absolute_url()).status_code == 200


def test_writes_are_refused_to_readers(client, world):
    village, problem = world["village"], world["problem"]
    writes = {
        reverse("rounds:village", args=[village.pk]): {
            "what": "record",
            "step": "audit",
            "done_on": "2026-01-01",
            "done_by": "x",
        },
        reverse("rounds:visit-list"): {"village": village.pk},
        reverse("rounds:liaison"): {"leader": 1, "village": village.pk},
        reverse("rounds:report-list"): {"kind": "daily"},
        reverse("rounds:plan"): {"what": "limit", "liaison_limit": 9},
        problem.get_absolute_url(): {"action": "verify"},
    }
    for role in (Role.COUNTY_VIEWER, Role.DEPARTMENT_REVIEWER, Role.API_CLIENT):
        client.force_login(world["users"][role])
        for url, data in writes.items():
            assert client.post(url, data).status_code == 403, (url, role)
    client.force_login(world["users"][Role.LIAISON_LEADER])
    for url in list(writes)[:5]:
        assert client.post(url, writes[url]).status_code == 403, url
    client.force_login(world["users"][Role.TOWNSHIP_OFFICIAL])
    assert client.post(reverse("rounds:plan"), writes[reverse("rounds:plan")]).status_code == 403

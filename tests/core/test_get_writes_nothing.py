"""No GET writes to the database: every route of the project (the authorization matrix's
table and objects) read by every role, with every statement captured. Only the session
(saved on every request), django-axes and the audit trail's record of a whole ID number
shown to a department reviewer (audit.IdNumberView) may be written."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import NegativeListItem, ReviewDepartment
from tests.factories import CountyFactory
from tests.security.test_matrix import ROLES, ROUTES, client_for, is_api, url_for, world

pytestmark = pytest.mark.django_db

__all__ = ["world"]  # the matrix's fixture, used below

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# The one write a page may make on GET: a department reviewer shown whole ID numbers (queue,
# candidacy, queue export) leaves one audit row per number shown (audit.IdNumberView, issue
# 13 point 10), written in one INSERT per page.
ALLOWED = re.compile(
    r'^\s*\w+\s+(INTO\s+|FROM\s+)?"?(django_session|axes_|audit_idnumberview")', re.IGNORECASE
)


def _writes(queries) -> list[str]:
    return [
        q["sql"][:200] for q in queries if WRITE.match(q["sql"]) and not ALLOWED.match(q["sql"])
    ]


def test_no_get_writes_to_the_database(world):
    failures = []
    for name, route in ROUTES.items():
        for which in ("own", "other"):
            if which == "other" and not (route.obj and route.scoped):
                continue
            url = url_for(name, route, world["objects"][which])
            for role in ROLES:
                client = client_for(world["users"][role], is_api(name))
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                failures += [f"GET {url} as {role}: {sql}" for sql in _writes(captured)]
    assert failures == []


def test_a_new_county_has_its_reference_data_from_the_start():
    """Created with the county, not on the first read of a page or of the API."""
    county = CountyFactory(code="141029", name="乡宁县")
    assert NegativeListItem.objects.filter(county=county).count() == 12
    assert ReviewDepartment.objects.filter(county=county, takes_part=True).exists()

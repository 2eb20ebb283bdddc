"""The schema as a contract: schemathesis runs every operation of /api/schema/ with every
built-in check, for each role (administrator, county organizer, township official,
department reviewer, API client; tokens that may write where the role may), over a small
county, and any failure of any class fails the test.

One setting differs from schemathesis' defaults, on purpose: `positive_data_acceptance` also
accepts 400. A request can match the schema and still break a rule the schema cannot say (a
legal check of the election law, a person already nominated, a village of another township);
those are refused with 400 and a problem body that names the rule (docs/api.md, Errors)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, settings

from accounts.services import api_token_create
from core.access import Role
from tests.api.county import small_county

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=CONFIG)
BOUNDED = settings(
    max_examples=1,  # the suite's time budget: one example per mode, five roles each
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],  # no shrinking: the report shows the request
    suppress_health_check=list(HealthCheck),
)
ROLES = {
    Role.ADMIN: True,
    Role.COUNTY_ORGANIZER: True,
    Role.TOWNSHIP_OFFICIAL: True,
    Role.DEPARTMENT_REVIEWER: True,
    Role.API_CLIENT: False,
}


@pytest.fixture
def keep_test_connection():
    """As django.test.Client does: the WSGI handler must not close the test transaction's
    connection at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(keep_test_connection, make_user, village, other_village):
    """Tokens of every role over a small county (tests/api/county.py)."""
    small_county(village, other_village)
    return {
        role: api_token_create(user=make_user(role), name="schemathesis", can_write=write)[1]
        for role, write in ROLES.items()
    }


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_operation(case, tokens):
    if case.path == "/api/v1/auth/token/":
        case.call_and_validate()
        return
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"})

"""The OpenAPI schema exercised by schemathesis: every operation, as an API client (read-only
token) and as a township official (token that may write), with generated input. No 5xx, and
every response matches the schema. Bounded: a few examples per operation."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.services import api_token_create
from core.access import Role
from tests.factories import PersonFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],  # no shrinking (the report shows the request), no coverage phase
    suppress_health_check=list(HealthCheck),
)

# Failures found in apps still being built, reported to their engineers; these operations
# are skipped until fixed (remove the line to run them again).
KNOWN_BUGS: dict[str, str] = {}  # "METHOD /path": why it is skipped; keep empty


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
    PersonFactory(village=village)
    PersonFactory(village=other_village)
    client = make_user(Role.API_CLIENT)
    official = make_user(Role.TOWNSHIP_OFFICIAL)
    return {
        "api_client": api_token_create(user=client, name="schemathesis")[1],
        "official": api_token_create(user=official, name="schemathesis", can_write=True)[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_operation(case, tokens):
    if f"{case.method.upper()} {case.path}" in KNOWN_BUGS:
        return
    if case.path == "/api/v1/auth/token/":
        case.call_and_validate(checks=[not_a_server_error])
        return
    for role in ("api_client", "official"):
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)

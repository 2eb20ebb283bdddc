"""Fault tests need PostgreSQL (and some Redis); on a SQLite laptop they skip, under CI they fail."""

import pytest
from django.db import connection

from tests.conftest import need


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        need("PostgreSQL", "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_security")
    return connection.settings_dict

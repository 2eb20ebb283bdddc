"""A round of the 2026 term in the test county that started 60 days ago (default plan:
screening days 0–20, so overdue by now; party election days 40–60, open today; supervision
days 75–90, not started)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.policy import SYSTEM
from core.roles import Role
from rounds import services
from rounds.models import Round, RoundStep
from tests.factories import TermFactory, VillageFactory

STARTED_DAYS_AGO = 60


@pytest.fixture
def term(db):
    return TermFactory(year=2026)


@pytest.fixture
def round_(county, term):
    today = timezone.localdate()
    start = today - dt.timedelta(days=STARTED_DAYS_AGO)
    round_ = services.round_create(
        county=county,
        term=term,
        starts_on=start,
        ends_on=start + dt.timedelta(days=150),
        actor=SYSTEM,
    )
    # The plan was laid out before the round started: so its history says (the board as of
    # a past day reads the plan from it).
    laid_out = timezone.now() - dt.timedelta(days=STARTED_DAYS_AGO + 1)
    Round.history.filter(id=round_.pk).update(history_date=laid_out)
    RoundStep.history.filter(round_id=round_.pk).update(history_date=laid_out)
    return round_


@pytest.fixture
def leader(make_user):
    return make_user(Role.LIAISON_LEADER, username="leader", full_name="刘县长")


@pytest.fixture
def villages(township):
    """Two more villages of the first township (besides `village`)."""
    return VillageFactory.create_batch(2, township=township)

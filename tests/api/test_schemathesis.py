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
from candidates.choices import Stage
from core.access import Role
from tests.factories import PersonFactory, TermFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory
from tests.factories.training import (
    CheckInFactory,
    EnrolmentFactory,
    MentorPoolEntryFactory,
    MentorshipFactory,
    TrainingSessionFactory,
)

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
    """A small county: two townships, people in both, an election with a result, a seat,
    candidacies (one in joint review, for the reviewer), a training session with an
    enrolment, a mentorship with a check-in, and the round's rows."""
    term = TermFactory(year=2021)
    county = village.township.county
    PersonFactory(village=other_village)
    election = ElectionFactory(village=village, term=term)
    ElectionCandidateFactory(election=election, votes=10)
    seat = SeatFactory(village=village, term=term)
    CandidacyFactory(village=village, term=term)
    CandidacyFactory(village=village, term=term, stage=Stage.JOINT_REVIEW)
    session = TrainingSessionFactory(county=county, audience_term=term)
    EnrolmentFactory(session=session, person=seat.person)
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    CheckInFactory(
        mentorship=MentorshipFactory(
            county=county, township=village.township, mentors=[mentor], mentees=[seat.person]
        )
    )
    _round(county, village, seat.person)
    return {
        role: api_token_create(user=make_user(role), name="schemathesis", can_write=write)[1]
        for role, write in ROLES.items()
    }


def _round(county, village, person):
    """The county's round of the open term, so that the round's writes can succeed: a
    screening, a team, a talk and a key person in the village, a unit."""
    import datetime as dt

    from core.policy import SYSTEM
    from rounds import services

    round_ = services.round_create(
        county=county,
        term=TermFactory(year=2026),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        actor=SYSTEM,
    )
    services.screening_save(
        round_=round_, village=village, screened_on=dt.date(2026, 1, 5), actor=SYSTEM
    )
    services.team_set(round_=round_, village=village, township_cadre="包村干部", actor=SYSTEM)
    services.talk_create(
        village=village,
        person=person,
        kind="heart",
        held_on=dt.date(2026, 2, 1),
        talker="书记",
        actor=SYSTEM,
    )
    services.key_person_save(round_=round_, person=person, reason="重点", actor=SYSTEM)
    services.unit_save(round_=round_, name="县直单位", villages=[village], actor=SYSTEM)


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_operation(case, tokens):
    if case.path == "/api/v1/auth/token/":
        case.call_and_validate()
        return
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"})

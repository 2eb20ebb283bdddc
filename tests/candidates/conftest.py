"""Fixtures for candidate vetting: a county with two required departments and their
reviewers, and `advance(candidacy, to_stage)` that walks a candidacy there through the
services, as the real deciders would."""

import datetime as dt

import pytest

from accounts.choices import Department
from candidates import services
from candidates.choices import STAGE_PATH, Outcome, SignOffOutcome, Stage
from candidates.policies import TOWNSHIP_STAGES
from core.access import Role
from core.policy import SYSTEM
from tests.factories import TermFactory
from tests.factories.candidates import CandidacyFactory

MEETING = {"meeting_date": dt.date(2021, 3, 1), "minute_number": "2021-05"}


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


@pytest.fixture
def departments(county):
    """The county's joint review: police and organization required, the others off."""
    services.review_departments_ensure(county=county)
    for department in Department:
        keep = department in (Department.POLICE, Department.ORGANIZATION)
        services.review_department_set(
            county=county,
            department=department,
            takes_part=keep,
            required=keep,
            actor=SYSTEM,
        )
    return [Department.ORGANIZATION, Department.POLICE]


@pytest.fixture
def org_reviewer(make_user):
    return make_user(Role.DEPARTMENT_REVIEWER, department=Department.ORGANIZATION)


@pytest.fixture
def items(county):
    return services.negative_list_ensure(county=county)


@pytest.fixture
def candidacy(village, term):
    return CandidacyFactory(village=village, term=term)


@pytest.fixture
def advance(official, organizer, reviewer, org_reviewer, departments, make_user):
    """advance(candidacy, stage): pass it, stage by stage, up to `stage`."""

    officials = {official.township_id: official}

    def walk(candidacy, stage):
        target = STAGE_PATH.index(stage)
        while STAGE_PATH.index(candidacy.stage) < target:
            current = candidacy.stage
            if current == Stage.JOINT_REVIEW:
                for user in (reviewer, org_reviewer):
                    if not candidacy.sign_offs.filter(department=user.department).exists():
                        services.sign_off_record(
                            candidacy=candidacy, outcome=SignOffOutcome.PASS, actor=user
                        )
            actor = organizer
            if current in TOWNSHIP_STAGES:
                township = candidacy.village.township
                actor = officials.get(township.pk) or officials.setdefault(
                    township.pk, make_user(Role.TOWNSHIP_OFFICIAL, township=township)
                )
            services.candidacy_decide(
                candidacy=candidacy,
                outcome=Outcome.PASS,
                expected_version=candidacy.version,
                actor=actor,
                **(
                    MEETING
                    if current
                    in (
                        Stage.TOWNSHIP_COMMITTEE,
                        Stage.ORGANIZATION_DEPARTMENT,
                        Stage.STANDING_COMMITTEE,
                    )
                    else {}
                ),
            )
            candidacy.refresh_from_db()
        return candidacy

    return walk

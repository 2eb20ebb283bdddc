"""Fixtures for training: a 2021 term with seated members in two townships."""

import pytest

from elections.choices import Body, Post
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import TrainingSessionFactory


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


@pytest.fixture
def seat(term):
    """seat(village, post=..., body=..., **person_fields) -> a current seat of the 2021 term."""

    def make(village, post=Post.MEMBER, body=Body.PARTY_COMMITTEE, person=None, **fields):
        person = person or PersonFactory(village=village, **fields)
        return SeatFactory(village=village, term=term, body=body, post=post, person=person)

    return make


@pytest.fixture
def county_session(county, term):
    return TrainingSessionFactory(county=county, audience_term=term, title="新任两委培训班")


@pytest.fixture
def township_session(county, township, term):
    return TrainingSessionFactory(
        county=county, township=township, audience_term=term, title="吉昌镇培训班"
    )

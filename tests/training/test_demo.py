"""The training demo builds from the seats it finds, and builds nothing without them."""

import io
import random
from types import SimpleNamespace

import pytest

from elections.choices import Body, Post
from tests.factories import TermFactory, VillageFactory
from training import demo, selectors
from training.models import Enrolment, Mentorship, TrainingSession

pytestmark = pytest.mark.django_db


def make_ctx(county, organizer):
    return SimpleNamespace(
        rng=random.Random(1),
        stdout=io.StringIO(),
        fresh=True,
        county=county,
        users={"organizer": organizer},
    )


def test_without_seats_it_builds_nothing_and_says_so(county, organizer):
    TermFactory(year=2021)
    ctx = make_ctx(county, organizer)
    demo.build(ctx)
    assert not TrainingSession.objects.exists()
    assert "还没有任职数据" in ctx.stdout.getvalue()


def test_with_seats_it_builds_sessions_attendance_and_mentoring(
    county, organizer, term, seat, village, other_village
):
    from tests.factories.elections import SeatFactory

    old = TermFactory(year=2018)
    for v in (village, other_village, VillageFactory(township=village.township)):
        seat(v, Post.SECRETARY)
        seat(v, Post.MEMBER)
        seat(v, Post.DIRECTOR, body=Body.VILLAGERS_COMMITTEE)
        SeatFactory(village=v, term=old, post=Post.SECRETARY)
    ctx = make_ctx(county, organizer)
    demo.build(ctx)
    assert TrainingSession.objects.count() >= 5
    assert Enrolment.objects.filter(status="attended").exists()
    assert Mentorship.objects.exists()
    report = selectors.induction_coverage(term, county=county)
    assert report.total.members == 9 and report.total.completed > 0

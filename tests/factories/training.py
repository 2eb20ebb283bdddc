"""Factories for training: sessions, enrolments, mentor pool entries, mentorships."""

import datetime as dt

import factory
from django.utils import timezone

from training.choices import EnrolmentStatus, MentorLevel, SessionKind, SessionStatus
from training.models import (
    CheckIn,
    Enrolment,
    MentorPoolEntry,
    Mentorship,
    TrainingSession,
)

from . import CountyFactory, PersonFactory


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"培训班{n}")
    kind = SessionKind.INDUCTION
    county = factory.SubFactory(CountyFactory)
    township = None
    starts_on = dt.date(2021, 5, 10)
    ends_on = factory.SelfAttribute("starts_on")
    location = "县委党校"
    status = SessionStatus.OPEN
    credit_hours = 8


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    person = factory.SubFactory(PersonFactory)
    invited_at = factory.LazyFunction(timezone.now)
    status = EnrolmentStatus.INVITED


class MentorPoolEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorPoolEntry

    person = factory.SubFactory(PersonFactory)
    county = factory.SelfAttribute("person.county")
    township = factory.SelfAttribute("person.village.township")
    level = MentorLevel.TOWNSHIP
    strengths = "集体经济"


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship
        skip_postgeneration_save = True

    county = factory.SubFactory(CountyFactory)
    township = None
    started_on = dt.date(2021, 6, 1)
    goals = "熟悉村务"

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentors.set(extracted)

    @factory.post_generation
    def mentees(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentees.set(extracted)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    mentorship = factory.SubFactory(MentorshipFactory)
    date = dt.date(2021, 7, 1)
    note = "谈心谈话"

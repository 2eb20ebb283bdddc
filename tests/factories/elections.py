"""Factories for elections: seats (post holders), elections and their candidates."""

import datetime as dt

import factory

from elections.choices import Body, ElectionRound, Post, SeatSource
from elections.models import Election, ElectionCandidate, Seat

from . import PersonFactory, TermFactory, VillageFactory


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    village = factory.SubFactory(VillageFactory)
    term = factory.SubFactory(TermFactory)
    person = factory.SubFactory(PersonFactory, village=factory.SelfAttribute("..village"))
    body = Body.PARTY_COMMITTEE
    post = Post.MEMBER
    source = SeatSource.ELECTION
    started_on = factory.SelfAttribute("term.starts_on")


class ElectionFactory(factory.django.DjangoModelFactory):
    """A valid villagers' committee first round (3 seats) awaiting its candidates."""

    class Meta:
        model = Election

    village = factory.SubFactory(VillageFactory)
    term = factory.SubFactory(TermFactory)
    body = Body.VILLAGERS_COMMITTEE
    round = ElectionRound.FIRST
    held_on = factory.LazyAttribute(lambda o: dt.date(o.term.year, 4, 10))
    seats_chair = 1
    seats_deputy = 0
    seats_member = 2
    entitled = 1000
    present = 800
    ballots_issued = 800
    ballots_returned = 800
    ballots_valid = 790
    ballots_invalid = 10
    proxy_votes = 0


class ElectionCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElectionCandidate

    election = factory.SubFactory(ElectionFactory)
    person = factory.SubFactory(PersonFactory, village=factory.SelfAttribute("..election.village"))
    votes = 0
    post = ""

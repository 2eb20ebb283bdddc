"""Factories for elections: seats (post holders)."""

import factory

from elections.choices import Body, Post, SeatSource
from elections.models import Seat

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

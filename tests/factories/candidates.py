"""Factories for candidate vetting: candidacies (at the nomination stage by default)."""

import factory
from django.utils import timezone

from candidates.choices import Source, Stage
from candidates.models import Candidacy
from elections.choices import Body, Post

from . import PersonFactory, TermFactory, VillageFactory


class CandidacyFactory(factory.django.DjangoModelFactory):
    """A candidacy written directly; tests that need a later stage walk it there through
    the services (see tests/candidates/conftest.py `advance`)."""

    class Meta:
        model = Candidacy

    village = factory.SubFactory(VillageFactory)
    term = factory.SubFactory(TermFactory)
    person = factory.SubFactory(PersonFactory, village=factory.SelfAttribute("..village"))
    body = Body.PARTY_COMMITTEE
    post = Post.SECRETARY
    source = Source.RESERVE
    stage = Stage.NOMINATED
    proposed_at = factory.LazyFunction(timezone.now)
    stage_changed_at = factory.LazyFunction(timezone.now)

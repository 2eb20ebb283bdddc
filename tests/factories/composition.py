"""Factories for composition: post holders with the traits the figures depend on."""

import datetime as dt

from elections.choices import Body, Post, SeatEndReason
from people.choices import Education, Gender

from . import PersonFactory
from .elections import SeatFactory


def holder(
    village,
    term,
    born,
    *,
    gender=Gender.MALE,
    fulltime=Education.HIGH_SCHOOL,
    inservice="",
    political="party_member",
    seats=((Body.PARTY_COMMITTEE, Post.MEMBER),),
    ended=False,
    person=None,
):
    """A person born on `born` holding `seats` ((body, post) pairs) in `village` for `term`."""
    if person is None:
        person = PersonFactory(
            village=village,
            birth_date=born,
            gender=gender,
            education_fulltime=fulltime,
            education_inservice=inservice,
            political_status=political,
        )
    for body, post in seats:
        extra = {}
        if ended:
            extra = {
                "ended_on": dt.date(term.year + 1, 1, 1),
                "end_reason": SeatEndReason.RESIGNATION,
            }
        SeatFactory(person=person, village=village, term=term, body=body, post=post, **extra)
    return person


SECRETARY = (Body.PARTY_COMMITTEE, Post.SECRETARY)
PARTY_MEMBER = (Body.PARTY_COMMITTEE, Post.MEMBER)
DIRECTOR = (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR)
DEPUTY_DIRECTOR = (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR)
VILLAGERS_MEMBER = (Body.VILLAGERS_COMMITTEE, Post.MEMBER)
SUPERVISION_MEMBER = (Body.SUPERVISION_COMMITTEE, Post.MEMBER)

"""A small county with a row behind every API resource: two townships, people in both, an
election with a result, a seat, candidacies (one in joint review, for the reviewer), a
training session with an enrolment, a mentorship with a check-in, and the open term's round
(a screening, a team, a talk, a key person, a unit)."""

import datetime as dt

from candidates.choices import Stage
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


def list_paths(client) -> list[str]:
    """Every list the API serves (its schema's GET paths without a key), but sign-in."""
    schema = client.get("/api/schema/?format=json").json()
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and not path.startswith("/api/v1/auth/")
    )


def lists_as(role, api, make_user, village, other_village):
    """A client of a `role` user over the small county, and every list path it may ask for."""
    small_county(village, other_village)
    client = api(make_user(role))
    return client, list_paths(client)


def small_county(village, other_village) -> None:
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


def _round(county, village, person):
    """The county's round of the open term, so that the round's writes can succeed: a
    screening, a team, a talk and a key person in the village, a unit."""
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

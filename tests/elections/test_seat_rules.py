"""The seat rules have one home (elections/seat_rules.py): the same bad seat is refused with
the same message at every door — the model, the manual seat service, certification, the
roster import and nomination."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from candidates import services as candidate_services
from candidates.choices import Source
from core.access import Role
from core.spreadsheets import read_bytes
from elections import importers, seat_rules, services
from elections.choices import Body, Post
from elections.models import Election, Seat
from elections.services import CandidateInput
from people.choices import Gender
from tests.factories import PersonFactory, TermFactory, make_id_number
from tests.factories.elections import ElectionFactory, SeatFactory
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]
NEWCOMER_ID = make_id_number(dt.date(1980, 5, 6))


@pytest.fixture
def term():
    return TermFactory(year=2021)


@pytest.fixture
def held_director(village, term):
    return SeatFactory(
        village=village,
        term=term,
        body=Body.VILLAGERS_COMMITTEE,
        post=Post.DIRECTOR,
        person=PersonFactory(village=village, name="原主任"),
    )


def import_one(body: str, post: str, actor):
    row = ["吉昌镇", "东关村", 2021, body, post, "新人", NEWCOMER_ID]
    sheet = read_bytes(xlsx([HEADER, row]), "roster.xlsx", importers.COLUMNS)
    return [str(error) for error in importers.import_roster(sheet, actor=actor).errors]


def elected(village, term, official, post: str) -> Election:
    """A valid villagers' committee election whose top candidate, 新人, takes `post`."""
    election = ElectionFactory(village=village, term=term)
    people = [
        PersonFactory(village=village, name="新人"),
        PersonFactory(village=village, name="李委员", gender=Gender.FEMALE),
        PersonFactory(village=village, name="王委员"),
        PersonFactory(village=village, name="赵落选"),
    ]
    return services.election_results_set(
        election=election,
        actor=official,
        candidates=[
            CandidateInput(people[0], 600, post),
            CandidateInput(people[1], 500, Post.MEMBER),
            CandidateInput(people[2], 450, Post.MEMBER),
            CandidateInput(people[3], 200),
        ],
    )


def test_a_second_director_gets_one_message_at_every_door(
    held_director, village, term, official, organizer
):
    expected = "一个村只能有一名村(居)委会主任，本届已有原主任"
    assert (
        seat_rules.chair_taken(Body.VILLAGERS_COMMITTEE, Post.DIRECTOR, "原主任") == expected
    )

    with pytest.raises(ValidationError) as by_hand:
        services.seat_create(
            person=PersonFactory(village=village, name="新人"),
            village=village,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.DIRECTOR,
            actor=organizer,
        )
    assert by_hand.value.message_dict == {"post": [expected]}

    election = elected(village, term, official, Post.DIRECTOR)
    services.election_submit(election=election, actor=official)
    with pytest.raises(ValidationError) as certified:
        services.election_certify(election=election, actor=organizer)
    assert certified.value.messages == [f"新人：{expected}"]

    assert import_one("村委会", "主任", official) == [f"第 2 行「职务」列：{expected}"]
    assert Seat.objects.count() == 1


def test_moving_a_seat_onto_a_held_chair_is_refused_with_the_same_message(
    held_director, village, term, organizer
):
    member = SeatFactory(village=village, term=term, body=Body.VILLAGERS_COMMITTEE)
    with pytest.raises(ValidationError) as moved:
        services.seat_update(seat=member, actor=organizer, post=Post.DIRECTOR)
    assert moved.value.message_dict == {
        "post": ["一个村只能有一名村(居)委会主任，本届已有原主任"]
    }


def test_a_post_the_body_lacks_gets_one_message_at_every_door(village, term, official, organizer):
    expected = "村(居)民委员会没有“书记”职务"
    person = PersonFactory(village=village, name="新人")

    seat = Seat(
        person=person, village=village, term=term, body=Body.VILLAGERS_COMMITTEE, post="secretary"
    )
    with pytest.raises(ValidationError) as model:
        seat.full_clean()
    assert model.value.message_dict["post"] == [expected]

    with pytest.raises(ValidationError) as by_hand:
        services.seat_create(
            person=person,
            village=village,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.SECRETARY,
            actor=organizer,
        )
    assert by_hand.value.message_dict == {"post": [expected]}

    election = elected(village, term, official, Post.SECRETARY)
    findings = {f.code: f.message for f in services.election_findings(election)}
    assert findings["post_not_on_body"] == f"新人：{expected}"
    with pytest.raises(ValidationError) as submitted:
        services.election_submit(election=election, actor=official)
    assert f"新人：{expected}" in submitted.value.messages

    assert import_one("村委会", "书记", official) == [f"第 2 行「职务」列：{expected}"]

    with pytest.raises(ValidationError) as nominated:
        candidate_services.candidacy_create(
            person=person,
            village=village,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.SECRETARY,
            source=Source.OTHER,
            actor=official,
        )
    assert nominated.value.message_dict == {"post": [expected]}


def test_one_person_one_post_per_body(village, term, organizer):
    seat = SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.MEMBER)
    with pytest.raises(ValidationError) as second:
        services.seat_create(
            person=seat.person,
            village=village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.DEPUTY_SECRETARY,
            actor=organizer,
        )
    assert second.value.message_dict == {"person": ["此人在该组织本届已有职务（委员）"]}


def test_an_election_elects_one_chair(village, term):
    election = ElectionFactory.build(
        village=village, term=term, body=Body.PARTY_COMMITTEE, seats_chair=2
    )
    with pytest.raises(ValidationError) as two:
        election.full_clean()
    assert two.value.message_dict["seats_chair"] == ["一个村只能有一名书记"]


def test_the_ledger_lets_a_holder_keep_their_chair_and_names_a_file_row():
    ledger = seat_rules.SeatLedger()
    where = {"village": 1, "term": 2, "body": Body.PARTY_COMMITTEE}
    ledger.take(person="a", post=Post.SECRETARY, label=(2, "张三"), **where)
    assert ledger.chair_clash(person="a", post=Post.SECRETARY, **where) is None
    assert (
        ledger.chair_clash(person="b", post=Post.SECRETARY, **where)
        == "一个村只能有一名书记，本届已有第 2 行的张三"
    )
    assert ledger.clashes(person="b", post=Post.MEMBER, **where) == []
    assert ledger.clashes(person="a", post=Post.DIRECTOR, **where) == [
        ("post", "党组织委员会没有“主任”职务"),
        ("person", "此人在该组织本届已有职务（第 2 行的张三）"),
    ]


def test_a_role_without_rights_is_still_refused_first(village, term, make_user, held_director):
    """The rules run after the permission check: a viewer learns nothing about the seats."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.seat_create(
            person=PersonFactory(village=village),
            village=village,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.DIRECTOR,
            actor=make_user(Role.COUNTY_VIEWER),
        )

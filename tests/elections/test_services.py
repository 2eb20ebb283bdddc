"""The election state machine, certification into seats, unlocking, and seat services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.access import Role
from core.policy import SYSTEM
from elections import services
from elections.choices import Body, ElectionState, Post, SeatEndReason, SeatSource
from elections.models import Seat
from elections.services import CandidateInput
from elections.signals import seats_changed
from people.choices import Gender
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return TermFactory(year=2021)


@pytest.fixture
def entered(village, term, official):
    """A villagers' committee election with valid results entered by the official."""
    election = ElectionFactory(village=village, term=term)
    people = [
        PersonFactory(village=village, name="张主任"),
        PersonFactory(village=village, name="李委员", gender=Gender.FEMALE),
        PersonFactory(village=village, name="王委员"),
        PersonFactory(village=village, name="赵落选"),
    ]
    return services.election_results_set(
        election=election,
        actor=official,
        candidates=[
            CandidateInput(people[0], 600, Post.DIRECTOR),
            CandidateInput(people[1], 500, Post.MEMBER),
            CandidateInput(people[2], 450, Post.MEMBER),
            CandidateInput(people[3], 200),
        ],
    )


@pytest.fixture
def signals_sent():
    sent = []

    def receiver(sender, signal, **kwargs):
        sent.append(kwargs)

    seats_changed.connect(receiver)
    yield sent
    seats_changed.disconnect(receiver)


def test_submit_certify_creates_seats_and_signals(entered, official, organizer, signals_sent):
    submitted = services.election_submit(election=entered, actor=official)
    assert submitted.state == ElectionState.SUBMITTED
    certified = services.election_certify(election=submitted, actor=organizer)
    assert certified.state == ElectionState.CERTIFIED
    seats = Seat.objects.filter(election=certified).order_by("post")
    assert [(s.person.name, s.post) for s in seats] == [
        ("张主任", Post.DIRECTOR),
        ("李委员", Post.MEMBER),
        ("王委员", Post.MEMBER),
    ] or {s.person.name for s in seats} == {"张主任", "李委员", "王委员"}
    assert all(
        s.body == Body.VILLAGERS_COMMITTEE and s.source == SeatSource.ELECTION for s in seats
    )
    assert signals_sent == [{"term_ids": {entered.term_id}, "village_ids": {entered.village_id}}]
    assert [t.to_state for t in certified.transitions.all()] == ["submitted", "certified"]


def test_submit_refused_while_a_check_fails(entered, official):
    services.election_update(
        election=entered,
        actor=official,
        present=400,
        ballots_issued=400,
        ballots_returned=400,
        ballots_valid=390,
    )
    with pytest.raises(ValidationError) as exc:
        services.election_submit(election=entered, actor=official)
    assert any("过半数" in m for m in exc.value.messages)
    entered.refresh_from_db()
    assert entered.state == ElectionState.DRAFT and not entered.transitions.exists()


def test_no_woman_blocks_submit_until_written_confirmation(village, term, official):
    election = ElectionFactory(village=village, term=term)
    men = [PersonFactory(village=village) for _ in range(4)]
    services.election_results_set(
        election=election,
        actor=official,
        candidates=[
            CandidateInput(men[0], 600, Post.DIRECTOR),
            CandidateInput(men[1], 500, Post.MEMBER),
            CandidateInput(men[2], 450, Post.MEMBER),
            CandidateInput(men[3], 100),
        ],
    )
    with pytest.raises(ValidationError, match="妇女成员"):
        services.election_submit(election=election, actor=official)
    services.election_confirm(
        election=election,
        actor=official,
        code="villagers_no_woman",
        note="女性候选人得票未过半，已另行推选妇女委员",
    )
    assert services.election_submit(election=election, actor=official).state == "submitted"


def test_illegal_transitions_are_refused(entered, official, organizer):
    with pytest.raises(ValidationError, match="不能从"):
        services.election_certify(election=entered, actor=organizer)  # draft -> certified
    with pytest.raises(ValidationError, match="不能从"):
        services.election_unlock(election=entered, actor=organizer, reason="x")
    services.election_submit(election=entered, actor=official)
    with pytest.raises(ValidationError, match="不能从"):
        services.election_submit(election=entered, actor=official)


def test_only_the_county_certifies_and_unlocks(entered, official, organizer):
    services.election_submit(election=entered, actor=official)
    with pytest.raises(PermissionDenied):
        services.election_certify(election=entered, actor=official)
    services.election_certify(election=entered, actor=organizer)
    with pytest.raises(PermissionDenied):
        services.election_unlock(election=entered, actor=official, reason="录错了")


def test_certified_result_is_locked(entered, official, organizer):
    services.election_submit(election=entered, actor=official)
    services.election_certify(election=entered, actor=organizer)
    with pytest.raises(ValidationError, match="不能修改"):
        services.election_update(election=entered, actor=organizer, present=700)


def test_unlock_needs_reason_removes_seats_and_is_recorded(
    entered, official, organizer, signals_sent
):
    services.election_submit(election=entered, actor=official)
    services.election_certify(election=entered, actor=organizer)
    with pytest.raises(ValidationError, match="原因"):
        services.election_unlock(election=entered, actor=organizer, reason="  ")
    with pytest.raises(ValidationError, match="2000"):  # core.limits: a reason is free text
        services.election_unlock(election=entered, actor=organizer, reason="错" * 2001)
    unlocked = services.election_unlock(election=entered, actor=organizer, reason="得票录入错误")
    assert unlocked.state == ElectionState.DRAFT
    assert unlocked.unlocked_by == organizer and unlocked.unlock_reason == "得票录入错误"
    assert not Seat.objects.filter(election=entered).exists()
    assert unlocked.transitions.last().reason == "得票录入错误"
    assert len(signals_sent) == 2
    assert unlocked.history.count() >= 3


def test_stale_version_is_a_conflict(entered, official):
    with pytest.raises(services.ElectionConflict):
        services.election_update(election=entered, actor=official, expected_version=0, present=790)


def test_official_cannot_touch_another_township(other_village, term, official):
    with pytest.raises(PermissionDenied):
        services.election_create(
            village=other_village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            held_on=dt.date(2021, 3, 1),
            actor=official,
        )


def test_merged_village_cannot_have_a_later_election(village, other_village, term):
    from registry.services import village_merge

    village_merge(village=other_village, into=village, on=dt.date(2020, 6, 30), actor=SYSTEM)
    other_village.refresh_from_db()
    with pytest.raises(ValidationError, match="合并"):
        services.election_create(
            village=other_village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            held_on=dt.date(2021, 3, 1),
            actor=SYSTEM,
        )


def test_post_above_its_seats_is_an_error(village, term, official):
    election = ElectionFactory(village=village, term=term)
    people = [PersonFactory(village=village, gender=Gender.FEMALE) for _ in range(4)]
    services.election_results_set(
        election=election,
        actor=official,
        candidates=[
            CandidateInput(people[0], 600, Post.DIRECTOR),
            CandidateInput(people[1], 500, Post.DIRECTOR),
            CandidateInput(people[2], 450, Post.MEMBER),
            CandidateInput(people[3], 100),
        ],
    )
    codes = {f.code for f in services.election_findings(election)}
    assert "post_above_seats" in codes


def test_seat_end_needs_reason_and_signals(village, term, official, signals_sent):
    seat = SeatFactory(village=village, term=term)
    with pytest.raises(ValidationError):
        services.seat_end(seat=seat, actor=official, ended_on=dt.date(2022, 1, 1), reason="")
    ended = services.seat_end(
        seat=seat,
        actor=official,
        ended_on=dt.date(2022, 1, 1),
        reason=SeatEndReason.RESIGNATION,
        note="身体原因",
    )
    assert ended.ended_on == dt.date(2022, 1, 1) and ended.end_reason == "resignation"
    assert signals_sent == [{"term_ids": {term.pk}, "village_ids": {village.pk}}]


def test_seat_create_refuses_second_secretary(village, term, make_user):
    SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY)
    with pytest.raises(ValidationError, match="书记"):
        services.seat_create(
            person=PersonFactory(village=village),
            village=village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.SECRETARY,
            actor=make_user(Role.COUNTY_ORGANIZER),
        )


def test_certify_refuses_when_the_post_is_already_held(entered, official, organizer, village, term):
    SeatFactory(
        village=village,
        term=term,
        body=Body.VILLAGERS_COMMITTEE,
        post=Post.DIRECTOR,
        person=PersonFactory(village=village, name="原主任"),
    )
    services.election_submit(election=entered, actor=official)
    with pytest.raises(ValidationError, match="一个村只能有一名村\\(居\\)委会主任，本届已有原主任"):
        services.election_certify(election=entered, actor=organizer)
    entered.refresh_from_db()
    assert entered.state == ElectionState.SUBMITTED
    assert not Seat.objects.filter(election=entered).exists()


def test_two_committee_member_cannot_sit_on_the_supervision_committee(village, term, official):
    sitting = SeatFactory(
        village=village, term=term, body=Body.VILLAGERS_COMMITTEE, post=Post.MEMBER
    ).person
    election = ElectionFactory(village=village, term=term, body=Body.SUPERVISION_COMMITTEE)
    others = [PersonFactory(village=village) for _ in range(3)]
    services.election_results_set(
        election=election,
        actor=official,
        candidates=[
            CandidateInput(sitting, 600, Post.DIRECTOR),
            CandidateInput(others[0], 500, Post.MEMBER),
            CandidateInput(others[1], 450, Post.MEMBER),
            CandidateInput(others[2], 100),
        ],
    )
    findings = services.election_findings(election)
    assert [f.code for f in findings] == ["supervision_incompatible"]
    with pytest.raises(ValidationError, match="不得担任村务监督机构成员"):
        services.election_submit(election=election, actor=official)


def test_seat_update_changes_post_and_signals(village, term, official, signals_sent):
    seat = SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.MEMBER)
    updated = services.seat_update(seat=seat, actor=official, post=Post.DEPUTY_SECRETARY)
    assert updated.post == Post.DEPUTY_SECRETARY
    assert signals_sent == [{"term_ids": {term.pk}, "village_ids": {village.pk}}]
    with pytest.raises(ValidationError, match="没有"):
        services.seat_update(seat=seat, actor=official, post=Post.DIRECTOR)


def test_an_election_is_held_in_its_terms_window(village, official):
    """From 1 January of the year before the term's to the term's end (core.limits, docs/api.md)."""
    term = TermFactory(year=2021)  # ends 2026-04-30
    for held_on, ok in [
        (dt.date(2020, 1, 1), True),
        (dt.date(2026, 4, 30), True),
        (dt.date(2019, 12, 31), False),
        (dt.date(2026, 5, 1), False),
        (dt.date(1, 1, 1), False),
        (dt.date(9999, 12, 31), False),
    ]:
        election = ElectionFactory.build(village=village, term=term, held_on=held_on)
        if ok:
            election.clean()
        else:
            with pytest.raises(ValidationError, match="2020-01-01 至 2026-04-30"):
                election.clean()

"""The training rules as an organizer meets them: audience, capacity, roll call, mentoring."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from elections.choices import Body, Post, SeatEndReason
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    TrainingSessionFactory,
)
from training import services
from training.choices import (
    EnrolmentStatus,
    MentorLevel,
    MentorshipOutcome,
    MentorshipStatus,
    SessionStatus,
    Topic,
)
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_invite_all_new_secretaries_of_a_township_in_one_step(
    county_session, seat, village, other_village, organizer, django_assert_max_num_queries
):
    """ "All new secretaries of term 2021 in 吉昌镇": secretaries of other townships, other
    posts, ended seats and other terms are left out."""
    wanted = [seat(village, Post.SECRETARY).person]
    second = VillageFactory(township=village.township)
    wanted.append(seat(second, Post.SECRETARY).person)
    seat(village, Post.MEMBER)
    seat(other_village, Post.SECRETARY)
    ended = seat(VillageFactory(township=village.township), Post.SECRETARY)
    ended.ended_on, ended.end_reason = dt.date(2021, 8, 1), SeatEndReason.RESIGNATION
    ended.save()
    SeatFactory(village=village, term=TermFactory(year=2018), post=Post.SECRETARY)
    county_session.audience_posts = [Post.SECRETARY]
    county_session.audience_township = village.township
    county_session.save()

    with django_assert_max_num_queries(12):
        result = services.session_invite_audience(session=county_session, actor=organizer)

    assert result.invited == 2
    invited = set(county_session.enrolments.values_list("person_id", flat=True))
    assert invited == {p.pk for p in wanted}
    assert all(e.history.count() == 1 for e in Enrolment.objects.all())


def test_inviting_twice_adds_only_the_newcomers(county_session, seat, village, organizer):
    seat(village, Post.SECRETARY)
    services.session_invite_audience(session=county_session, actor=organizer)
    seat(village, Post.DIRECTOR, body=Body.VILLAGERS_COMMITTEE)
    result = services.session_invite_audience(session=county_session, actor=organizer)
    assert (result.invited, result.already) == (1, 1)
    assert county_session.enrolments.count() == 2


def test_one_person_holding_two_posts_is_invited_once(county_session, seat, village, organizer):
    person = seat(village, Post.SECRETARY).person
    seat(village, Post.DIRECTOR, body=Body.VILLAGERS_COMMITTEE, person=person)
    result = services.session_invite_audience(session=county_session, actor=organizer)
    assert result.invited == 1


def test_capacity_refuses_the_whole_invitation_with_a_clear_message(
    county_session, seat, village, organizer
):
    for _ in range(3):
        seat(village)
    county_session.capacity = 2
    county_session.save()
    with pytest.raises(ValidationError) as caught:
        services.session_invite_audience(session=county_session, actor=organizer)
    message = caught.value.messages[0]
    assert "名额不足" in message and "名额 2 人" in message and "超出 1 人" in message
    assert not county_session.enrolments.exists()


def test_capacity_counts_people_already_invited(county_session, seat, village, organizer):
    county_session.capacity = 2
    county_session.save()
    EnrolmentFactory(session=county_session)
    EnrolmentFactory(session=county_session)
    with pytest.raises(ValidationError, match="已邀请 2 人"):
        services.enrolments_invite(
            session=county_session, persons=[PersonFactory(village=village)], actor=organizer
        )


def test_a_session_without_audience_term_cannot_invite_by_audience(county, organizer):
    session = TrainingSessionFactory(county=county, audience_term=None)
    with pytest.raises(ValidationError, match="届次"):
        services.session_invite_audience(session=session, actor=organizer)


def test_official_cannot_invite_to_a_county_session(county_session, official):
    with pytest.raises(PermissionDenied):
        services.session_invite_audience(session=county_session, actor=official)


def test_official_cannot_invite_to_another_townships_session(
    county, other_township, term, official
):
    session = TrainingSessionFactory(county=county, township=other_township, audience_term=term)
    with pytest.raises(PermissionDenied):
        services.session_invite_audience(session=session, actor=official)


def test_township_session_invites_only_its_own_township(
    township_session, seat, village, other_village, official
):
    mine = seat(village, Post.SECRETARY).person
    seat(other_village, Post.SECRETARY)
    services.session_invite_audience(session=township_session, actor=official)
    assert list(township_session.enrolments.values_list("person", flat=True)) == [mine.pk]


def test_check_in_credits_the_sessions_hours(county_session, organizer):
    enrolment = EnrolmentFactory(session=county_session)
    enrolment = services.enrolment_check_in(enrolment=enrolment, actor=organizer)
    assert enrolment.status == EnrolmentStatus.ATTENDED
    assert enrolment.hours_credited == county_session.credit_hours
    assert enrolment.checked_in_at is not None
    assert enrolment.history.first().history_user == organizer


def test_double_check_in_is_refused_and_keeps_the_first_time(county_session, organizer):
    enrolment = EnrolmentFactory(session=county_session)
    first = services.enrolment_check_in(enrolment=enrolment, actor=organizer)
    with pytest.raises(ValidationError, match="不能重复签到"):
        services.enrolment_check_in(enrolment=enrolment, actor=organizer)
    enrolment.refresh_from_db()
    assert enrolment.checked_in_at == first.checked_in_at


def test_attendance_for_a_person_not_invited_is_refused(county_session, village):
    stranger = PersonFactory(village=village, name="陌生人")
    with pytest.raises(ValidationError, match="陌生人 未被邀请"):
        services.enrolment_for(session=county_session, person=stranger)


def test_absence_needs_a_reason(county_session, organizer):
    enrolment = EnrolmentFactory(session=county_session)
    with pytest.raises(ValidationError, match="缺席原因"):
        services.enrolment_mark_absent(enrolment=enrolment, reason="  ", actor=organizer)
    services.enrolment_mark_absent(enrolment=enrolment, reason="住院", actor=organizer)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.absence_reason) == (EnrolmentStatus.ABSENT, "住院")


def test_late_arrival_after_absence_may_check_in_but_not_the_other_way(county_session, organizer):
    enrolment = EnrolmentFactory(session=county_session)
    services.enrolment_mark_absent(enrolment=enrolment, reason="迟到", actor=organizer)
    services.enrolment_check_in(enrolment=enrolment, actor=organizer)
    with pytest.raises(ValidationError, match="已签到"):
        services.enrolment_mark_absent(enrolment=enrolment, reason="x", actor=organizer)
    services.enrolment_undo(enrolment=enrolment, actor=organizer)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.INVITED and enrolment.hours_credited == 0


def test_no_attendance_on_a_cancelled_session(county_session, organizer):
    enrolment = EnrolmentFactory(session=county_session)
    services.session_set_status(
        session=county_session, status=SessionStatus.CANCELLED, actor=organizer
    )
    with pytest.raises(ValidationError, match="已取消"):
        services.enrolment_check_in(enrolment=enrolment, actor=organizer)


def test_status_changes_follow_the_table(county_session, organizer):
    services.session_set_status(session=county_session, status=SessionStatus.DONE, actor=organizer)
    with pytest.raises(ValidationError, match="不能从"):
        services.session_set_status(
            session=county_session, status=SessionStatus.PLANNED, actor=organizer
        )


def test_session_create_with_topics_and_free_text(county, term, organizer):
    session = services.session_create(
        actor=organizer,
        county=county,
        title="领头雁培训",
        kind="lead_goose",
        starts_on=dt.date(2021, 9, 1),
        ends_on=dt.date(2021, 9, 3),
        topics=[Topic.PARTY_BUILDING, Topic.FINANCE],
        topic_note="电商直播",
        methods=["classroom", "study_tour"],
        audience_term=term,
    )
    assert set(session.topics.values_list("topic", flat=True)) == {
        "party_building",
        "finance",
        "other",
    }
    assert "电商直播" in session.topic_labels()


def test_session_dates_must_be_in_order(county, organizer):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        services.session_create(
            actor=organizer,
            county=county,
            title="x",
            kind="meeting",
            starts_on=dt.date(2021, 9, 3),
            ends_on=dt.date(2021, 9, 1),
        )


def test_official_creates_sessions_only_for_their_township(
    county, township, other_township, official
):
    fields = {
        "title": "镇培训",
        "kind": "meeting",
        "starts_on": dt.date(2021, 6, 1),
        "ends_on": dt.date(2021, 6, 1),
    }
    services.session_create(actor=official, county=county, township=township, **fields)
    with pytest.raises(PermissionDenied):
        services.session_create(actor=official, county=county, township=other_township, **fields)
    with pytest.raises(PermissionDenied):
        services.session_create(actor=official, county=county, township=None, **fields)


# --- mentoring ---------------------------------------------------------------------------


def test_one_mentor_with_two_mentees_and_check_ins(village, official):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    mentees = [PersonFactory(village=village), PersonFactory(village=village)]
    pair = services.mentorship_create(
        mentors=[mentor],
        mentees=mentees,
        started_on=dt.date(2021, 6, 1),
        goals="三个月熟悉村务",
        actor=official,
    )
    assert pair.township == village.township and pair.mentees.count() == 2
    services.mentorship_check_in(
        mentorship=pair, date=dt.date(2021, 7, 1), note="走访", actor=official
    )
    with pytest.raises(ValidationError, match="早于帮带开始"):
        services.mentorship_check_in(
            mentorship=pair, date=dt.date(2021, 5, 1), note="x", actor=official
        )


def test_mentor_must_be_in_the_pool_and_not_mentor_themselves(village, official):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village, name="老李"))
    with pytest.raises(ValidationError, match="老李 不能自己帮带自己"):
        services.mentorship_create(
            mentors=[mentor],
            mentees=[mentor.person],
            started_on=dt.date(2021, 6, 1),
            goals="x",
            actor=official,
        )
    services.mentor_update(entry=mentor, is_active=False, actor=official)
    mentor.refresh_from_db()
    with pytest.raises(ValidationError, match="在库成员"):
        services.mentorship_create(
            mentors=[mentor],
            mentees=[PersonFactory(village=village)],
            started_on=dt.date(2021, 6, 1),
            goals="x",
            actor=official,
        )


def test_mentor_added_once_and_county_level_needs_county_role(village, official, organizer):
    person = PersonFactory(village=village)
    with pytest.raises(PermissionDenied):
        services.mentor_add(person=person, level=MentorLevel.COUNTY, actor=official)
    entry = services.mentor_add(person=person, level=MentorLevel.TOWNSHIP, actor=official)
    assert entry.township == village.township
    with pytest.raises(ValidationError, match="已在导师库"):
        services.mentor_add(person=person, level=MentorLevel.VILLAGE, actor=organizer)


def test_ending_a_pair_needs_an_outcome_and_closes_it(village, organizer):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    pair = services.mentorship_create(
        mentors=[mentor],
        mentees=[PersonFactory(village=village)],
        started_on=dt.date(2021, 6, 1),
        goals="x",
        actor=organizer,
    )
    with pytest.raises(ValidationError, match="结果"):
        services.mentorship_end(
            mentorship=pair, ended_on=dt.date(2022, 6, 1), outcome="", actor=organizer
        )
    pair = services.mentorship_end(
        mentorship=pair,
        ended_on=dt.date(2022, 6, 1),
        outcome=MentorshipOutcome.ACHIEVED,
        actor=organizer,
    )
    assert pair.status == MentorshipStatus.ENDED
    assert pair.history.count() == 2
    with pytest.raises(ValidationError, match="已结束"):
        services.mentorship_check_in(
            mentorship=pair, date=timezone.localdate(), note="x", actor=organizer
        )

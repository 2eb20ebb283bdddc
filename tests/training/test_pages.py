"""The training pages as organizers, officials and viewers use them."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.access import Role
from elections.choices import Post
from tests.factories import PersonFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    MentorshipFactory,
    TrainingSessionFactory,
)
from training.choices import EnrolmentStatus
from training.models import Mentorship, TrainingSession

pytestmark = pytest.mark.django_db


def session_form(term, **overrides):
    data = {
        "title": "2021 年新任村党组织书记培训班",
        "kind": "induction",
        "starts_on": "2021-05-10",
        "ends_on": "2021-05-12",
        "location": "县委党校",
        "topics": ["party_building", "finance"],
        "methods": ["classroom", "case_study"],
        "trainers": "县委组织部",
        "capacity": "60",
        "credit_hours": "24",
        "audience_term": term.pk,
        "audience_posts": ["secretary"],
    }
    data.update(overrides)
    return data


def test_organizer_creates_a_session_and_invites_the_audience_in_one_click(
    client, organizer, term, seat, village, other_village
):
    """All new secretaries of term 2021 in 吉昌镇, from the browser."""
    mine = seat(village, Post.SECRETARY).person
    seat(other_village, Post.SECRETARY)
    seat(village, Post.MEMBER)
    client.force_login(organizer)
    response = client.post(
        reverse("training:session-create"),
        session_form(term, audience_township=village.township.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = TrainingSession.objects.get()
    assert session.township is None and session.county == village.township.county
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "按受众一键邀请" in detail and "书记" in detail
    response = client.post(
        reverse("training:session-action", args=[session.pk, "invite-audience"]), follow=True
    )
    assert "新邀请 1 人" in response.content.decode()
    assert list(session.enrolments.values_list("person", flat=True)) == [mine.pk]


def test_capacity_message_is_shown_on_the_page(client, organizer, county_session, seat, village):
    seat(village)
    seat(village)
    county_session.capacity = 1
    county_session.save()
    client.force_login(organizer)
    response = client.post(
        reverse("training:session-action", args=[county_session.pk, "invite-audience"]),
        follow=True,
    )
    assert "名额不足" in response.content.decode()
    assert not county_session.enrolments.exists()


def test_official_creates_a_session_for_their_own_township_only(
    client, official, term, township, other_township
):
    client.force_login(official)
    response = client.post(
        reverse("training:session-create"), session_form(term, township=other_township.pk)
    )
    assert response.status_code == 400
    response = client.post(
        reverse("training:session-create"), session_form(term, township=township.pk)
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().township == township


def test_session_of_another_township_is_404_for_an_official(
    client, official, county, other_township
):
    session = TrainingSessionFactory(county=county, township=other_township)
    client.force_login(official)
    assert client.get(session.get_absolute_url()).status_code == 404
    assert client.get(reverse("training:roll-call", args=[session.pk])).status_code == 404


def test_official_sees_a_county_session_that_invites_their_people(
    client, official, county_session, village, other_village
):
    mine = EnrolmentFactory(
        session=county_session, person=PersonFactory(village=village, name="本镇人")
    )
    EnrolmentFactory(
        session=county_session, person=PersonFactory(village=other_village, name="外镇人")
    )
    client.force_login(official)
    listing = client.get(reverse("training:session-list")).content.decode()
    assert county_session.title in listing
    roll = client.get(reverse("training:roll-call", args=[county_session.pk])).content.decode()
    assert "本镇人" in roll and "外镇人" not in roll
    assert 'data-testid="check-in"' not in roll  # a county session: read-only for officials
    response = client.post(reverse("training:enrolment-action", args=[mine.pk, "check-in"]))
    mine.refresh_from_db()
    assert mine.status == EnrolmentStatus.INVITED
    assert response.status_code == 302


def test_viewer_reads_but_cannot_write(client, viewer, county_session):
    enrolment = EnrolmentFactory(session=county_session)
    client.force_login(viewer)
    assert client.get(county_session.get_absolute_url()).status_code == 200
    roll = client.get(reverse("training:roll-call", args=[county_session.pk])).content.decode()
    assert 'data-testid="check-in"' not in roll
    url = reverse("training:enrolment-action", args=[enrolment.pk, "check-in"])
    assert client.post(url).status_code == 403
    assert client.get(reverse("training:session-create")).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.INVITED


def test_roll_call_without_javascript_posts_and_comes_back(client, organizer, county_session):
    enrolment = EnrolmentFactory(session=county_session)
    client.force_login(organizer)
    url = reverse("training:enrolment-action", args=[enrolment.pk, "check-in"])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#enrolment-{enrolment.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "已签到" in page
    again = client.post(url, follow=True).content.decode()
    assert "不能重复签到" in again


def test_roll_call_script_gets_json_and_errors_as_400(client, organizer, county_session):
    enrolment = EnrolmentFactory(session=county_session, person__name="李四")
    client.force_login(organizer)
    url = reverse("training:enrolment-action", args=[enrolment.pk, "absent"])
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"}
    response = client.post(url, {"reason": ""}, **headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["code"] == "invalid"
    assert "缺席原因" in problem["detail"]
    assert all({"field", "code", "message"} <= set(e) for e in problem["errors"])
    assert "缺席原因" in problem["errors"][0]["message"]
    response = client.post(url, {"reason": "病假"}, **headers)
    assert response.json()["status"] == "absent" and response.json()["absence_reason"] == "病假"


def test_roll_call_page_query_count_is_fixed(
    client, organizer, county_session, django_assert_max_num_queries
):
    for _ in range(15):
        EnrolmentFactory(session=county_session)
    client.force_login(organizer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:roll-call", args=[county_session.pk]))
    assert response.content.decode().count('data-testid="rc-row"') == 15


def test_session_list_query_count_is_fixed(
    client, organizer, county, django_assert_max_num_queries
):
    for _ in range(12):
        session = TrainingSessionFactory(county=county)
        EnrolmentFactory(session=session)
    client.force_login(organizer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:session-list"))
    assert response.context["total"] == 12


def test_attendance_export_lists_people_without_id_numbers(client, organizer, county_session):
    enrolment = EnrolmentFactory(session=county_session, person__name="=王五")
    client.force_login(organizer)
    client.post(reverse("training:enrolment-action", args=[enrolment.pk, "check-in"]))
    response = client.get(reverse("training:attendance-export", args=[county_session.pk]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "姓名"
    assert rows[1][1] == "'=王五" and rows[1][5] == "已签到" and rows[1][8] == 8
    assert enrolment.person.id_number not in str(rows)


def test_coverage_page_shows_percent_and_outstanding(
    client, organizer, term, seat, village, django_assert_max_num_queries
):
    done = seat(village, Post.SECRETARY).person
    seat(village, Post.MEMBER, name="待培训")
    session = TrainingSessionFactory(county=village.township.county)
    from django.utils import timezone

    EnrolmentFactory(
        session=session,
        person=done,
        status=EnrolmentStatus.ATTENDED,
        checked_in_at=timezone.make_aware(dt.datetime(2021, 5, 10, 9)),
        hours_credited=8,
    )
    client.force_login(organizer)
    # 14: the stored coverage is looked up first (none here: counted live).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:coverage"), {"term": 2021, "days": 30})
    text = response.content.decode()
    assert "50.00%" in text and "待培训" in text
    response = client.get(reverse("training:coverage"), {"term": 2021, "days": 5})
    assert "0.00%" in response.content.decode()


def test_person_page_shows_the_training_record(client, organizer, county_session, village):
    enrolment = EnrolmentFactory(session=county_session, person=PersonFactory(village=village))
    client.force_login(organizer)
    client.post(reverse("training:enrolment-action", args=[enrolment.pk, "check-in"]))
    page = client.get(enrolment.person.get_absolute_url()).content.decode()
    assert "培训档案" in page and county_session.title in page and "累计 8.0 学时" in page


def test_mentoring_pages_flag_stale_pairs(client, official, village):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village, name="老导师"))
    pair = MentorshipFactory(
        county=village.township.county,
        township=village.township,
        started_on=dt.date(2021, 1, 1),
        mentors=[mentor],
        mentees=[PersonFactory(village=village, name="新书记")],
    )
    client.force_login(official)
    page = client.get(reverse("training:mentorship-list")).content.decode()
    assert "老导师" in page and "新书记" in page and 'data-testid="stale-tag"' in page
    response = client.post(
        pair.get_absolute_url(), {"date": dt.date.today().isoformat(), "note": "入户走访"}
    )
    assert response.status_code == 302
    page = client.get(reverse("training:mentorship-list")).content.decode()
    assert 'data-testid="stale-tag"' not in page


def test_mentorship_created_from_the_form(client, official, village):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    mentees = [PersonFactory(village=village), PersonFactory(village=village)]
    client.force_login(official)
    response = client.post(
        reverse("training:mentorship-create"),
        {
            "mentors": [mentor.pk],
            "mentees": [p.pk for p in mentees],
            "started_on": "2021-06-01",
            "goals": "一年内能独立主持村务",
        },
    )
    assert response.status_code == 302
    assert Mentorship.objects.get().mentees.count() == 2
    response = client.post(
        reverse("training:mentorship-create"),
        {
            "mentors": [mentor.pk],
            "mentees": [mentor.person.pk],
            "started_on": "2021-06-01",
            "goals": "x",
        },
    )
    assert response.status_code == 400 and "不能自己帮带自己" in response.content.decode()


def test_mentor_pool_add_and_list(client, official, village, make_user):
    person = PersonFactory(village=village, name="老支书")
    client.force_login(official)
    response = client.post(
        reverse("training:mentor-pool"),
        {"person": person.pk, "level": "village", "strengths": "调解纠纷"},
    )
    assert response.status_code == 302
    page = client.get(reverse("training:mentor-pool")).content.decode()
    assert "老支书" in page and "调解纠纷" in page


def test_nav_and_home_card(client, organizer, make_user):
    client.force_login(organizer)
    page = client.get("/").content.decode()
    assert 'data-testid="training-card"' in page and reverse("training:session-list") in page
    client.force_login(make_user(Role.DEPARTMENT_REVIEWER, username="rev2"))
    assert 'data-testid="training-card"' not in client.get("/").content.decode()


def test_mentoring_lists_have_fixed_query_counts(
    client, organizer, village, django_assert_max_num_queries
):
    for _ in range(6):
        mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
        MentorshipFactory(
            county=village.township.county,
            township=village.township,
            mentors=[mentor],
            mentees=[PersonFactory(village=village)],
        )
    client.force_login(organizer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:mentorship-list"))
    assert response.context["total"] == 6
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:mentor-pool"))
    assert response.context["total"] == 6


def test_village_page_shows_the_induction_of_its_members(client, organizer, term, seat, village):
    seat(village, Post.SECRETARY)
    seat(village, Post.MEMBER)
    client.force_login(organizer)
    page = client.get(village.get_absolute_url()).content.decode()
    assert "2021 年届“两委”成员 2 人，0 人在统计基准日后 30 天内完成" in page


def test_coverage_summary_partial_for_the_dashboard(rf, organizer, term, seat, village):
    """The composition dashboard can include the card with one tag."""
    from django.template import Context, Template

    seat(village, Post.SECRETARY)
    request = rf.get("/")
    request.user = organizer
    html = Template("{% load training_tags %}{% training_coverage_summary term %}").render(
        Context({"term": term, "request": request})
    )
    assert 'data-testid="coverage-summary"' in html and "0 / 1 人已完成" in html
    assert "0.00%" in html

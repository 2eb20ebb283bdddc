"""Pages: the role x page matrix, scoping, the reviewer's restricted view, decisions and
conflicts as users see them, bulk decisions, and pinned query counts."""

import pytest
from django.urls import reverse

from accounts.choices import Department
from candidates import selectors, services
from candidates.choices import Outcome, SignOffOutcome, Stage
from candidates.models import Candidacy, Decision, SignOff
from core.access import Role
from tests.factories import PersonFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory

pytestmark = pytest.mark.django_db

ROLES = [
    Role.ADMIN,
    Role.COUNTY_ORGANIZER,
    Role.COUNTY_VIEWER,
    Role.TOWNSHIP_OFFICIAL,
    Role.DEPARTMENT_REVIEWER,
    Role.API_CLIENT,
]

# page name -> roles that may open it (GET)
MATRIX = {
    "candidates:candidacy-list": {
        Role.ADMIN,
        Role.COUNTY_ORGANIZER,
        Role.COUNTY_VIEWER,
        Role.TOWNSHIP_OFFICIAL,
    },
    "candidates:candidacy-create": {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL},
    "candidates:candidacy-import": {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL},
    "candidates:candidacy-template": {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL},
    "candidates:review-queue": {Role.ADMIN, Role.DEPARTMENT_REVIEWER},
    "candidates:funnel": {
        Role.ADMIN,
        Role.COUNTY_ORGANIZER,
        Role.COUNTY_VIEWER,
        Role.TOWNSHIP_OFFICIAL,
    },
    "candidates:negative-list": {
        Role.ADMIN,
        Role.COUNTY_ORGANIZER,
        Role.COUNTY_VIEWER,
        Role.TOWNSHIP_OFFICIAL,
        Role.DEPARTMENT_REVIEWER,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_page_matrix(client, make_user, term, role, name):
    client.force_login(make_user(role))
    response = client.get(reverse(name))
    assert response.status_code == (200 if role in MATRIX[name] else 403)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("candidates:candidacy-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_candidacy_page_matrix(client, make_user, advance, candidacy, role):
    advance(candidacy, Stage.JOINT_REVIEW)
    client.force_login(make_user(role))
    response = client.get(candidacy.get_absolute_url())
    allowed = {
        Role.ADMIN,
        Role.COUNTY_ORGANIZER,
        Role.COUNTY_VIEWER,
        Role.TOWNSHIP_OFFICIAL,
        Role.DEPARTMENT_REVIEWER,
    }
    assert response.status_code == (200 if role in allowed else 403)


def test_other_township_candidacy_is_404(client, make_user, other_township, other_village, term):
    theirs = CandidacyFactory(village=other_village, term=term)
    client.force_login(make_user(Role.TOWNSHIP_OFFICIAL))
    assert client.get(theirs.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("candidates:candidacy-decide", args=[theirs.pk]),
        {"outcome": "pass", "version": theirs.version},
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_reviewer_sees_only_joint_review_and_no_phone(client, reviewer, advance, village, term):
    waiting = advance(
        CandidacyFactory(
            village=village,
            term=term,
            person=PersonFactory(village=village, name="赵联审", phone="13900001111"),
        ),
        Stage.JOINT_REVIEW,
    )
    early = CandidacyFactory(village=village, term=term)
    client.force_login(reviewer)
    assert client.get(early.get_absolute_url()).status_code == 404
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert "赵联审" in page
    assert "13900001111" not in page
    # Awaiting their department's opinion: the whole number, to check their records
    # (tests/candidates/test_reviewer_ids.py pins where, and the audit record).
    assert waiting.person.id_number in page
    assert "五个过硬" not in page


def test_reviewer_queue_lists_pending_for_own_department_and_bulk_passes(
    client, reviewer, advance, village, term
):
    names = [
        advance(CandidacyFactory(village=village, term=term), Stage.JOINT_REVIEW) for _ in range(3)
    ]
    CandidacyFactory(village=village, term=term)  # not in joint review
    client.force_login(reviewer)
    page = client.get(reverse("candidates:review-queue"))
    assert page.context["total"] == 3
    response = client.post(
        reverse("candidates:review-queue"), {"ids": [names[0].pk, names[1].pk]}, follow=True
    )
    assert "已通过 2 人" in response.content.decode()
    assert set(SignOff.objects.values_list("candidacy", flat=True)) == {names[0].pk, names[1].pk}
    assert client.get(reverse("candidates:review-queue")).context["total"] == 1


def test_reviewer_flags_on_candidacy_page(client, reviewer, advance, candidacy, items):
    advance(candidacy, Stage.JOINT_REVIEW)
    client.force_login(reviewer)
    client.post(
        reverse("candidates:sign-off", args=[candidacy.pk]),
        {"outcome": "flag", "negative_items": [items[1].pk], "note": "有犯罪记录"},
    )
    sign_off = SignOff.objects.get()
    assert sign_off.outcome == SignOffOutcome.FLAG and sign_off.department == Department.POLICE


def test_official_nominates_through_form(client, official, village, term):
    import datetime as dt

    from tests.factories import make_id_number

    number = make_id_number(dt.date(1988, 2, 3), "F")
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-create"),
        {
            "term": term.pk,
            "village": village.pk,
            "post": "party:secretary",
            "source": "reserve",
            "id_number": number,
            "name": "孙秀英",
            "political_status": "party_member",
            "rating_political": "excellent",
            "note_political": "立场坚定",
        },
    )
    candidacy = Candidacy.objects.get()
    assert response.status_code == 302 and response["Location"] == candidacy.get_absolute_url()
    assert candidacy.person.name == "孙秀英" and candidacy.person.gender == "F"
    assert candidacy.proposed_by == official and candidacy.rating_political == "excellent"


def test_nomination_form_shows_id_number_error(client, official, village, term):
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-create"),
        {
            "term": term.pk,
            "village": village.pk,
            "post": "party:secretary",
            "source": "reserve",
            "id_number": "141028198802030001",
            "name": "孙秀英",
        },
    )
    assert response.status_code == 400
    assert "校验位" in response.content.decode()
    assert not Candidacy.objects.exists()


def test_nomination_matches_existing_person_by_id_number(client, official, village, term):
    person = PersonFactory(village=village, name="周建国")
    client.force_login(official)
    client.post(
        reverse("candidates:candidacy-create"),
        {
            "term": term.pk,
            "village": village.pk,
            "post": "villagers:director",
            "source": "incumbent",
            "audit_recommendation": "stay",
            "id_number": person.id_number,
            "name": "周建国",
        },
    )
    assert Candidacy.objects.get().person == person


def test_decision_form_and_conflict_message(client, official, candidacy):
    client.force_login(official)
    url = reverse("candidates:candidacy-decide", args=[candidacy.pk])
    version = candidacy.version
    client.post(url, {"outcome": "pass", "version": version})
    response = client.post(
        url, {"outcome": "reject", "reason": "x", "version": version}, follow=True
    )
    assert "已被他人更新" in response.content.decode()
    assert list(Decision.objects.values_list("outcome", flat=True)) == ["pass"]


def test_timeline_shows_every_step_with_who_and_why(
    client, organizer, official, reviewer, advance, candidacy, items
):
    services.candidacy_update(  # corrected before the joint review (after it: refused)
        candidacy=candidacy,
        expected_version=None,
        actor=official,
        assessment={"rating_conduct": "good"},
    )
    candidacy.refresh_from_db()
    advance(candidacy, Stage.JOINT_REVIEW)
    flag = services.sign_off_record(
        candidacy=candidacy,
        outcome="flag",
        actor=reviewer,
        negative_items=[items[2]],
        note="党纪处分影响期内",
    )
    services.flag_clear(sign_off=flag, reason="影响期已满", actor=organizer)
    client.force_login(organizer)
    page = client.get(candidacy.get_absolute_url()).content.decode()
    for text in (
        "提名",
        "摸排提名：通过",
        "预审：通过",
        "修改：作风品行",
        "资格联审·公安：有问题",
        "党纪处分影响期内",
        "核销公安提出的问题",
        "影响期已满",
        str(reviewer),
    ):
        assert text in page, text


def test_bulk_meeting_decision(client, organizer, advance, village, term):
    names = [
        advance(CandidacyFactory(village=village, term=term), Stage.ORGANIZATION_DEPARTMENT)
        for _ in range(3)
    ]
    stale = names[2]
    services.candidacy_decide(
        candidacy=stale,
        outcome=Outcome.RETURN,
        expected_version=None,
        actor=organizer,
        reason="补材料",
    )
    client.force_login(organizer)
    data = {
        "ids": [c.pk for c in names],
        "bulk-outcome": "pass",
        "bulk-meeting_date": "2021-03-10",
        "bulk-minute_number": "部务会〔2021〕3 号",
    }
    for c in names:
        data[f"version_{c.pk}"] = c.version
    url = reverse("candidates:candidacy-list") + "?stage=organization_department"
    response = client.post(url, data, follow=True)
    assert "已记录 2 人的决定" in response.content.decode()
    passed = Decision.objects.filter(stage=Stage.ORGANIZATION_DEPARTMENT, outcome="pass")
    assert passed.count() == 2
    assert set(passed.values_list("minute_number", flat=True)) == {"部务会〔2021〕3 号"}


def test_bulk_decision_without_meeting_details_saves_nothing(client, organizer, advance, candidacy):
    advance(candidacy, Stage.STANDING_COMMITTEE)
    client.force_login(organizer)
    url = reverse("candidates:candidacy-list") + "?stage=standing_committee"
    response = client.post(url, {"ids": [candidacy.pk], "bulk-outcome": "pass"})
    assert response.status_code == 400
    assert not Decision.objects.filter(stage=Stage.STANDING_COMMITTEE).exists()


def test_queue_filters(client, organizer, advance, village, term, other_village):
    CandidacyFactory(village=village, term=term)
    CandidacyFactory(village=other_village, term=term, source="sent_in")
    flagged = advance(
        CandidacyFactory(village=village, term=term, post="member"), Stage.JOINT_REVIEW
    )
    reviewer = flagged.sign_offs.model  # noqa: F841
    from tests.factories import UserFactory

    police = UserFactory(
        role=Role.DEPARTMENT_REVIEWER, county=village.township.county, department=Department.POLICE
    )
    services.sign_off_record(candidacy=flagged, outcome="flag", actor=police, note="涉赌")
    client.force_login(organizer)
    url = reverse("candidates:candidacy-list")
    assert client.get(url, {"township": other_village.township_id}).context["total"] == 1
    assert client.get(url, {"source": "sent_in"}).context["total"] == 1
    assert client.get(url, {"post": "member"}).context["total"] == 1
    assert client.get(url, {"stage": "joint_review"}).context["total"] == 1
    assert client.get(url, {"flagged": "true"}).context["total"] == 1
    assert client.get(url, {"village": village.pk}).context["total"] == 2


def test_queue_query_count_is_fixed(
    client, organizer, village, term, django_assert_max_num_queries
):
    for _ in range(30):
        CandidacyFactory(term=term, village=VillageFactory(township=village.township))
    client.force_login(organizer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("candidates:candidacy-list"), {"stage": "nominated"})
    assert response.context["total"] == 30


def test_review_queue_query_count_is_fixed(
    client, reviewer, advance, village, term, django_assert_max_num_queries
):
    for _ in range(10):
        advance(
            CandidacyFactory(village=village, term=term, person=PersonFactory(village=village)),
            Stage.JOINT_REVIEW,
        )
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("candidates:review-queue"))
    assert response.context["total"] == 10


def test_village_section_lists_its_candidacies(client, official, candidacy):
    client.force_login(official)
    page = client.get(candidacy.village.get_absolute_url()).content.decode()
    assert candidacy.person.name in page and "摸排提名" in page


def test_replace_page_links_both(client, official, candidacy):
    services.candidacy_decide(
        candidacy=candidacy,
        outcome="reject",
        expected_version=None,
        actor=official,
        reason="身体原因",
    )
    client.force_login(official)
    import datetime as dt

    from tests.factories import make_id_number

    response = client.post(
        reverse("candidates:candidacy-replace", args=[candidacy.pk]),
        {
            "reason": "原人选身体原因",
            "source": "recruited_back",
            "id_number": make_id_number(dt.date(1990, 1, 1)),
            "name": "钱回引",
            "political_status": "party_member",
        },
    )
    new = Candidacy.objects.get(replaces=candidacy)
    assert response["Location"] == new.get_absolute_url()
    page = client.get(candidacy.get_absolute_url()).content.decode()
    assert "已被替换为" in page and "钱回引" in page


def test_negative_list_page_edit(client, organizer, viewer, county):
    client.force_login(organizer)
    client.get(reverse("candidates:negative-list"))
    response = client.post(
        reverse("candidates:negative-list"), {"text": "长期外出不在村", "active": "on"}
    )
    assert response.status_code == 302
    assert county.negative_list.filter(number=13, text="长期外出不在村").exists()
    client.force_login(viewer)
    assert client.post(reverse("candidates:negative-list"), {"text": "x"}).status_code == 403


def test_organizer_sets_review_departments(client, organizer, official, county):
    client.force_login(organizer)
    client.post(reverse("candidates:negative-list"), {"department": "health", "takes_part": "on"})
    health = county.review_departments.get(department="health")
    assert health.takes_part and not health.required
    assert "health" not in selectors.required_departments(county)
    client.force_login(official)
    response = client.post(reverse("candidates:negative-list"), {"department": "court"})
    assert response.status_code == 403
    assert county.review_departments.get(department="court").required


def test_candidacy_page_query_count_does_not_grow_with_history(
    client, organizer, advance, candidacy, village, term
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fresh = CandidacyFactory(village=village, term=term)
    advance(candidacy, Stage.APPROVED)
    client.force_login(organizer)
    client.get(fresh.get_absolute_url())
    with CaptureQueriesContext(connection) as short:
        client.get(fresh.get_absolute_url())
    with CaptureQueriesContext(connection) as long:
        response = client.get(candidacy.get_absolute_url())
    assert len(response.context["timeline"]) >= 9
    # Three prefetches (decision items, sign-off items twice) run only once rows exist;
    # beyond them, sixteen decisions and sign-offs cost nothing extra.
    assert len(long) <= len(short) + 3 <= 20


@pytest.mark.parametrize(
    "role,testid",
    [
        (Role.TOWNSHIP_OFFICIAL, "card-candidates"),
        (Role.COUNTY_ORGANIZER, "card-candidates"),
        (Role.COUNTY_VIEWER, "card-funnel"),
        (Role.DEPARTMENT_REVIEWER, "card-review"),
    ],
)
def test_home_card_and_nav_per_role(client, make_user, role, testid):
    client.force_login(make_user(role))
    page = client.get("/").content.decode()
    assert f'data-testid="{testid}"' in page
    nav = "nav-review" if role == Role.DEPARTMENT_REVIEWER else "nav-candidates"
    assert f'data-testid="{nav}"' in page


def test_person_page_lists_candidacies(client, official, candidacy):
    client.force_login(official)
    page = client.get(candidacy.person.get_absolute_url()).content.decode()
    assert 'data-testid="person-candidacies"' in page and "党组织书记" in page

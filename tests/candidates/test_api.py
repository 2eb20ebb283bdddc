"""The REST API: role x endpoint matrix, scoping, reviewer fields, decide with 409/412."""

import datetime as dt

import pytest

from candidates import services
from candidates.choices import Stage
from candidates.models import Candidacy, Decision, SignOff
from core.access import Role
from tests.factories import PersonFactory, make_id_number
from tests.factories.candidates import CandidacyFactory
from tests.problems import errors

pytestmark = pytest.mark.django_db

ROLES = [
    Role.ADMIN,
    Role.COUNTY_ORGANIZER,
    Role.COUNTY_VIEWER,
    Role.TOWNSHIP_OFFICIAL,
    Role.DEPARTMENT_REVIEWER,
    Role.API_CLIENT,
]
READ = {
    "/api/v1/candidacies/": set(ROLES),
    "/api/v1/candidacy-decisions/": set(ROLES) - {Role.DEPARTMENT_REVIEWER},
    "/api/v1/sign-offs/": set(ROLES),
    "/api/v1/negative-list/": set(ROLES),
    "/api/v1/candidacy-funnel/": set(ROLES) - {Role.DEPARTMENT_REVIEWER},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", sorted(READ))
def test_read_matrix(api, make_user, candidacy, role, url):
    response = api(make_user(role)).get(url)
    assert response.status_code == (200 if role in READ[url] else 403)


@pytest.mark.parametrize("url", sorted(READ))
def test_anonymous_refused(api, url):
    assert api().get(url).status_code in (401, 403)


def nomination(village, **extra):
    return {
        "id_number": make_id_number(dt.date(1986, 7, 8)),
        "name": "郑新人",
        "village": village.pk,
        "term": 2021,
        "body": "party",
        "post": "member",
        "source": "reserve",
        "rating_service": "good",
        "political_status": "party_member",  # a party post needs a full member
        **extra,
    }


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.ADMIN, 201),
        (Role.COUNTY_ORGANIZER, 201),
        (Role.TOWNSHIP_OFFICIAL, 201),
        (Role.COUNTY_VIEWER, 403),
        (Role.DEPARTMENT_REVIEWER, 403),
        (Role.API_CLIENT, 403),
    ],
)
def test_create_matrix(api, make_user, village, term, role, status):
    response = api(make_user(role)).post("/api/v1/candidacies/", nomination(village), format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert response.data["stage"] == "nominated" and response.data["rating_service"] == "good"
        assert response["ETag"] == '"1"'


def test_official_cannot_nominate_in_other_township(api, official, other_village, term):
    response = api(official).post("/api/v1/candidacies/", nomination(other_village), format="json")
    # answered like a village that does not exist (tests/api/test_errors.py)
    assert response.status_code == 400 and "village" in errors(response)
    assert not Candidacy.objects.exists()


def test_scoping_other_township_404(api, official, other_village, term):
    theirs = CandidacyFactory(village=other_village, term=term)
    client = api(official)
    assert client.get(f"/api/v1/candidacies/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/candidacies/{theirs.pk}/decide/", {"outcome": "pass"}).status_code
        == 404
    )


def test_api_client_never_gets_id_numbers(api, api_user, candidacy):
    body = api(api_user).get(f"/api/v1/candidacies/{candidacy.pk}/").data
    assert body["id_number"] is None and body["person_name"] == candidacy.person.name


def test_reviewer_fields_restricted(api, reviewer, advance, candidacy):
    advance(candidacy, Stage.JOINT_REVIEW)
    CandidacyFactory(village=candidacy.village, term=candidacy.term)  # nominated: hidden
    rows = api(reviewer).get("/api/v1/candidacies/").data["results"]
    assert len(rows) == 1
    assert set(rows[0]) == {
        "id",
        "person_name",
        "id_number",
        "gender",
        "age",
        "village_name",
        "township_name",
        "body",
        "post",
        "source",
        "stage",
        "version",
    }
    assert rows[0]["id_number"] == "*" * 14 + candidacy.person.id_number[-4:]


def test_decide_pass_then_stale_version_409(api, official, candidacy):
    client = api(official)
    url = f"/api/v1/candidacies/{candidacy.pk}/decide/"
    first = client.post(url, {"outcome": "pass", "version": 1}, format="json")
    assert first.status_code == 201 and first.data["to_stage"] == "preliminary_review"
    second = client.post(url, {"outcome": "reject", "reason": "x", "version": 1}, format="json")
    assert second.status_code == 409
    assert "已被他人更新" in second.data["detail"]


def test_decide_with_if_match_412(api, official, candidacy):
    client = api(official)
    etag = client.get(f"/api/v1/candidacies/{candidacy.pk}/")["ETag"]
    url = f"/api/v1/candidacies/{candidacy.pk}/decide/"
    ok = client.post(url, {"outcome": "pass"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 201 and ok["ETag"] == '"2"'
    stale = client.post(url, {"outcome": "pass"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Decision.objects.count() == 1


def test_decide_illegal_is_400(api, official, candidacy):
    response = api(official).post(
        f"/api/v1/candidacies/{candidacy.pk}/decide/",
        {"outcome": "return", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400


def test_decide_wrong_role_is_403(api, organizer, advance, candidacy):
    advance(candidacy, Stage.PRELIMINARY_REVIEW)
    response = api(organizer).post(
        f"/api/v1/candidacies/{candidacy.pk}/decide/", {"outcome": "pass"}, format="json"
    )
    assert response.status_code == 403


def test_api_client_cannot_write(api, api_user, candidacy):
    response = api(api_user).post(
        f"/api/v1/candidacies/{candidacy.pk}/decide/", {"outcome": "pass"}, format="json"
    )
    assert response.status_code == 403


def test_sign_off_and_clear_through_api(api, reviewer, organizer, advance, candidacy, items):
    advance(candidacy, Stage.JOINT_REVIEW)
    flag = api(reviewer).post(
        "/api/v1/sign-offs/",
        {
            "candidacy": candidacy.pk,
            "outcome": "flag",
            "negative_items": [items[7].pk],
            "note": "侵占集体资产未退赔",
        },
        format="json",
    )
    assert flag.status_code == 201 and flag.data["department"] == "police"
    again = api(reviewer).post(
        "/api/v1/sign-offs/", {"candidacy": candidacy.pk, "outcome": "pass"}, format="json"
    )
    assert again.status_code == 409
    assert (
        api(reviewer)
        .post(f"/api/v1/sign-offs/{flag.data['id']}/clear/", {"reason": "x"})
        .status_code
        == 403
    )
    cleared = api(organizer).post(
        f"/api/v1/sign-offs/{flag.data['id']}/clear/", {"reason": "已退赔，经核实"}, format="json"
    )
    assert cleared.status_code == 201 and cleared.data["clearance"]["reason"] == "已退赔，经核实"
    assert SignOff.objects.get().clearance.cleared_by == organizer


def test_joint_review_gate_through_api(api, organizer, advance, candidacy):
    advance(candidacy, Stage.JOINT_REVIEW)
    response = api(organizer).post(
        f"/api/v1/candidacies/{candidacy.pk}/decide/", {"outcome": "pass"}, format="json"
    )
    assert response.status_code == 400
    assert "尚未出具意见的部门" in str(response.data)


def test_withdraw_and_replace_through_api(api, official, candidacy):
    client = api(official)
    response = client.post(
        f"/api/v1/candidacies/{candidacy.pk}/withdraw/", {"reason": "本人自愿退出"}, format="json"
    )
    assert response.status_code == 201
    new = client.post(
        f"/api/v1/candidacies/{candidacy.pk}/replace/",
        {
            "reason": "原人选退出",
            "source": "recruited_back",
            "id_number": make_id_number(dt.date(1991, 2, 2)),
            "name": "冯回引",
            "political_status": "party_member",
        },
        format="json",
    )
    assert new.status_code == 201 and new.data["replaces"] == candidacy.pk
    old = client.get(f"/api/v1/candidacies/{candidacy.pk}/").data
    assert old["stage"] == "replaced" and old["replaced_by"] == new.data["id"]


def test_filters(api, organizer, village, other_village, term):
    CandidacyFactory(village=village, term=term)
    CandidacyFactory(village=other_village, term=term, source="sent_in")
    client = api(organizer)
    assert client.get("/api/v1/candidacies/", {"source": "sent_in"}).data["count"] == 1
    assert (
        client.get("/api/v1/candidacies/", {"township": other_village.township_id}).data["count"]
        == 1
    )
    assert (
        client.get("/api/v1/candidacies/", {"term": 2021, "stage": "nominated"}).data["count"] == 2
    )


def test_negative_list_write_matrix(api, organizer, viewer, official, county):
    created = api(organizer).post("/api/v1/negative-list/", {"text": "长期不在村"}, format="json")
    assert created.status_code == 201 and created.data["number"] == 13
    for user in (viewer, official):
        assert api(user).post("/api/v1/negative-list/", {"text": "x"}).status_code == 403
    updated = api(organizer).patch(
        f"/api/v1/negative-list/{created.data['id']}/", {"active": False}, format="json"
    )
    assert updated.status_code == 200 and updated.data["active"] is False


def test_funnel_endpoint(api, organizer, advance, candidacy):
    advance(candidacy, Stage.APPROVED)
    body = api(organizer).get("/api/v1/candidacy-funnel/", {"term": 2021}).data
    assert body["total"] == 1 and body["ended"]["approved"] == 1
    assert {s["source"]: s["count"] for s in body["approved_sources"]}["reserve"] == 1


def test_person_match_name_mismatch_400(api, official, village, term):
    person = PersonFactory(village=village, name="周建国")
    response = api(official).post(
        "/api/v1/candidacies/",
        nomination(village, id_number=person.id_number, name="周建军"),
        format="json",
    )
    assert response.status_code == 400 and "已登记为" in str(response.data)


def test_sign_off_by_reviewer_for_candidacy_not_in_review_404(
    api, reviewer, candidacy, departments
):
    response = api(reviewer).post(
        "/api/v1/sign-offs/", {"candidacy": candidacy.pk, "outcome": "pass"}, format="json"
    )
    assert response.status_code in (400, 404)
    assert not SignOff.objects.exists()


def test_decisions_list_is_read_only(api, organizer, official, candidacy):
    services.candidacy_decide(
        candidacy=candidacy, outcome="pass", expected_version=None, actor=official
    )
    client = api(organizer)
    rows = client.get("/api/v1/candidacy-decisions/", {"candidacy": candidacy.pk}).data
    assert rows["count"] == 1
    decision_id = rows["results"][0]["id"]
    assert (
        client.patch(f"/api/v1/candidacy-decisions/{decision_id}/", {"reason": "x"}).status_code
        == 405
    )
    assert client.delete(f"/api/v1/candidacy-decisions/{decision_id}/").status_code == 405


def test_flagged_filter_means_blocked_in_joint_review(
    api, organizer, reviewer, advance, village, term
):
    blocked = advance(CandidacyFactory(village=village, term=term), Stage.JOINT_REVIEW)
    services.sign_off_record(candidacy=blocked, outcome="flag", actor=reviewer, note="涉赌")
    ended = advance(CandidacyFactory(village=village, term=term, post="member"), Stage.JOINT_REVIEW)
    services.sign_off_record(candidacy=ended, outcome="flag", actor=reviewer, note="涉赌")
    services.candidacy_decide(
        candidacy=ended, outcome="reject", expected_version=None, actor=organizer, reason="涉赌属实"
    )
    rows = api(organizer).get("/api/v1/candidacies/", {"flagged": "true"}).data["results"]
    assert [row["id"] for row in rows] == [blocked.pk]
    assert rows[0]["open_flag"] is True


@pytest.mark.parametrize("etag", ['"²"', '"١"'])
def test_an_if_match_of_other_digits_is_a_400_not_a_crash(api, official, candidacy, etag):
    url = f"/api/v1/candidacies/{candidacy.pk}/decide/"
    response = api(official).post(url, {"outcome": "pass"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and "If-Match" in errors(response)

"""The round's API writes what the pages write, through the same services: talks, liaisons
(with the county's limit), attached units, the "四个一" teams, screenings and key persons —
scoped by the same rules, refused with Chinese problem details, versioned (409 on a stale
body `version`, 412 on a stale `If-Match`), every change in the history."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Tombstone
from core.policy import SYSTEM
from rounds import services
from rounds.models import AttachedUnit, KeyPerson, Liaison, Screening, Talk, VillageTeam
from tests.factories import PersonFactory, VillageFactory
from tests.factories.elections import SeatFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def test_talks_are_recorded_corrected_and_removed(api, official, round_, village, other_village):
    person = PersonFactory(village=village, name="张建国")
    url = "/api/v1/rounds/talks/"
    body = {"person": person.pk, "kind": "heart", "held_on": TODAY, "talker": "乡镇党委书记"}
    created = api(official).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["village_name"] == "东关村" and created.json()["version"] == 1
    pk = created.json()["id"]
    assert api(official).get(f"{url}{pk}/")["ETag"] == '"1"'

    changed = api(official).patch(
        f"{url}{pk}/",
        {"kind": "warning", "note": "提醒遵守换届纪律"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert changed.status_code == 200 and changed.json()["kind"] == "warning"
    assert changed["ETag"] == '"2"'
    stale = api(official).patch(
        f"{url}{pk}/", {"talker": "别人"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    stale = api(official).patch(f"{url}{pk}/", {"talker": "别人", "version": 1}, format="json")
    assert stale.status_code == 409
    future = api(official).patch(
        f"{url}{pk}/",
        {"held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400 and "谈话日期不能晚于今天" in future.json()["detail"]
    assert Talk.objects.get().talker == "乡镇党委书记"  # nothing saved by a refusal

    elsewhere = PersonFactory(village=other_village)
    outside = api(official).post(url, {**body, "person": elsewhere.pk}, format="json")
    assert outside.status_code == 400
    assert outside.json()["errors"][0] == {
        "field": "person",
        "code": "does_not_exist",
        "message": f"编号为 {elsewhere.pk} 的记录不存在，或不在您的管辖范围内",
    }
    assert api(official).delete(f"{url}{pk}/", HTTP_IF_MATCH='"1"').status_code == 412
    assert api(official).delete(f"{url}{pk}/", HTTP_IF_MATCH='"2"').status_code == 204
    history = Talk.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert history.last().history_user == official
    assert Tombstone.objects.filter(resource="rounds/talks", object_id=pk).exists()


def test_liaisons_keep_the_countys_limit_and_leave_a_tombstone(
    api, organizer, official, leader, round_, township
):
    villages = VillageFactory.create_batch(5, township=township)
    url = "/api/v1/rounds/liaisons/"
    for village in villages[:4]:
        response = api(organizer).post(
            url, {"leader": leader.pk, "village": village.pk}, format="json"
        )
        assert response.status_code == 201, response.json()
    over = api(organizer).post(url, {"leader": leader.pk, "village": villages[4].pk}, format="json")
    assert over.status_code == 400
    assert over.json()["errors"][0]["message"] == (
        "刘县长 已包联 4 个村，达到本县每位县级领导 4 个村的上限"
    )
    assert (
        api(official)
        .post(url, {"leader": leader.pk, "village": villages[4].pk}, format="json")
        .status_code
        == 403
    )
    not_leader = api(organizer).post(
        url, {"leader": official.pk, "village": villages[4].pk}, format="json"
    )
    assert not_leader.status_code == 400 and not_leader.json()["errors"][0]["field"] == "leader"
    pk = Liaison.objects.order_by("pk").first().pk
    assert api(organizer).delete(f"{url}{pk}/").status_code == 204
    assert Tombstone.objects.filter(resource="rounds/liaisons", object_id=pk).exists()
    assert Liaison.objects.count() == 3


def test_units_and_teams(api, organizer, official, round_, village, other_village):
    units = "/api/v1/rounds/units/"
    created = api(organizer).post(
        units, {"name": "县民政局", "villages": [village.pk]}, format="json"
    )
    assert created.status_code == 201 and created.json()["village_names"] == ["东关村"]
    pk = created.json()["id"]
    moved = api(organizer).patch(
        f"{units}{pk}/", {"villages": [village.pk, other_village.pk], "version": 1}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["village_names"] == ["东关村", "西坪村"]
    assert (
        api(organizer)
        .patch(f"{units}{pk}/", {"name": "x", "version": 1}, format="json")
        .status_code
        == 409
    )
    assert api(official).post(units, {"name": "乡镇的单位"}, format="json").status_code == 403
    assert api(organizer).post(units, {"name": "县民政局"}, format="json").status_code == 400
    assert api(organizer).delete(f"{units}{pk}/").status_code == 204
    assert not AttachedUnit.objects.exists()
    assert Tombstone.objects.filter(resource="rounds/units", object_id=pk).exists()

    teams = "/api/v1/rounds/teams/"
    team = api(official).post(
        teams,
        {"village": village.pk, "township_cadre": "王专干", "work_group": "第一组"},
        format="json",
    )
    assert team.status_code == 201 and team.json()["township_cadre"] == "王专干"
    other = api(official).post(
        teams, {"village": other_village.pk, "township_cadre": "x"}, format="json"
    )
    assert other.status_code == 400 and other.json()["errors"][0]["code"] == "does_not_exist"
    tid = team.json()["id"]
    patched = api(official).patch(
        f"{teams}{tid}/", {"work_group": ""}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200 and patched.json()["work_group"] == ""
    assert VillageTeam.objects.get().township_cadre == "王专干"


def test_screenings_take_the_countys_reasons(api, official, round_, village, other_village):
    reasons = list(round_.county.risk_reasons.order_by("number")[:2])
    url = "/api/v1/rounds/screenings/"
    body = {
        "village": village.pk,
        "screened_on": TODAY,
        "reasons": [r.pk for r in reasons],
        "note": "班子总体稳定",
    }
    created = api(official).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["reason_texts"] == [r.text for r in reasons]
    pk = created.json()["id"]
    bad = api(official).patch(f"{url}{pk}/", {"reasons": [999999]}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reasons"
    done = api(official).patch(
        f"{url}{pk}/", {"emergency_plan": "由包联领导牵头处置", "version": 1}, format="json"
    )
    assert done.status_code == 200 and done.json()["version"] == 2
    screening = Screening.objects.get()
    assert screening.emergency_plan == "由包联领导牵头处置" and screening.reasons.count() == 2
    assert (
        api(official).post(url, {**body, "village": other_village.pk}, format="json").status_code
        == 400
    )


def test_a_screenings_emergency_plan_file_is_uploaded_through_the_api(
    api, official, round_, village, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = "/api/v1/rounds/screenings/"
    plan = SimpleUploadedFile("应急预案.txt", "一、组织领导……".encode(), "text/plain")
    created = api(official).post(
        url,
        {
            "village": village.pk,
            "screened_on": TODAY,
            "emergency_plan": "见附件",
            "emergency_plan_file": plan,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["has_emergency_plan_file"] is True
    screening = Screening.objects.get()
    assert screening.emergency_plan_file.read().decode() == "一、组织领导……"
    kept = api(official).patch(f"{url}{screening.pk}/", {"note": "复核"}, format="json")
    assert kept.status_code == 200 and kept.json()["has_emergency_plan_file"] is True


def test_key_persons(api, official, organizer, round_, village, other_village, term):
    member = SeatFactory(village=village, term=term, person=PersonFactory(village=village)).person
    url = "/api/v1/rounds/key-persons/"
    created = api(official).post(url, {"person": member.pk, "reason": "有拉票苗头"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["village_name"] == "东关村"
    twice = api(official).post(url, {"person": member.pk, "reason": "再次"}, format="json")
    assert twice.status_code == 400 and "该人员已列为本次换届的重点人员" in twice.json()["detail"]
    wrong_village = api(organizer).post(
        url,
        {"person": PersonFactory(village=village).pk, "village": other_village.pk, "reason": "x"},
        format="json",
    )
    assert wrong_village.status_code == 400 and "不是西坪村的人员" in wrong_village.json()["detail"]
    pk = created.json()["id"]
    assert (
        api(official).patch(f"{url}{pk}/", {"reason": "宗族矛盾"}, format="json").json()["reason"]
        == "宗族矛盾"
    )
    assert api(official).delete(f"{url}{pk}/", HTTP_IF_MATCH='"1"').status_code == 412
    assert api(official).delete(f"{url}{pk}/").status_code == 204
    assert not KeyPerson.objects.exists()
    assert Tombstone.objects.filter(resource="rounds/key-persons", object_id=pk).exists()
    assert KeyPerson.history.filter(id=pk).count() == 3


def test_readers_may_not_write(api, viewer, api_user, leader, round_, village):
    services.talk_create(
        village=village,
        person=PersonFactory(village=village),
        kind="heart",
        held_on=timezone.localdate(),
        talker="x",
        actor=SYSTEM,
    )
    for user in (viewer, api_user, leader):
        for url in ("talks", "key-persons", "screenings", "teams", "units", "liaisons"):
            assert api(user).post(f"/api/v1/rounds/{url}/", {}, format="json").status_code == 403

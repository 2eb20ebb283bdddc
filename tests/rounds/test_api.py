"""The round's API: the ledger read, reported and moved through the same services; visits
and their totals; updated_since; a liaison leader's village scope; bad input a 400."""

import datetime as dt

import pytest
from django.utils import timezone

from core.policy import SYSTEM
from rounds import services
from rounds.models import Problem

pytestmark = pytest.mark.django_db


def add_problem(village, **fields):
    values = {
        "source": "supervision",
        "category": "procedure",
        "description": "问题",
        "deadline": timezone.localdate() + dt.timedelta(days=3),
    }
    return services.problem_create(village=village, actor=SYSTEM, **{**values, **fields})


def test_problems_list_filter_and_move(api, official, organizer, round_, village, other_village):
    late = add_problem(
        village,
        description="逾期未改",
        deadline=timezone.localdate(),
        reported_on=timezone.localdate(),
    )
    Problem.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(1))
    add_problem(other_village, description="屯里镇的")
    rows = api(official).get("/api/v1/rounds/problems/").json()
    assert [r["description"] for r in rows["results"]] == ["逾期未改"]  # their township only
    assert rows["results"][0]["is_overdue"] is True
    assert api(organizer).get("/api/v1/rounds/problems/", {"overdue": "true"}).json()["count"] == 1

    created = api(official).post(
        "/api/v1/rounds/problems/",
        {
            "village": village.pk,
            "source": "residents",
            "category": "livelihood",
            "description": "路灯不亮",
            "owner": "村委会",
            "deadline": "2030-01-01",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["state"] == "assigned"
    pk = created.json()["id"]
    refused = api(official).post(f"/api/v1/rounds/problems/{pk}/resolve/", {}, format="json")
    assert refused.status_code == 400 and "销号须说明整改情况" in str(refused.json())
    done = api(official).post(
        f"/api/v1/rounds/problems/{pk}/resolve/", {"resolution": "已更换"}, format="json"
    )
    assert done.json()["state"] == "resolved"
    assert api(official).post(f"/api/v1/rounds/problems/{pk}/verify/").status_code == 403
    assert api(organizer).post(f"/api/v1/rounds/problems/{pk}/verify/").json()["state"] == (
        "verified"
    )
    other = api(official).post(
        "/api/v1/rounds/problems/",
        {
            "village": other_village.pk,
            "source": "residents",
            "category": "livelihood",
            "description": "x",
            "deadline": "2030-01-01",
        },
        format="json",
    )
    assert other.status_code == 400  # another township's village is not theirs


def test_updated_since_lists_only_later_changes(api, organizer, village):
    old = add_problem(village, description="早")
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    Problem.objects.filter(pk=old.pk).update(updated_at=two_days_ago)
    type(village).objects.filter(pk=village.pk).update(updated_at=two_days_ago)
    add_problem(village, description="新")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    rows = api(organizer).get("/api/v1/rounds/problems/", {"updated_since": since}).json()
    assert [r["description"] for r in rows["results"]] == ["新"]
    assert (
        api(organizer).get("/api/v1/rounds/problems/", {"updated_since": "yesterday"}).status_code
        == 400
    )


def test_visits_and_totals(api, official, organizer, round_, village, other_village):
    today = timezone.localdate().isoformat()
    response = api(official).post(
        "/api/v1/rounds/visits/",
        {
            "village": village.pk,
            "visited_on": today,
            "visitors": "王专干",
            "households": 10,
            "people": 25,
            "forums": 2,
            "analysis_meetings": 1,
        },
        format="json",
    )
    assert response.status_code == 201
    services.visit_create(
        village=other_village,
        visited_on=timezone.localdate(),
        visitors="赵",
        households=1,
        people=1,
        actor=SYSTEM,
    )
    totals = (
        api(organizer)
        .get("/api/v1/rounds/visits/totals/", {"township": village.township_id})
        .json()
    )
    assert totals["line"] == "走访10户、25人，召开座谈会2次、分析研判会1次，排查重难点村0个"
    mine = api(official).get("/api/v1/rounds/visits/totals/").json()
    assert mine["households"] == 10  # the official's township only


def test_a_leader_reads_their_villages_only(api, leader, round_, village, other_village):
    services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    add_problem(village, description="本村")
    add_problem(other_village, description="外村")
    rows = api(leader).get("/api/v1/rounds/problems/").json()["results"]
    assert [r["description"] for r in rows] == ["本村"]
    board = api(leader).get("/api/v1/rounds/board/").json()
    assert [v["name"] for v in board["villages"]] == ["东关村"]
    liaisons = api(leader).get("/api/v1/rounds/liaisons/").json()["results"]
    assert [(r["leader_name"], r["village_name"]) for r in liaisons] == [("刘县长", "东关村")]
    assert api(leader).post("/api/v1/rounds/visits/", {}, format="json").status_code == 403


def test_reports_are_read_as_built(api, organizer, official, round_, village):
    from rounds.reports import report_build

    report_build(round_=round_, actor=SYSTEM)
    rows = api(official).get("/api/v1/rounds/reports/").json()["results"]
    assert len(rows) == 1 and rows[0]["township_name"] == "吉昌镇"
    assert rows[0]["data"]["overdue"][0]["step"] == "分析研判"
    assert api(organizer).get("/api/v1/rounds/reports/").json()["count"] == 2
    assert api(organizer).delete(f"/api/v1/rounds/reports/{rows[0]['id']}/").status_code == 405


def test_problems_sync_by_cursor_and_removed_liaisons_leave_tombstones(
    api, organizer, leader, round_, village
):
    add_problem(village, description="一")
    first = api(organizer).get("/api/v1/rounds/problems/", {"cursor": ""}).json()
    assert [r["description"] for r in first["results"]] == ["一"] and first["cursor"]
    liaison = services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    removed = liaison.pk
    services.liaison_remove(liaison=liaison, actor=SYSTEM)
    deleted = api(organizer).get("/api/v1/deleted/", {"cursor": ""}).json()["results"]
    assert [(d["resource"], d["id"]) for d in deleted] == [("rounds/liaisons", removed)]


def test_a_move_on_a_stale_copy_is_refused(api, official, organizer, village):
    problem = add_problem(village, owner="村委会")
    read = api(official).get(f"/api/v1/rounds/problems/{problem.pk}/")
    version = read.json()["version"]
    url = f"/api/v1/rounds/problems/{problem.pk}/resolve/"
    first = api(official).post(url, {"resolution": "已办", "version": version}, format="json")
    assert first.status_code == 200
    again = api(official).post(url, {"resolution": "再办", "version": version}, format="json")
    assert again.status_code == 409
    stale = api(organizer).post(
        f"/api/v1/rounds/problems/{problem.pk}/reopen/",
        {"verification_note": "x"},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert stale.status_code == 412
    problem.refresh_from_db()
    assert problem.resolution == "已办" and problem.state == "resolved"

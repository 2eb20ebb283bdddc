"""The round's pages as their users read them: the board and its export, a village's round,
the ledger with its moves, visits and their line, liaison with its limit, talks, and the
reports built on demand and opened."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from core.roles import Role
from registry.choices import RiskClass
from rounds import services
from rounds.models import Liaison, Problem, ReportRead, StepRecord, VisitLog
from tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def test_board_page_and_export(client, organizer, round_, village, other_village):
    client.force_login(organizer)
    page = client.get(reverse("rounds:board"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-village="141028100201"' in html and "西坪村" in html
    assert html.count('data-step="screening" data-status="overdue"') == 2
    export = client.get(reverse("rounds:board-xlsx") + "?township=" + str(village.township_id))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("乡镇", "村(社区)", "区划代码")
    assert [r[1] for r in rows[1:]] == ["东关村"] and rows[1][5] == "已逾期"


def test_an_official_sees_their_township_only(client, official, round_, village, other_village):
    client.force_login(official)
    html = client.get(reverse("rounds:board")).content.decode()
    assert "东关村" in html and "西坪村" not in html
    assert client.get(reverse("rounds:village", args=[other_village.pk])).status_code == 404


def test_a_village_records_a_manual_step_and_moves_a_window(client, official, round_, village):
    client.force_login(official)
    today = timezone.localdate()
    url = reverse("rounds:village", args=[village.pk])
    response = client.post(
        url, {"what": "record", "step": "audit", "done_on": today, "done_by": "县审计局"}
    )
    assert response.status_code == 302
    assert StepRecord.objects.get().done_by == "县审计局"
    # A derived step cannot be recorded by hand: the same fact is never typed twice.
    response = client.post(
        url, {"what": "record", "step": "party_election", "done_on": today, "done_by": "某人"}
    )
    assert "无需手工记录" in response.content.decode()
    response = client.post(
        url, {"what": "window", "step": "screening", "ends_on": today + dt.timedelta(days=3)}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-step="screening"' in html and 'data-status="in_progress"' in html


def test_the_ledger_from_report_to_verification(client, official, organizer, round_, village):
    client.force_login(official)
    today = timezone.localdate()
    response = client.post(
        reverse("rounds:problem-list"),
        {
            "kind": "problem",
            "village": village.pk,
            "source": "supervision",
            "category": "procedure",
            "description": "选民名单公示时间不足 20 天",
            "deadline": today - dt.timedelta(days=1),
        },
    )
    assert response.status_code == 200  # a deadline before the day it was found
    assert "销号时限不能早于发现日期" in response.content.decode()
    client.post(
        reverse("rounds:problem-list"),
        {
            "kind": "problem",
            "village": village.pk,
            "source": "supervision",
            "category": "procedure",
            "description": "选民名单公示时间不足 20 天",
            "deadline": today + dt.timedelta(days=5),
            "owner": "吉昌镇 王专干",
        },
    )
    problem = Problem.objects.get()
    assert problem.state == "assigned"
    url = problem.get_absolute_url()
    response = client.post(url, {"action": "resolve"})
    assert "销号须说明整改情况" in response.content.decode()
    client.post(url, {"action": "resolve", "resolution": "重新公示满 20 天"})
    # The township that closed it does not check its own work: the county does.
    assert client.post(url, {"action": "verify"}).status_code == 200
    problem.refresh_from_db()
    assert problem.state == "resolved"
    client.force_login(organizer)
    client.post(url, {"action": "reopen", "verification_note": "公示照片缺失"})
    problem.refresh_from_db()
    assert problem.state == "assigned" and problem.resolved_on is None
    page = client.get(reverse("rounds:problem-list")).content.decode()
    assert "集中化解问题0个" in page
    assert "<li>已交办 1</li>" in page and "<li>程序不规范 1</li>" in page
    assert problem.history.count() == 3


def test_visits_and_the_printed_line(client, official, round_, village):
    client.force_login(official)
    today = timezone.localdate()
    village.risk_class = RiskClass.DIFFICULT
    village.save()
    services.screening_save(round_=round_, village=village, screened_on=today, actor=SYSTEM)
    response = client.post(
        reverse("rounds:visit-list"),
        {
            "village": village.pk,
            "visited_on": today,
            "visitors": "王专干",
            "households": 12,
            "people": 30,
            "forums": 1,
            "analysis_meetings": 1,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("rounds:visit-list"),
        {
            "village": village.pk,
            "visited_on": today,
            "visitors": "王专干",
            "households": 12,
            "people": 3,
            "forums": 0,
            "analysis_meetings": 0,
        },
    )
    assert "走访人数不能少于走访户数" in response.content.decode()
    assert VisitLog.objects.count() == 1
    page = client.get(reverse("rounds:visit-list")).content.decode()
    assert "走访12户、30人，召开座谈会1次、分析研判会1次，排查重难点村1个" in page


def test_liaison_limit_is_refused_with_a_clear_error(client, organizer, leader, round_, township):
    villages = VillageFactory.create_batch(5, township=township)
    for village in villages[:4]:
        services.liaison_add(round_=round_, leader=leader, village=village, actor=organizer)
    client.force_login(organizer)
    response = client.post(
        reverse("rounds:liaison"), {"leader": leader.pk, "village": villages[4].pk}
    )
    assert "刘县长 已包联 4 个村，达到本县每位县级领导 4 个村的上限" in response.content.decode()
    assert Liaison.objects.count() == 4


def test_a_leader_sees_only_their_villages(client, leader, round_, village, other_village):
    services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    services.problem_create(
        village=other_village,
        source="petition",
        category="conflict",
        description="外村问题",
        deadline=timezone.localdate(),
        actor=SYSTEM,
    )
    client.force_login(leader)
    mine = client.get(reverse("rounds:mine")).content.decode()
    assert "东关村" in mine and "西坪村" not in mine
    board = client.get(reverse("rounds:board")).content.decode()
    assert "东关村" in board and "西坪村" not in board
    assert "外村问题" not in client.get(reverse("rounds:problem-list")).content.decode()
    # Read-only on the village, but the ledger is theirs to write to.
    response = client.post(
        reverse("rounds:village", args=[village.pk]),
        {"what": "record", "step": "audit", "done_on": "2026-12-01", "done_by": "x"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("rounds:problem-list"),
        {
            "kind": "problem",
            "village": village.pk,
            "source": "liaison",
            "category": "conflict",
            "description": "两派争执",
            "deadline": timezone.localdate() + dt.timedelta(days=7),
        },
    )
    assert response.status_code == 302
    assert "两派争执" in client.get(reverse("rounds:mine")).content.decode()


def test_reports_built_on_demand_opened_and_exported(
    client, organizer, official, round_, village, other_village
):
    client.force_login(organizer)
    response = client.post(reverse("rounds:report-list"), {"kind": "daily"})
    assert response.status_code == 302
    page = client.get(reverse("rounds:report-list")).content.decode()
    assert page.count('data-testid="report-row"') == 3  # the county and two townships
    client.force_login(official)
    reports = client.get(reverse("rounds:report-list")).content.decode()
    assert reports.count('data-testid="report-row"') == 1  # their township's only
    report = round_.reports.get(township=village.township)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "吉昌镇" in detail and "分析研判" in detail
    assert not ReportRead.objects.exists()  # reading writes nothing; the page POSTs
    assert client.post(reverse("rounds:report-opened", args=[report.pk])).status_code == 204
    assert ReportRead.objects.get().user == official
    export = client.get(reverse("rounds:report-xlsx", args=[report.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert book.sheetnames[:2] == ["步骤", "逾期"]
    overdue = list(book["逾期"].values)
    assert overdue[1][1] == "东关村" and overdue[1][2] == "分析研判" and overdue[1][3] == 40


def test_the_other_pages_render(client, organizer, round_, village):
    client.force_login(organizer)
    for name in (
        "rounds:talk-list",
        "rounds:liaison",
        "rounds:problem-upload",
        "rounds:visit-upload",
        "rounds:mine",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("rounds:screening", args=[village.pk])).status_code == 200
    assert client.get(reverse("rounds:problem-upload") + "?template=1").status_code == 200
    village_page = client.get(village.get_absolute_url()).content.decode()
    assert 'data-testid="village-round"' in village_page


def test_role_of_liaison_leader_is_not_a_staff_door(client, leader):
    client.force_login(leader)
    assert client.get(reverse("registry:village-list")).status_code == 403
    assert leader.role == Role.LIAISON_LEADER


def test_the_four_ones_filled_in_from_the_pages(
    client, organizer, official, leader, round_, village
):
    village.risk_class = RiskClass.DIFFICULT
    village.save()
    services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    client.force_login(official)
    url = reverse("rounds:village", args=[village.pk])
    assert "缺乡镇干部、工作组、包村单位" in client.get(reverse("rounds:board")).content.decode()
    client.post(url, {"what": "team", "township_cadre": "王专干", "work_group": "县驻村一组"})
    client.force_login(organizer)
    client.post(
        reverse("rounds:liaison"), {"what": "unit", "name": "县民政局", "villages": [village.pk]}
    )
    board = client.get(reverse("rounds:board")).content.decode()
    assert 'data-testid="missing-four"' not in board
    assert "县民政局 · 东关村" in client.get(reverse("rounds:liaison")).content.decode()


def test_the_county_keeps_its_risk_reasons(client, organizer, official, round_, county):
    client.force_login(organizer)
    client.post(reverse("rounds:plan"), {"what": "reason", "text": "宅基地纠纷"})
    reason = county.risk_reasons.get(text="宅基地纠纷")
    assert reason.number == 15 and reason.active
    client.post(reverse("rounds:plan"), {"what": "reason", "reason": reason.pk})
    reason.refresh_from_db()
    assert not reason.active
    client.force_login(official)
    response = client.post(reverse("rounds:plan"), {"what": "reason", "text": "乡里加的"})
    assert response.status_code == 403


def test_odd_ids_in_a_form_are_a_404_not_a_500(client, organizer, round_):
    client.force_login(organizer)
    for data in ({"remove": "abc"}, {"remove": "9" * 30}):
        assert client.post(reverse("rounds:liaison"), data).status_code == 404
    for what in ("drop", "step"):
        response = client.post(reverse("rounds:plan"), {"what": what, "step": "x1"})
        assert response.status_code == 404
    response = client.post(reverse("rounds:plan"), {"what": "reason", "reason": "-1"})
    assert response.status_code == 404


def test_talks_and_their_coverage(client, official, round_, village, term):
    from elections.choices import Post
    from tests.factories import PersonFactory
    from tests.factories.elections import SeatFactory

    members = [PersonFactory(village=village, name=n) for n in ("张建国", "李秀英")]
    for person in members:
        SeatFactory(village=village, term=term, person=person, post=Post.MEMBER)
    client.force_login(official)
    page = client.get(reverse("rounds:talk-list")).content.decode()
    assert "data-person-search" in page  # a search-as-you-type picker, not every person
    response = client.post(
        reverse("rounds:talk-list"),
        {
            "kind": "heart",
            "person": members[0].pk,
            "held_on": timezone.localdate(),
            "talker": "乡镇党委书记",
        },
    )
    assert response.status_code == 302
    coverage = client.get(reverse("rounds:talk-list")).content.decode()
    assert "在任“两委”成员和确定人选 2 人，已谈心谈话 1 人；警示谈话 0 次" in coverage
    assert "李秀英" in coverage  # not yet talked to


def test_two_people_moving_one_problem(client, official, village):
    problem = services.problem_create(
        village=village,
        source="supervision",
        category="procedure",
        description="问题",
        owner="村委会",
        deadline=timezone.localdate(),
        actor=SYSTEM,
    )
    client.force_login(official)
    url = problem.get_absolute_url()
    assert f'name="version" value="{problem.version}"' in client.get(url).content.decode()
    stale = {"action": "resolve", "resolution": "已办", "version": problem.version}
    assert client.post(url, stale).status_code == 302
    response = client.post(url, {**stale, "resolution": "又办"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    problem.refresh_from_db()
    assert problem.resolution == "已办"

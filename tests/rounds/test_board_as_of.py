"""The board as of a past day is read wholly from history: the plan (steps renamed, added,
dropped; their windows moved), each village's own windows (一村一策), liaison leaders and
teams, records and problems — so "what did it look like last Friday" shows last Friday's
plan and people, the risk class each village had then, and today's board today's; the
command, the API and the page agree."""

import datetime as dt
import json
import re
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from core.policy import SYSTEM
from registry.choices import RiskClass
from registry.models import Village
from registry.services import village_update
from rounds import selectors, services
from rounds.models import Liaison, RoundStep, StepWindow, VillageTeam

pytestmark = pytest.mark.django_db

DAYS_AGO = 3


def _backdate(model, days, **lookup):
    """Say the rows' history was written `days` ago (what a change made then leaves)."""
    model.history.filter(**lookup).update(history_date=timezone.now() - dt.timedelta(days=days))


def _then():
    return timezone.localdate() - dt.timedelta(days=DAYS_AGO - 1)


def _board(round_, **kwargs):
    result = selectors.board(round_, user=SYSTEM, **kwargs)
    return {row.village.name: row for row in result.rows}, result


def _page_cells(client, **params) -> dict:
    """{village code: {step code: status}} as the board page shows it."""
    html = client.get("/rounds/", params).content.decode()
    cells = {}
    for code, row in re.findall(r'data-village="(\d+)">(.*?)</tr>', html, re.S):
        cells[code] = dict(
            re.findall(r'<td class="st [^"]*" data-step="(\w+)" data-status="(\w+)"', row)
        )
    return cells


def test_windows_liaisons_and_teams_as_they_stood_that_day(
    round_, village, other_village, leader, organizer, client, api
):
    """Screening's county window extended today, a village's audit marked not applicable
    today, a liaison ended today, a work group sent today: as of an earlier day the board
    shows the old window, the old liaison and the missing work group."""
    village.risk_class = RiskClass.DIFFICULT
    village.save()
    _backdate(Village, 10, id=village.pk)  # difficult for a while
    liaison = services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    _backdate(Liaison, 10, id=liaison.pk)
    services.team_set(round_=round_, village=village, township_cadre="王干部", actor=SYSTEM)
    _backdate(VillageTeam, 10, village_id=village.pk)
    # Today: the county moves the screening window, 西坪村's audit is not applicable, the
    # leader hands 东关村 over and its work group arrives.
    today = timezone.localdate()
    screening = round_.steps.get(code="screening")
    services.round_step_save(round_=round_, step=screening, ends_on=today, actor=SYSTEM)
    audit = round_.steps.get(code="audit")
    services.step_window_set(step=audit, village=other_village, not_applicable=True, actor=SYSTEM)
    services.liaison_remove(liaison=liaison, actor=SYSTEM)
    services.team_set(
        round_=round_, village=village, township_cadre="王干部", work_group="县委办", actor=SYSTEM
    )

    now, _result = _board(round_)
    then, result = _board(round_, as_of=_then())
    assert result.from_history and result.as_of == _then()
    assert now["东关村"].statuses["screening"] == "in_progress"  # window ends today
    assert then["东关村"].statuses["screening"] == "overdue"  # it had ended 40 days before
    assert now["西坪村"].statuses["audit"] == "not_applicable"
    assert then["西坪村"].statuses["audit"] == "overdue"
    assert now["东关村"].leaders == [] and then["东关村"].leaders == ["刘县长"]
    assert now["东关村"].missing_four == ["县级领导", "包村单位"]
    assert then["东关村"].missing_four == ["工作组", "包村单位"]
    # A leader's villages that day (the board's leader filter).
    theirs, _r = _board(round_, leader=leader, as_of=_then())
    assert list(theirs) == ["东关村"]
    assert _board(round_, leader=leader)[0] == {}

    # The command, the API and the page agree on that day.
    out = StringIO()
    call_command("round_board", "--term", "2026", "--as-of", str(_then()), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    response = api(organizer).get("/api/v1/rounds/board/", {"term": 2026, "as_of": _then()})
    assert response.status_code == 200
    assert response.json() == printed
    dongguan = next(v for v in printed["villages"] if v["code"] == village.code)
    assert dongguan["steps"] == then["东关村"].statuses
    client.force_login(organizer)
    page = _page_cells(client, as_of=_then())
    assert page[village.code] == then["东关村"].statuses
    assert page[other_village.code] == then["西坪村"].statuses
    assert _page_cells(client)[other_village.code]["audit"] == "not_applicable"


def test_the_plan_as_it_stood_renamed_added_and_dropped_steps(
    county, term, village, client, organizer
):
    """Before the round starts the county renames, adds and drops steps: as of the day
    before, the board (and the command) has the plan's old steps and labels."""
    start = timezone.localdate() + dt.timedelta(days=10)
    round_ = services.round_create(
        county=county, term=term, starts_on=start, ends_on=start + dt.timedelta(150), actor=SYSTEM
    )
    _backdate(RoundStep, 10, round_id=round_.pk)
    audit = round_.steps.get(code="audit")
    services.round_step_save(round_=round_, step=audit, label="经济责任审计", actor=SYSTEM)
    services.round_step_save(
        round_=round_,
        code="publicity",
        label="任前公示",
        starts_on=start,
        ends_on=start,
        actor=SYSTEM,
    )
    services.round_step_delete(step=round_.steps.get(code="groups"), actor=SYSTEM)

    def steps(**kwargs):
        return [(s.code, s.label) for s in selectors.board(round_, user=SYSTEM, **kwargs).steps]

    today, then = steps(), steps(as_of=_then())
    assert ("audit", "经济责任审计") in today and ("audit", "离任审计") in then
    assert today[-1] == ("publicity", "任前公示") and "publicity" not in dict(then)
    assert "groups" in dict(then) and "groups" not in dict(today)
    out = StringIO()
    call_command("round_board", "--term", "2026", "--as-of", str(_then()), "--json", stdout=out)
    assert [(s["code"], s["label"]) for s in json.loads(out.getvalue())["steps"]] == then
    client.force_login(organizer)
    html = client.get("/rounds/", {"as_of": _then()}).content.decode()
    headers = re.findall(r'<th title="([^"]*)" data-step="(\w+)">', html)
    assert [(code, label) for label, code in headers] == then


def test_a_day_before_the_plan_existed_shows_no_steps(round_, village, client, organizer):
    """The plan was laid out 61 days ago (the fixture): 70 days ago there was none."""
    long_ago = timezone.localdate() - dt.timedelta(days=70)
    result = selectors.board(round_, user=SYSTEM, as_of=long_ago)
    assert result.steps == [] and result.rows[0].cells == []
    client.force_login(organizer)
    html = client.get("/rounds/", {"as_of": long_ago}).content.decode()
    assert 'data-testid="board-no-plan"' in html


def test_a_village_window_and_problems_as_of(round_, village):
    """A village's own window set 10 days ago and changed today; a problem reported today."""
    today = timezone.localdate()
    screening = round_.steps.get(code="screening")
    window = services.step_window_set(
        step=screening, village=village, ends_on=today + dt.timedelta(days=30), actor=SYSTEM
    )
    _backdate(StepWindow, 10, id=window.pk)
    services.step_window_set(
        step=screening, village=village, ends_on=today - dt.timedelta(days=1), actor=SYSTEM
    )
    services.problem_create(
        village=village,
        source="residents",
        category="other",
        description="换届前反映的问题",
        reported_on=today,
        deadline=today,
        actor=SYSTEM,
    )
    now, _r = _board(round_)
    then, _r = _board(round_, as_of=_then())
    assert now["东关村"].statuses["screening"] == "overdue"
    assert then["东关村"].statuses["screening"] == "in_progress"
    assert now["东关村"].open_problems == 1 and then["东关村"].open_problems == 0


def _difficult_on_page(html: str) -> set[str]:
    """The codes of the villages the board page tags 重难点."""
    rows = re.findall(r'data-village="(\d+)">(.*?)</tr>', html, re.S)
    return {code for code, row in rows if "tag-difficult" in row}


def test_risk_class_as_it_stood_that_day(round_, village, other_village, organizer, client, api):
    """东关村 was a general village until today, 西坪村 difficult until today (both set
    through the registry's service 10 days ago and again today): as of an earlier day the
    board, its risk filter, the difficult villages' "四个一", the command, the API, the page
    and its workbook all show the classes of that day; today's board today's."""
    _backdate(Village, 10, id=village.pk)
    village_update(village=other_village, risk_class=RiskClass.DIFFICULT, actor=SYSTEM)
    _backdate(Village, 10, id=other_village.pk)
    village_update(village=village, risk_class=RiskClass.DIFFICULT, actor=SYSTEM)
    village_update(village=other_village, risk_class=RiskClass.STABLE, actor=SYSTEM)

    now, _r = _board(round_)
    then, _r = _board(round_, as_of=_then())
    assert {name: row.village.risk_class for name, row in now.items()} == {
        "东关村": RiskClass.DIFFICULT,
        "西坪村": RiskClass.STABLE,
    }
    assert {name: row.village.risk_class for name, row in then.items()} == {
        "东关村": RiskClass.GENERAL,
        "西坪村": RiskClass.DIFFICULT,
    }
    # The "四个一" are asked of the villages difficult that day.
    assert now["东关村"].missing_four and not now["西坪村"].missing_four
    assert then["西坪村"].missing_four and not then["东关村"].missing_four
    difficult_then, _r = _board(round_, as_of=_then(), risk_class=RiskClass.DIFFICULT)
    assert list(difficult_then) == ["西坪村"]
    assert list(_board(round_, risk_class=RiskClass.DIFFICULT)[0]) == ["东关村"]
    # A day before the villages' history began reads the earliest class known.
    long_ago = timezone.localdate() - dt.timedelta(days=30)
    assert _board(round_, as_of=long_ago)[0]["西坪村"].village.risk_class == RiskClass.GENERAL

    out = StringIO()
    call_command("round_board", "--term", "2026", "--as-of", str(_then()), "--json", stdout=out)
    printed = {v["code"]: v["risk_class"] for v in json.loads(out.getvalue())["villages"]}
    assert printed == {village.code: "general", other_village.code: "difficult"}
    answer = api(organizer).get("/api/v1/rounds/board/", {"term": 2026, "as_of": _then()})
    assert {v["code"]: v["risk_class"] for v in answer.json()["villages"]} == printed
    filtered = api(organizer).get(
        "/api/v1/rounds/board/", {"term": 2026, "as_of": _then(), "risk_class": "difficult"}
    )
    assert [v["code"] for v in filtered.json()["villages"]] == [other_village.code]

    client.force_login(organizer)
    page = client.get("/rounds/", {"as_of": _then()}).content.decode()
    assert _difficult_on_page(page) == {other_village.code}
    assert _difficult_on_page(client.get("/rounds/").content.decode()) == {village.code}
    page = client.get("/rounds/", {"as_of": _then(), "risk_class": "difficult"}).content.decode()
    assert re.findall(r'data-village="(\d+)"', page) == [other_village.code]
    xlsx = client.get("/rounds/board.xlsx", {"as_of": _then()})
    sheet = openpyxl.load_workbook(BytesIO(xlsx.getvalue())).active
    classes = {sheet.cell(r, 3).value: sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)}
    assert classes == {village.code: "一般村", other_village.code: "重难点村"}

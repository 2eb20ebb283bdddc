"""The attached units' villages (包村单位, one of the "四个一") keep history: the board as of a
past day asks the difficult villages for the unit they had that day, today's board for
today's; the page, the command and the API read the same board."""

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.policy import SYSTEM
from registry.choices import RiskClass
from registry.models import Village
from rounds import selectors, services
from rounds.models import AttachedUnit, Liaison, VillageTeam

pytestmark = pytest.mark.django_db

UNIT = "包村单位"


def _backdate(model, days, **lookup):
    model.history.filter(**lookup).update(history_date=timezone.now() - dt.timedelta(days=days))


def _then():
    return timezone.localdate() - dt.timedelta(days=2)


def _gaps(round_, **kwargs) -> dict:
    result = selectors.board(round_, user=SYSTEM, **kwargs)
    return {row.village.name: row.missing_four for row in result.rows}


def _page_gaps(client, **params) -> dict:
    """{village code: the "缺…" tag of its row} as the board page shows it."""
    html = client.get("/rounds/", params).content.decode()
    rows = re.findall(r'data-village="(\d+)">(.*?)</tr>', html, re.S)
    return {
        code: "".join(re.findall(r'data-testid="missing-four"[^>]*>([^<]*)<', row))
        for code, row in rows
    }


@pytest.fixture
def difficult_pair(round_, village, other_village, leader):
    """东关村 and 西坪村, difficult for ten days, each with its county leader, township
    cadre and work group: only the unit can be missing."""
    for each in (village, other_village):
        each.risk_class = RiskClass.DIFFICULT
        each.save()
        Liaison.objects.create(round=round_, leader=leader, village=each)
        VillageTeam.objects.create(
            round=round_, village=each, township_cadre="王干部", work_group="县委办"
        )
    for model in (Village, Liaison, VillageTeam):
        _backdate(model, 10)
    return village, other_village


def test_a_unit_moved_today_is_where_it_was_on_a_past_board(
    round_, difficult_pair, organizer, api, client
):
    """县住建局 took 东关村 six days ago and moved to 西坪村 today (through the API): as of
    two days ago 西坪村 lacks its unit, today 东关村 does; the page agrees with the
    selector on both days, and the command and the API print the same past board."""
    village, other_village = difficult_pair
    unit = services.unit_save(round_=round_, name="县住建局", villages=[village], actor=SYSTEM)
    _backdate(AttachedUnit, 6, id=unit.pk)
    moved = api(organizer).patch(
        f"/api/v1/rounds/units/{unit.pk}/",
        {"villages": [other_village.pk], "version": unit.version},
        format="json",
    )
    assert moved.status_code == 200, moved.json()

    assert _gaps(round_) == {"东关村": [UNIT], "西坪村": []}
    assert _gaps(round_, as_of=_then()) == {"东关村": [], "西坪村": [UNIT]}
    # Before the unit was formed neither village had one.
    before = timezone.localdate() - dt.timedelta(days=8)
    assert _gaps(round_, as_of=before) == {"东关村": [UNIT], "西坪村": [UNIT]}

    client.force_login(organizer)
    then = _page_gaps(client, as_of=_then())
    assert "包村单位" in then[other_village.code] and then[village.code] == ""
    now = _page_gaps(client)
    assert "包村单位" in now[village.code] and now[other_village.code] == ""

    out = StringIO()
    call_command("round_board", "--term", "2026", "--as-of", str(_then()), "--json", stdout=out)
    answer = api(organizer).get("/api/v1/rounds/board/", {"term": 2026, "as_of": _then()})
    assert answer.status_code == 200
    assert answer.json() == json.loads(out.getvalue())


def test_a_unit_deleted_today_still_covered_its_villages_that_day(round_, difficult_pair):
    village, _other = difficult_pair
    unit = services.unit_save(round_=round_, name="县交通局", villages=[village], actor=SYSTEM)
    _backdate(AttachedUnit, 10, id=unit.pk)
    services.unit_delete(unit=unit, actor=SYSTEM)
    assert _gaps(round_)["东关村"] == [UNIT]
    assert _gaps(round_, as_of=_then())["东关村"] == []


def test_the_past_board_no_longer_says_the_units_villages_are_todays(
    round_, village, client, organizer
):
    client.force_login(organizer)
    html = client.get("/rounds/", {"as_of": _then()}).content.decode()
    assert "（按当日历史数据还原）" in html
    assert "没有历史记录" not in html and 'data-testid="board-today-only"' not in html


def test_the_units_villages_then_are_one_query(round_, township, leader):
    """Many units and many difficult villages: the same queries as of a day as with one."""
    from tests.factories import VillageFactory

    def grow(count):
        for n, each in enumerate(
            VillageFactory.create_batch(count, township=township, risk_class="difficult")
        ):
            name = f"单位{AttachedUnit.objects.count()}-{n}"
            unit = services.unit_save(round_=round_, name=name, villages=[], actor=SYSTEM)
            services.unit_save(round_=round_, unit=unit, name=name, villages=[each], actor=SYSTEM)
        _backdate(Village, 3)
        _backdate(AttachedUnit, 3)

    def count():
        with CaptureQueriesContext(connection) as captured:
            result = selectors.board(round_, user=SYSTEM, as_of=_then())
        assert all(UNIT not in row.missing_four for row in result.rows)
        assert all(row.missing_four for row in result.rows)  # no leader: still flagged
        return len(captured)

    grow(5)
    at_5 = count()
    grow(50)
    assert count() == at_5


def test_migration_gives_units_rows_their_villages_today(round_, difficult_pair):
    """Units recorded before the villages had history: rounds.0004 writes each unit's
    villages of today onto its earlier rows, so a past board reads them (the earliest
    known) rather than no unit at all; a deleted unit gets none."""
    from importlib import import_module

    from django.apps import apps

    village, other_village = difficult_pair
    unit = services.unit_save(round_=round_, name="县住建局", villages=[village], actor=SYSTEM)
    gone = services.unit_save(
        round_=round_, name="县交通局", villages=[other_village], actor=SYSTEM
    )
    services.unit_delete(unit=gone, actor=SYSTEM)
    _backdate(AttachedUnit, 6)
    AttachedUnit.history.model.villages.model.objects.all().delete()  # as before 0004
    assert _gaps(round_, as_of=_then()) == {"东关村": [UNIT], "西坪村": [UNIT]}

    migration = import_module("rounds.migrations.0004_attached_unit_villages_history")
    migration.villages_as_history_begins(apps, None)
    assert _gaps(round_, as_of=_then()) == {"东关村": [], "西坪村": [UNIT]}
    assert unit.history.count() == 2  # created, then its villages set

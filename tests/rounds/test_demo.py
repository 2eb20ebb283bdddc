"""The demo's round on a small county: alive on first start (some villages done, some late,
a difficult village missing one of its four, problems open, overdue and closed, visits that
add up to the seed county's line, one day's report)."""

import datetime as dt
import random
from io import StringIO
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.services import user_upsert
from core.policy import SYSTEM
from core.roles import Role
from registry.choices import RiskClass
from rounds import demo, selectors
from rounds.coverage import talk_coverage
from rounds.models import Liaison, Problem, Report
from tests.factories import TermFactory, VillageFactory
from tests.factories.elections import SeatFactory

pytestmark = pytest.mark.django_db


def test_the_demo_round_is_alive(county, township, other_township, monkeypatch):
    """On the day the demo's calendar is set at (2026-12-04), whenever the test runs."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 4))
    past = TermFactory(year=2021)
    for index in range(8):
        village = VillageFactory(
            township=township if index < 5 else other_township,
            risk_class=RiskClass.DIFFICULT if index in (1, 6) else RiskClass.GENERAL,
        )
        if index < 3 or index == 6:
            SeatFactory(village=village, term=past)  # a sitting member
    ctx = SimpleNamespace(
        rng=random.Random(2021),
        stdout=StringIO(),
        fresh=True,
        county=county,
        terms={2026: TermFactory(year=2026)},
        users={
            name: user_upsert(username=name, role=Role.LIAISON_LEADER, county=county)
            for name in demo.LEADERS
        },
    )
    demo.build(ctx)
    board = selectors.board(ctx.round, user=SYSTEM)
    cells = [status for row in board.rows for status in row.statuses.values()]
    assert "done" in cells and "overdue" in cells and "not_started" in cells
    assert [row.missing_four for row in board.rows if row.missing_four] == [["工作组"]]
    line = selectors.visit_line(selectors.visit_totals(selectors.Village.objects.all()))
    assert line.startswith("走访699户、1831人，召开座谈会73次、分析研判会37次，排查重难点村")
    states = set(Problem.objects.values_list("state", flat=True))
    assert {"open", "assigned", "resolved", "verified"} <= states
    assert Problem.objects.overdue().exists()
    assert Report.objects.filter(township__isnull=True).count() == 1
    assert set(Liaison.objects.values_list("leader__username", flat=True)) == {"leader", "leader2"}
    # 开门办事 taken on by sitting members, some closed; key persons, some warned
    needs = Problem.objects.filter(kind="need")
    assert needs.count() == 3 and all(n.owner_person.seats.filter(village=n.village) for n in needs)
    assert needs.filter(state__in=["resolved", "verified"]).count() == 2
    cover = talk_coverage(ctx.round, selectors.Village.objects.all())
    assert (cover.key_persons, cover.key_warned) == (2, 2)  # the two difficult villages
    # Written on the round's calendar: the history tells the round's story, so a board as of
    # a past day shows the plan and fewer steps done than today (not an empty plan).
    assert ctx.round.created_at.date() == demo.LAID_OUT
    early = selectors.board(ctx.round, user=SYSTEM, as_of=demo.START + dt.timedelta(days=5))
    counts = {step.code: c for step, c in early.step_counts}
    today = {step.code: c for step, c in board.step_counts}
    assert counts and counts["screening"]["done"] < today["screening"]["done"]
    assert counts["audit"]["done"] == 0 < today["audit"]["done"]
    resolved = Problem.objects.filter(state__in=["resolved", "verified"])
    assert all(p.resolved_on > p.reported_on for p in resolved)

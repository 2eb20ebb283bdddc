"""The plan (started by the county, steps renamed, added or dropped before the round starts,
windows moved after) and the reports (the weekly dispatch's comparison and villages stuck a
week; the evening task; stored as built)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from elections.choices import Body, ElectionState
from elections.models import Election
from rounds import services
from rounds.models import Report, Round
from rounds.reports import report_build
from rounds.tasks import round_reports_task
from tests.factories import TermFactory
from tests.factories.elections import ElectionFactory

pytestmark = pytest.mark.django_db


def test_the_county_starts_and_shapes_a_round(client, organizer, official, county):
    term = TermFactory(year=2026)
    client.force_login(organizer)
    start = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("rounds:plan"),
        {
            "what": "round",
            "term": term.pk,
            "starts_on": start,
            "ends_on": start + dt.timedelta(days=150),
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.steps.count() == 9
    audit = round_.steps.get(code="audit")
    client.post(
        reverse("rounds:plan"),
        {
            "what": "step",
            "step": audit.pk,
            "label": "经济责任审计",
            "starts_on": audit.starts_on,
            "ends_on": audit.ends_on,
        },
    )
    client.post(
        reverse("rounds:plan"),
        {
            "what": "step",
            "code": "publicity",
            "label": "任前公示",
            "starts_on": start,
            "ends_on": start,
        },
    )
    client.post(
        reverse("rounds:plan"), {"what": "drop", "step": round_.steps.get(code="groups").pk}
    )
    codes = list(round_.steps.order_by("order").values_list("code", flat=True))
    assert "groups" not in codes and codes[-1] == "publicity"
    assert round_.steps.get(code="audit").label == "经济责任审计"
    client.force_login(official)
    assert (
        client.post(reverse("rounds:plan"), {"what": "drop", "step": audit.pk}).status_code == 403
    )


def test_steps_are_fixed_once_the_round_started(round_):
    step = round_.steps.get(code="audit")
    with pytest.raises(ValidationError, match="换届工作已经开始"):
        services.round_step_save(round_=round_, step=step, label="改名", actor=SYSTEM)
    with pytest.raises(ValidationError, match="换届工作已经开始"):
        services.round_step_delete(step=step, actor=SYSTEM)
    later = step.ends_on + dt.timedelta(days=10)
    services.round_step_save(round_=round_, step=step, ends_on=later, actor=SYSTEM)
    assert round_.steps.get(code="audit").ends_on == later


def test_weekly_dispatch_compares_with_a_week_before(round_, village, other_village, term):
    election = ElectionFactory(
        village=village, term=term, body=Body.PARTY_COMMITTEE, state=ElectionState.CERTIFIED
    )
    Election.history.filter(id=election.pk).update(
        history_date=timezone.now() - dt.timedelta(days=3)
    )
    county, *_townships = report_build(round_=round_, kind="weekly", actor=SYSTEM)
    data = county.data
    moved = [(m["name"], m["step"]) for m in data["moved"]]
    assert ("东关村", "党组织换届选举") in moved
    party = next(s for s in data["steps"] if s["code"] == "party_election")
    assert party["done"] == 1 and data["done_a_week_before"]["party_election"] == 0
    # Both villages were on their first step a week ago and are still: stuck.
    assert {s["name"] for s in data["stuck"]} == {"东关村", "西坪村"}
    with pytest.raises(ValidationError):
        county.save()  # stored as built


def test_the_evening_task_builds_every_running_round(round_, village):
    from config.celery import app

    assert app.conf.beat_schedule["rounds-evening-reports"]["task"] == (
        "rounds.tasks.round_reports_task"
    )
    assert round_reports_task.delay().get() >= 2
    assert Report.objects.filter(kind="daily", date=timezone.localdate()).count() == 2

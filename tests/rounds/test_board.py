"""The progress board: each village's status on each step derived from the data the portal
holds (elections, candidacies, seats and training, the round's own records), as of today or
a past day from history; the same board in the command, the API and the page; a fixed
number of queries whatever the number of villages."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.choices import Stage
from candidates.models import Candidacy
from core.policy import SYSTEM
from elections.choices import Body, ElectionState, Post
from elections.models import Election, Seat
from registry.choices import RiskClass
from registry.models import Village
from rounds import selectors, services
from rounds.models import Liaison, RoundStep, StepRecord, StepWindow, VillageTeam
from tests.factories import PersonFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory, SeatFactory
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory
from training.choices import EnrolmentStatus

pytestmark = pytest.mark.django_db


def statuses(round_, user=SYSTEM, **kwargs):
    result = selectors.board(round_, user=user, **kwargs)
    return {row.village.name: row.statuses for row in result.rows}


def test_statuses_come_from_the_data_the_portal_holds(round_, village, other_village, term):
    today = timezone.localdate()
    ElectionFactory(
        village=village, term=term, body=Body.PARTY_COMMITTEE, state=ElectionState.CERTIFIED
    )
    ElectionFactory(village=village, term=term, body=Body.VILLAGERS_COMMITTEE)
    services.screening_save(round_=round_, village=village, screened_on=today, actor=SYSTEM)
    audit = round_.steps.get(code="audit")
    services.step_record_create(
        step=audit, village=village, done_on=today, done_by="审计局", actor=SYSTEM
    )
    services.step_window_set(
        step=audit,
        village=other_village,
        not_applicable=True,
        note="新设村，无离任干部",
        actor=SYSTEM,
    )

    board = statuses(round_)
    assert board["东关村"]["screening"] == "done"
    assert board["东关村"]["audit"] == "done"
    assert board["东关村"]["party_election"] == "done"  # certified
    assert board["东关村"]["villagers_election"] == "in_progress"  # held, not yet certified
    assert board["西坪村"]["screening"] == "overdue"  # window ended 40 days ago
    assert board["西坪村"]["audit"] == "not_applicable"
    assert board["西坪村"]["party_election"] == "in_progress"  # window open, nothing held
    assert board["西坪村"]["supervision"] == "not_started"  # window opens in 15 days


def test_a_village_window_moves_its_deadline(round_, village):
    """一村一策: the screening window extended for one village is no longer overdue."""
    step = round_.steps.get(code="screening")
    assert statuses(round_)["东关村"]["screening"] == "overdue"
    services.step_window_set(step=step, village=village, ends_on=timezone.localdate(), actor=SYSTEM)
    assert statuses(round_)["东关村"]["screening"] == "in_progress"


def test_vetting_is_done_when_every_post_has_an_approved_candidate(round_, village, term):
    step = round_.steps.get(code="vetting")
    tomorrow = timezone.localdate() + dt.timedelta(1)
    RoundStep.objects.filter(pk=step.pk).update(starts_on=tomorrow, ends_on=tomorrow)
    assert statuses(round_)["东关村"]["vetting"] == "not_started"
    open_one = CandidacyFactory(village=village, term=term, stage=Stage.JOINT_REVIEW)
    CandidacyFactory(village=village, term=term, post=Post.DEPUTY_SECRETARY, stage=Stage.APPROVED)
    assert statuses(round_)["东关村"]["vetting"] == "in_progress"
    open_one.stage = Stage.REJECTED  # ended, but the secretary's post has no one approved
    open_one.save()
    assert statuses(round_)["东关村"]["vetting"] == "in_progress"
    CandidacyFactory(village=village, term=term, stage=Stage.APPROVED)
    assert statuses(round_)["东关村"]["vetting"] == "done"


def _vetting_window_tomorrow(round_):
    step = round_.steps.get(code="vetting")
    tomorrow = timezone.localdate() + dt.timedelta(1)
    RoundStep.objects.filter(pk=step.pk).update(starts_on=tomorrow, ends_on=tomorrow)


def test_vetting_fills_the_seats_the_election_plans(round_, village, term):
    """The party committee's election of the term plans a secretary and two members (its
    名额): one approved member is not enough, two are; a deputy nobody planned is not
    needed."""
    _vetting_window_tomorrow(round_)
    ElectionFactory(
        village=village, term=term, body=Body.PARTY_COMMITTEE, seats_chair=1, seats_member=2
    )
    approved = {"village": village, "term": term, "stage": Stage.APPROVED}
    CandidacyFactory(**approved)  # the secretary
    CandidacyFactory(post=Post.MEMBER, **approved)
    assert statuses(round_)["东关村"]["vetting"] == "in_progress"
    CandidacyFactory(post=Post.MEMBER, **approved)
    assert statuses(round_)["东关村"]["vetting"] == "done"


def test_vetting_without_an_election_needs_each_committees_chair(round_, village, term):
    """No election recorded yet: the posts nominated for, and the chair every committee
    has (here the villagers' committee's 主任, though only its members were nominated)."""
    _vetting_window_tomorrow(round_)
    approved = {"village": village, "term": term, "stage": Stage.APPROVED}
    CandidacyFactory(**approved)
    villagers = {"body": Body.VILLAGERS_COMMITTEE, **approved}
    CandidacyFactory(post=Post.MEMBER, **villagers)
    assert statuses(round_)["东关村"]["vetting"] == "in_progress"
    CandidacyFactory(post=Post.DIRECTOR, **villagers)
    assert statuses(round_)["东关村"]["vetting"] == "done"


def test_vetting_as_of_reads_the_planned_seats_then(round_, village, term):
    """The election's member seats cut from 2 to 1 today: done today, not as of yesterday."""
    _vetting_window_tomorrow(round_)
    election = ElectionFactory(village=village, term=term, body=Body.PARTY_COMMITTEE)
    approved = {"village": village, "term": term, "stage": Stage.APPROVED}
    CandidacyFactory(**approved)
    CandidacyFactory(post=Post.MEMBER, **approved)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    for model in (Election, Candidacy):
        model.history.update(history_date=two_days_ago)
    election.seats_member = 1
    election.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert statuses(round_)["东关村"]["vetting"] == "done"
    assert statuses(round_, as_of=yesterday)["东关村"]["vetting"] == "overdue"


def test_training_is_done_when_the_new_secretary_trained_in_the_window(
    round_, village, term, county
):
    step = round_.steps.get(code="training")
    secretary = PersonFactory(village=village, name="李书记")
    SeatFactory(village=village, term=term, person=secretary, post=Post.SECRETARY)
    before = TrainingSessionFactory(county=county, starts_on=step.starts_on - dt.timedelta(5))
    attended = {"status": EnrolmentStatus.ATTENDED, "checked_in_at": timezone.now()}
    EnrolmentFactory(session=before, person=secretary, **attended)
    assert statuses(round_)["东关村"]["training"] == "in_progress"  # trained before the window
    inside = TrainingSessionFactory(county=county, starts_on=step.starts_on)
    EnrolmentFactory(session=inside, person=secretary, **attended)
    assert statuses(round_)["东关村"]["training"] == "done"


def test_as_of_a_past_day_reads_history(round_, village, term):
    """Certified today; "as of yesterday" it was still only held."""
    election = ElectionFactory(village=village, term=term, body=Body.PARTY_COMMITTEE)
    Election.history.filter(id=election.pk).update(
        history_date=timezone.now() - dt.timedelta(days=3)
    )
    election.state = ElectionState.CERTIFIED
    election.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert statuses(round_)["东关村"]["party_election"] == "done"
    assert statuses(round_, as_of=yesterday)["东关村"]["party_election"] == "in_progress"
    long_ago = timezone.localdate() - dt.timedelta(days=10)
    assert statuses(round_, as_of=long_ago)["东关村"]["party_election"] == "in_progress"


def test_filters_and_counts(round_, village, other_village, villages):
    village.risk_class = RiskClass.DIFFICULT
    village.save()
    result = selectors.board(round_, user=SYSTEM, risk_class=RiskClass.DIFFICULT)
    assert [row.village.name for row in result.rows] == ["东关村"]
    # The difficult village has none of its "四个一" yet: all four are flagged.
    assert result.rows[0].missing_four == ["县级领导", "乡镇干部", "工作组", "包村单位"]
    result = selectors.board(round_, user=SYSTEM)
    screening = dict(result.step_counts)[round_.steps.get(code="screening")]
    assert screening["overdue"] == 4
    assert {t.name: n for t, _c, n, _late in result.township_counts} == {"吉昌镇": 3, "屯里镇": 1}
    services.screening_save(
        round_=round_, village=village, screened_on=timezone.localdate(), actor=SYSTEM
    )
    result = selectors.board(round_, user=SYSTEM, step_code="screening", status="done")
    assert [row.village.name for row in result.rows] == ["东关村"]


def _board_queries(round_, user, as_of=None):
    with CaptureQueriesContext(connection) as captured:
        result = selectors.board(round_, user=user, as_of=as_of)
    assert all(row.cells for row in result.rows)
    return len(captured)


def test_the_board_reads_a_fixed_number_of_queries(round_, township, term, organizer, leader):
    """Pinned at 20 and at 200 villages, each with an election, a candidacy, a secretary,
    a window of its own, a hand record, a team and a liaison; today and as of a past day
    (every row then read from history)."""
    audit, groups = round_.steps.get(code="audit"), round_.steps.get(code="groups")
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    def grow(count):
        for village in VillageFactory.create_batch(count, township=township):
            ElectionFactory(village=village, term=term, body=Body.PARTY_COMMITTEE)
            CandidacyFactory(village=village, term=term)
            SeatFactory(village=village, term=term, post=Post.SECRETARY)
            village.risk_class = RiskClass.DIFFICULT
            village.save()
            StepWindow.objects.create(step=audit, village=village, not_applicable=True)
            StepRecord.objects.create(
                step=groups, village=village, done_on=yesterday, done_by="村委会"
            )
            VillageTeam.objects.create(round=round_, village=village, township_cadre="王干部")
            Liaison.objects.create(round=round_, leader=leader, village=village)
        for model in (
            Village,  # difficult three days ago: the "四个一" are read as of yesterday too
            Election,
            Candidacy,
            Seat,
            StepWindow,
            StepRecord,
            VillageTeam,
            Liaison,
        ):
            model.history.update(history_date=three_days_ago)

    grow(20)
    at_20 = _board_queries(round_, organizer), _board_queries(round_, organizer, yesterday)
    grow(180)
    at_200 = _board_queries(round_, organizer), _board_queries(round_, organizer, yesterday)
    assert at_20 == at_200 == (13, 13), (at_20, at_200)


def test_command_api_and_board_agree(round_, village, other_village, term, api, organizer):
    ElectionFactory(
        village=village, term=term, body=Body.PARTY_COMMITTEE, state=ElectionState.CERTIFIED
    )
    out = StringIO()
    call_command("round_board", "--term", "2026", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {"steps", "villages"}
    assert set(printed["steps"][0]) == {
        "code",
        "label",
        "done",
        "in_progress",
        "not_started",
        "overdue",
        "not_applicable",
    }
    assert [s["code"] for s in printed["steps"]] == [
        "screening",
        "audit",
        "vetting",
        "party_election",
        "villagers_election",
        "supervision",
        "groups",
        "handover",
        "training",
    ]
    dongguan = next(v for v in printed["villages"] if v["code"] == village.code)
    assert dongguan == {
        "code": village.code,
        "name": "东关村",
        "risk_class": village.risk_class,
        "steps": statuses(round_)["东关村"],
    }
    response = api(organizer).get("/api/v1/rounds/board/", {"term": 2026})
    assert response.status_code == 200
    assert response.json() == printed

    out = StringIO()
    call_command("round_board", "--term", "2026", "--scope", "141028100", "--json", stdout=out)
    assert [v["name"] for v in json.loads(out.getvalue())["villages"]] == ["东关村"]


def test_the_board_page_reads_a_fixed_number_of_queries(client, round_, township, organizer):
    client.force_login(organizer)
    client.get("/rounds/")  # the first request of a session reads more (user, session)
    yesterday = {"as_of": timezone.localdate() - dt.timedelta(days=1)}
    VillageFactory.create_batch(20, township=township)
    with CaptureQueriesContext(connection) as at_20:
        assert client.get("/rounds/").status_code == 200
    with CaptureQueriesContext(connection) as past_20:
        assert client.get("/rounds/", yesterday).status_code == 200
    VillageFactory.create_batch(180, township=township)
    with CaptureQueriesContext(connection) as at_200:
        html = client.get("/rounds/").content.decode()
    with CaptureQueriesContext(connection) as past_200:
        past_html = client.get("/rounds/", yesterday).content.decode()
    assert html.count('data-testid="board-row"') == 200
    assert past_html.count('data-testid="board-row"') == 200
    assert len(at_20) == len(at_200)
    assert len(past_20) == len(past_200)


def test_as_of_reads_seats_enrolments_and_candidacies_from_history(round_, village, term, county):
    from training.models import Enrolment

    step = round_.steps.get(code="training")
    secretary = PersonFactory(village=village)
    seat = SeatFactory(village=village, term=term, person=secretary, post=Post.SECRETARY)
    session = TrainingSessionFactory(county=county, starts_on=step.starts_on)
    enrolment = EnrolmentFactory(
        session=session,
        person=secretary,
        status=EnrolmentStatus.ATTENDED,
        checked_in_at=timezone.now(),
    )
    CandidacyFactory(village=village, term=term, stage=Stage.APPROVED)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    Seat.history.filter(id=seat.pk).update(history_date=two_days_ago)
    Enrolment.history.filter(id=enrolment.pk).update(history_date=two_days_ago)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    then = statuses(round_, as_of=yesterday)["东关村"]
    assert then["training"] == "done"  # seat and attendance were there two days ago
    assert then["vetting"] != "done"  # the candidacy was approved only today
    assert statuses(round_)["东关村"]["vetting"] == "done"

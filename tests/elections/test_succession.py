"""Term succession (换届): certifying a village's new committee ends the previous term's
seats of that body, so "current" means current — in the API, on the village page, in the
counts — while the previous term's figures stay what they were."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from composition.selectors import population_queryset
from core.policy import SYSTEM
from elections import services
from elections.choices import Body, ElectionState, Post, SeatEndReason
from elections.models import Seat
from elections.services import CandidateInput
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms():
    return TermFactory(year=2018), TermFactory(year=2021)


@pytest.fixture
def old_team(village, terms):
    old = terms[0]
    secretary = SeatFactory(village=village, term=old, post=Post.SECRETARY)
    member = SeatFactory(village=village, term=old, post=Post.MEMBER)
    director = SeatFactory(
        village=village, term=old, body=Body.VILLAGERS_COMMITTEE, post=Post.DIRECTOR
    )
    return secretary, member, director


def _certified_party_election(village, term, organizer):
    people = [PersonFactory(village=village, name=f"新{i}") for i in range(4)]
    election = ElectionFactory(
        village=village,
        term=term,
        body=Body.PARTY_COMMITTEE,
        held_on=dt.date(2021, 3, 10),
        entitled=40,
        present=38,
        ballots_issued=38,
        ballots_returned=38,
        ballots_valid=38,
        ballots_invalid=0,
    )
    services.election_results_set(
        election=election,
        candidates=[
            CandidateInput(p, 30 - i, post)
            for i, (p, post) in enumerate(
                zip(people, [Post.SECRETARY, Post.MEMBER, Post.MEMBER, ""], strict=True)
            )
        ],
        actor=SYSTEM,
    )
    services.election_submit(election=election, actor=SYSTEM)
    return services.election_certify(election=election, actor=organizer)


def test_certifying_the_new_committee_ends_the_previous_terms_seats(
    api, client, organizer, official, village, terms, old_team
):
    client_api = api(organizer)
    current_2018 = {"term": 2018, "current": "true"}
    assert client_api.get("/api/v1/seats/", current_2018).json()["count"] == 3
    election = _certified_party_election(village, terms[1], organizer)

    # The party committee's 2018 seats ended on the election's day, reason 换届, with history;
    # the villagers' committee (not re-elected yet) is still in office.
    current = client_api.get("/api/v1/seats/", current_2018).json()
    assert [s["post"] for s in current["results"]] == [Post.DIRECTOR]
    secretary = Seat.objects.get(pk=old_team[0].pk)
    assert secretary.ended_on == election.held_on
    assert secretary.end_reason == SeatEndReason.TERM_END
    assert secretary.history.first().ended_on == election.held_on

    # The village page: one current team, the 2021 one; 2018 folded away, no "leave" on
    # an ended seat.
    client.force_login(official)
    page = client.get(village.get_absolute_url()).content.decode()
    assert "现任班子（2021 年届）" in page and "现任班子（2018" not in page
    current_team = page.split('data-testid="current-team"', 1)[1].split("</table>", 1)[0]
    assert "新0" in current_team and secretary.person.name not in current_team
    earlier = page.split('data-testid="earlier-team"', 1)[1].split("</details>", 1)[0]
    assert "换届" in earlier
    assert earlier.count('data-testid="seat-end"') == 1  # only the director still in office

    # The 2018 figures still count the 2018 team as it served its term.
    assert population_queryset("sec", terms[0].pk).count() == 1

    # Unlocking the result gives the office back to the previous team.
    services.election_unlock(election=election, reason="计票有误", actor=organizer)
    assert client_api.get("/api/v1/seats/", current_2018).json()["count"] == 3


def test_the_migration_ends_the_seats_of_rounds_certified_before(village, terms, old_team):
    ElectionFactory(
        village=village,
        term=terms[1],
        body=Body.VILLAGERS_COMMITTEE,
        state=ElectionState.CERTIFIED,
        held_on=dt.date(2021, 4, 2),
    )
    migration = importlib.import_module("elections.migrations.0010_previous_terms_end")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: nothing more happens
    director = Seat.objects.get(pk=old_team[2].pk)
    assert director.ended_on == dt.date(2021, 4, 2)
    assert director.end_reason == SeatEndReason.TERM_END
    assert director.history.filter(history_change_reason="换届").count() == 1
    assert Seat.objects.current().filter(term=terms[0]).count() == 2  # the party committee


def test_ending_a_seat_by_hand_picks_no_reason_and_never_term_end(client, official, old_team):
    client.force_login(official)
    page = client.get(f"/elections/seats/{old_team[1].pk}/end/").content.decode()
    select = page.split('name="reason"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>' in select
    assert "换届" not in select and "辞职" in select


def test_a_second_rounds_seats_are_elected_not_by_election(village, terms, organizer):
    """另行选举 is part of the election; 补选 is a later vacancy filled (reports app)."""
    from elections.choices import ElectionRound, SeatSource

    first = _certified_party_election(village, terms[1], organizer)
    second = ElectionFactory(
        village=village,
        term=terms[1],
        body=Body.PARTY_COMMITTEE,
        round=ElectionRound.SECOND,
        held_on=dt.date(2021, 3, 11),
        entitled=40,
        present=38,
        ballots_issued=38,
        ballots_returned=38,
        ballots_valid=38,
        ballots_invalid=0,
    )
    people = [PersonFactory(village=village, name=f"另行{i}") for i in range(4)]
    services.election_results_set(
        election=second,
        candidates=[
            CandidateInput(p, 30 - i, Post.MEMBER if i == 0 else "") for i, p in enumerate(people)
        ],
        actor=SYSTEM,
    )
    services.election_submit(election=second, actor=SYSTEM)
    services.election_certify(election=second, actor=organizer)
    assert Seat.objects.get(election=second).source == SeatSource.ELECTION
    assert set(Seat.objects.filter(election=first).values_list("source", flat=True)) == {
        SeatSource.ELECTION
    }

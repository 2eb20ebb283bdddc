"""Every legal check fails when its rule is broken, exactly at the boundary."""

from fractions import Fraction
from math import ceil

from hypothesis import given
from hypothesis import strategies as st

from elections.choices import Body
from elections.rules import (
    ERROR,
    SECOND,
    WARNING,
    CandidateResult,
    ElectionData,
    blocking,
    check_election,
    elected,
    min_party_candidates,
)


def cand(key, votes, post="", female=False):
    return CandidateResult(key=key, name=f"候选人{key}", votes=votes, female=female, post=post)


def villagers(**overrides):
    """A valid villagers' committee first round: 100 voters, 3 seats, 4 candidates."""
    data = dict(
        body=Body.VILLAGERS_COMMITTEE,
        seats=3,
        entitled=100,
        present=80,
        ballots_issued=80,
        ballots_returned=80,
        ballots_valid=78,
        ballots_invalid=2,
        candidates=(
            cand("a", 70, "director"),
            cand("b", 60, "member", female=True),
            cand("c", 50, "member"),
            cand("d", 20),
        ),
    )
    data.update(overrides)
    return ElectionData(**data)


def party(**overrides):
    """A valid party committee: 50 full members, 45 present, 3 seats, 4 candidates."""
    data = dict(
        body=Body.PARTY_COMMITTEE,
        seats=3,
        entitled=50,
        present=45,
        ballots_issued=45,
        ballots_returned=45,
        ballots_valid=45,
        ballots_invalid=0,
        candidates=(
            cand("a", 40, "secretary"),
            cand("b", 35, "member"),
            cand("c", 30, "member"),
            cand("d", 10),
        ),
    )
    data.update(overrides)
    return ElectionData(**data)


def codes(data):
    return {f.code for f in check_election(data) if f.level == ERROR}


def test_valid_elections_have_no_errors():
    assert codes(villagers()) == set()
    assert codes(party()) == set()


# -- villagers' committee ---------------------------------------------------------------


def test_turnout_must_be_more_than_half_of_registered_voters():
    at_half = villagers(
        present=50,
        ballots_issued=50,
        ballots_returned=50,
        ballots_valid=50,
        ballots_invalid=0,
        candidates=(
            cand("a", 30, "director"),
            cand("b", 30, "member", True),
            cand("c", 26, "member"),
            cand("d", 1),
        ),
    )
    assert "villagers_turnout" in codes(at_half)
    just_over = villagers(
        entitled=99,
        present=50,
        ballots_issued=50,
        ballots_returned=50,
        ballots_valid=50,
        ballots_invalid=0,
        candidates=at_half.candidates,
    )
    assert "villagers_turnout" not in codes(just_over)
    message = next(f.message for f in check_election(at_half) if f.code == "villagers_turnout")
    assert "过半数投票" in message and "村民委员会组织法" in message


def test_first_round_needs_more_than_half_of_ballots_cast():
    # 80 ballots cast: 40 is exactly half (not elected), 41 is.
    exactly_half = villagers(
        candidates=(
            cand("a", 70, "director"),
            cand("b", 60, "member", True),
            cand("c", 40, "member"),
            cand("d", 20),
        )
    )
    assert "winner_below_threshold" in codes(exactly_half)
    over_half = villagers(
        candidates=(
            cand("a", 70, "director"),
            cand("b", 60, "member", True),
            cand("c", 41, "member"),
            cand("d", 20),
        )
    )
    assert "winner_below_threshold" not in codes(over_half)


def test_second_round_needs_the_most_votes_and_a_third_of_ballots_cast():
    # 81 ballots cast: 27 is exactly a third (elected), 26 is not.
    base = dict(
        round=SECOND,
        seats=1,
        ballots_issued=81,
        ballots_returned=81,
        ballots_valid=81,
        ballots_invalid=0,
        present=81,
    )
    assert "winner_below_threshold" not in codes(
        villagers(**base, candidates=(cand("a", 27, "member", True), cand("b", 20)))
    )
    assert "winner_below_threshold" in codes(
        villagers(**base, candidates=(cand("a", 26, "member", True), cand("b", 20)))
    )
    # not the most votes: the one with fewer votes cannot take the seat
    assert "winner_below_threshold" in codes(
        villagers(**base, candidates=(cand("a", 30), cand("b", 28, "member", True)))
    )


def test_more_candidates_than_seats():
    data = villagers(candidates=villagers().candidates[:3])
    assert "villagers_competitive" in codes(data)


def test_committee_has_three_to_seven_members():
    four = villagers(seats=2, candidates=villagers().candidates[:2] + (cand("d", 1),))
    assert "villagers_size" in codes(four)
    eight = villagers(seats=8, candidates=tuple(cand(str(i), 50) for i in range(9)))
    assert "villagers_size" in codes(eight)
    seven = villagers(seats=7, candidates=tuple(cand(str(i), 10) for i in range(8)))
    assert "villagers_size" not in codes(seven)


def test_no_woman_is_a_warning_that_blocks_until_confirmed():
    data = villagers(
        candidates=(
            cand("a", 70, "director"),
            cand("b", 60, "member"),
            cand("c", 50, "member"),
            cand("d", 20, female=True),
        )
    )
    findings = check_election(data)
    woman = [f for f in findings if f.code == "villagers_no_woman"]
    assert woman and woman[0].level == WARNING and woman[0].needs_confirmation
    assert woman[0] in blocking(findings)
    assert blocking(findings, {"villagers_no_woman"}) == []


# -- party committee ---------------------------------------------------------------------


def test_party_candidates_at_least_seats_times_1_2_rounded_up():
    assert [min_party_candidates(s) for s in (3, 5, 7, 10)] == [4, 6, 9, 12]
    five_seats = dict(seats=5, candidates=tuple(cand(str(i), 30) for i in range(5)))
    assert "party_candidates" in codes(party(**five_seats))
    six = dict(seats=5, candidates=tuple(cand(str(i), 30) for i in range(6)))
    assert "party_candidates" not in codes(party(**six))


@given(st.integers(min_value=1, max_value=200))
def test_min_party_candidates_is_exact_ceiling(seats):
    assert min_party_candidates(seats) == ceil(Fraction(seats) * Fraction(6, 5))


def test_party_attendance_more_than_four_fifths():
    at_four_fifths = party(
        entitled=50,
        present=40,
        ballots_issued=40,
        ballots_returned=40,
        ballots_valid=40,
        candidates=(
            cand("a", 30, "secretary"),
            cand("b", 30, "member"),
            cand("c", 30, "member"),
            cand("d", 5),
        ),
    )
    assert "party_attendance" in codes(at_four_fifths)
    over = party(
        entitled=50,
        present=41,
        ballots_issued=41,
        ballots_returned=41,
        ballots_valid=41,
        candidates=at_four_fifths.candidates,
    )
    assert "party_attendance" not in codes(over)


def test_party_elected_with_more_than_half_of_those_present():
    # 45 present: 22 is not more than half, 23 is.
    below = party(
        candidates=(
            cand("a", 40, "secretary"),
            cand("b", 35, "member"),
            cand("c", 22, "member"),
            cand("d", 10),
        )
    )
    assert "winner_below_threshold" in codes(below)
    enough = party(
        candidates=(
            cand("a", 40, "secretary"),
            cand("b", 35, "member"),
            cand("c", 23, "member"),
            cand("d", 10),
        )
    )
    assert "winner_below_threshold" not in codes(enough)


def test_party_allows_no_proxy_votes():
    assert "party_proxy" in codes(party(proxy_votes=1, ballots_issued=45))


# -- counts --------------------------------------------------------------------------------


def test_valid_plus_invalid_must_equal_returned():
    assert "counts_valid_invalid" in codes(villagers(ballots_invalid=3))


def test_returned_cannot_exceed_issued():
    assert "counts_returned_issued" in codes(villagers(ballots_issued=79))


def test_no_candidate_above_valid_ballots():
    data = villagers(candidates=(cand("a", 79, "director"),) + villagers().candidates[1:])
    assert "counts_candidate_above_valid" in codes(data)


def test_total_marks_at_most_valid_times_seats():
    # 78 valid × 3 seats = 234 marks at most
    data = villagers(
        candidates=(
            cand("a", 78, "director"),
            cand("b", 78, "member", True),
            cand("c", 60, "member"),
            cand("d", 19),
        )
    )
    assert "counts_total_marks" in codes(data)
    ok = villagers(
        candidates=(
            cand("a", 78, "director"),
            cand("b", 78, "member", True),
            cand("c", 60, "member"),
            cand("d", 18),
        )
    )
    assert "counts_total_marks" not in codes(ok)


# -- ties ------------------------------------------------------------------------------------


def test_tie_for_the_last_seat_goes_to_a_further_round():
    data = villagers(
        candidates=(
            cand("a", 70, "director"),
            cand("b", 60, "member", True),
            cand("c", 45, "member"),
            cand("d", 45),
        )
    )
    winners, tied = elected(data)
    assert [c.key for c in winners] == ["a", "b"]
    assert {c.key for c in tied} == {"c", "d"}
    assert "tie_further_round" in codes(data)


@given(
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=9),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=100),
)
def test_elected_never_exceeds_seats_and_all_winners_reach_the_threshold(votes, seats, cast):
    data = villagers(
        seats=seats,
        ballots_returned=cast,
        ballots_issued=cast,
        ballots_valid=cast,
        ballots_invalid=0,
        candidates=tuple(cand(str(i), v) for i, v in enumerate(votes)),
    )
    winners, tied = elected(data)
    assert len(winners) <= seats
    assert all(2 * c.votes > cast for c in winners + tied)
    if tied:
        assert len({c.votes for c in tied}) == 1
        assert all(w.votes > tied[0].votes for w in winners)

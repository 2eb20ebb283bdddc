"""Property-based tests (hypothesis): the ID number, the vote-count checks and the vetting
state machine refuse bad input cleanly — a clear error, never a crash, nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from people.idnumbers import IdNumberError, mask, parse_id_number

FAST = settings(max_examples=200, deadline=None)
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31))
areas = st.sampled_from(["141028", "142630", "110101", "440305", "510107"])


@st.composite
def id_numbers(draw):
    body = draw(areas) + draw(dates).strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


@FAST
@given(id_numbers())
def test_every_valid_number_parses_to_its_birth_date_and_gender(number):
    parsed = parse_id_number(number)
    assert parsed.number == number
    assert parsed.birth_date.strftime("%Y%m%d") == number[6:14]
    assert parsed.gender == ("M" if int(number[16]) % 2 else "F")


@FAST
@given(id_numbers(), st.sampled_from([" ", "　", "\t", ""]))
def test_spaces_full_width_digits_and_lower_case_x_are_accepted(number, space):
    typed = space + number.lower().translate(FULLWIDTH) + space
    assert parse_id_number(typed).number == number
    assert parse_id_number(number.lower()).number == number  # stored upper-case


@FAST
@given(id_numbers(), st.integers(0, 17), st.integers(1, 9))
def test_any_single_wrong_character_is_refused(number, position, shift):
    digits = "0123456789X" if position == 17 else "0123456789"
    wrong = digits[(digits.index(number[position]) + shift) % len(digits)]
    typo = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(typo)


@FAST
@given(st.text(max_size=40))
def test_any_text_is_either_a_number_or_a_clear_message(text):
    try:
        parsed = parse_id_number(text)
    except IdNumberError as error:
        assert str(error) and any("\u4e00" <= ch <= "\u9fff" for ch in str(error))
    else:
        assert len(parsed.number) == 18


@FAST
@given(st.from_regex(r"\A[1-9][0-9]{14}\Z"))
def test_old_fifteen_digit_numbers_are_refused_with_their_own_message(number):
    with pytest.raises(IdNumberError, match="15 位"):
        parse_id_number(number)


@FAST
@given(id_numbers())
def test_masking_keeps_only_the_last_four(number):
    masked = mask(number)
    assert len(masked) == 18 and masked[-4:] == number[-4:]
    assert set(masked[:14]) == {"*"}


# -- vote counts (elections/rules.py) ---------------------------------------------------

counts = st.integers(0, 5000)


@st.composite
def elections(draw):
    from elections.choices import Body
    from elections.rules import FIRST, SECOND, CandidateResult, ElectionData

    candidates = tuple(
        CandidateResult(
            key=str(n), name=f"候选人{n}", votes=draw(counts), female=draw(st.booleans())
        )
        for n in range(draw(st.integers(0, 8)))
    )
    return ElectionData(
        body=draw(st.sampled_from([Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE])),
        round=draw(st.sampled_from([FIRST, SECOND])),
        seats=draw(st.integers(0, 9)),
        entitled=draw(counts),
        present=draw(counts),
        ballots_issued=draw(counts),
        ballots_returned=draw(counts),
        ballots_valid=draw(counts),
        ballots_invalid=draw(counts),
        proxy_votes=draw(counts),
        candidates=candidates,
    )


@FAST
@given(elections())
def test_vote_checks_never_crash_and_name_each_broken_count(data):
    from elections.rules import ERROR, WARNING, check_election, elected

    findings = check_election(data)
    assert all(f.level in (ERROR, WARNING) and f.message for f in findings)
    codes = {f.code for f in findings if f.level == ERROR}
    if data.ballots_valid + data.ballots_invalid != data.ballots_returned:
        assert "counts_valid_invalid" in codes
    if data.ballots_returned > data.ballots_issued:
        assert "counts_returned_issued" in codes
    if data.present > data.entitled:
        assert "counts_present_entitled" in codes
    winners, tied = elected(data)
    assert len(winners) <= data.seats
    assert not {w.key for w in winners} & {t.key for t in tied}


@FAST
@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_thresholds_are_exact_fractions(part, whole):
    from fractions import Fraction

    from elections.rules import at_least_a_third, more_than_four_fifths, more_than_half

    assert more_than_half(part, whole) == (Fraction(part) > Fraction(whole, 2))
    assert at_least_a_third(part, whole) == (Fraction(part) >= Fraction(whole, 3))
    assert more_than_four_fifths(part, whole) == (Fraction(part) > Fraction(4 * whole, 5))


# -- the vetting state machine (candidates/services.py) ----------------------------------


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["pass", "reject", "return", "withdraw", "bogus"]),
            st.sampled_from(["", "理由"]),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_vetting_moves_only_along_the_transition_table(admin_user_, village, steps):
    from candidates import services
    from candidates.choices import Stage
    from candidates.models import Candidacy, Decision
    from tests.factories.candidates import CandidacyFactory

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            candidacy = CandidacyFactory(village=village)
            for outcome, reason, stale in steps:
                before = Candidacy.objects.get(pk=candidacy.pk)
                stage, current = before.stage, before.version  # the service updates `before`
                decisions = Decision.objects.count()
                version = current - 1 if stale else current
                try:
                    with transaction.atomic():
                        if outcome == "withdraw":
                            services.candidacy_withdraw(
                                candidacy=before,
                                reason=reason or "x",
                                expected_version=version,
                                actor=admin_user_,
                            )
                        else:
                            services.candidacy_decide(
                                candidacy=before,
                                outcome=outcome,
                                expected_version=version,
                                actor=admin_user_,
                                reason=reason,
                                meeting_date=dt.date(2021, 3, 1),
                                minute_number="纪要1",
                            )
                except (ValidationError, services.CandidacyConflict) as refused:
                    assert str(refused)
                    after = Candidacy.objects.get(pk=candidacy.pk)
                    assert (after.stage, after.version) == (stage, current)
                    assert Decision.objects.count() == decisions
                    continue
                after = Candidacy.objects.get(pk=candidacy.pk)
                assert not stale, "a stale version must be refused"
                assert services.TRANSITIONS[(stage, outcome)] == after.stage
                assert after.version == current + 1
                assert after.stage in Stage.values
            raise Rollback
    except Rollback:
        pass

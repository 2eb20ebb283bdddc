"""ID numbers: what is refused, what is accepted with a warning, and how ages are counted."""

import datetime as dt

import pytest

from people import idnumbers
from people.idnumbers import IdNumberError, parse_id_number
from tests.factories import make_id_number

VALID = make_id_number(dt.date(1987, 1, 26), "M", area="141028")


def with_check(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


def test_valid_number_gives_birth_date_and_gender():
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == dt.date(1987, 1, 26)
    assert parsed.gender == "M"


def test_even_sequence_is_female():
    assert parse_id_number(with_check("14102819900101002")).gender == "F"


def test_lower_case_x_full_width_digits_and_spaces_are_accepted():
    number = with_check("14102819800101012")
    if not number.endswith("X"):
        number = next(
            with_check(f"1410281980010101{i}")
            for i in range(10)
            if with_check(f"1410281980010101{i}").endswith("X")
        )
    typed = " " + number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x "
    assert parse_id_number(typed).number == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("141028870126123", "15 位"),
        ("14102819870126", "应为 18 位"),
        ("1410281987012612AB", "只能包含数字"),
        ("", "不能为空"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(value, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(value)


def test_bad_check_digit_is_refused():
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    with pytest.raises(IdNumberError, match="校验位"):
        parse_id_number(wrong)


def test_impossible_birth_date_is_refused():
    with pytest.raises(IdNumberError, match="出生日期"):
        parse_id_number(with_check("14102819870231123"))


def test_future_birth_date_is_refused():
    with pytest.raises(IdNumberError, match="出生日期"):
        parse_id_number(with_check("14102820990101123"))


def test_old_area_code_of_ji_county_is_accepted():
    parsed = parse_id_number(with_check("14263019650310123"))
    assert parsed.birth_date == dt.date(1965, 3, 10)


def test_area_code_unknown_for_birth_year_is_a_warning_not_a_refusal():
    # 141028 (Ji County today) did not exist in 1965; stdnum knows 142630 then.
    parsed = parse_id_number(with_check("14102819650310123"))
    assert parsed.warnings and "地区代码" in parsed.warnings[0]


def test_mask_keeps_area_code_and_last_four():
    assert idnumbers.mask("14102819870126123X") == "**************123X"


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(1986, 4, 30), dt.date(2021, 4, 30), 35),  # birthday on the reference date
        (dt.date(1986, 5, 1), dt.date(2021, 4, 30), 34),  # the day after
        (dt.date(1986, 4, 29), dt.date(2021, 4, 30), 35),
        (dt.date(1980, 2, 29), dt.date(2021, 2, 28), 40),  # leap-day birthday not yet reached
        (dt.date(1980, 2, 29), dt.date(2021, 3, 1), 41),
    ],
)
def test_age_counts_full_years_with_birthday_on_the_day_reached(birth, on, age):
    assert idnumbers.age_on(birth, on) == age


def test_encryption_round_trips_and_digest_is_stable():
    token = idnumbers.encrypt(VALID)
    assert VALID not in token
    assert idnumbers.decrypt(token) == VALID
    assert idnumbers.digest(VALID.lower()) == idnumbers.digest(VALID)


@pytest.mark.parametrize("digit", ["\u0661", "\u0967"])  # Arabic-Indic, Devanagari one
def test_digits_of_other_scripts_are_refused_not_stored(digit):
    """ "١" passes str.isdigit() and int(): the number would be stored with it, and its digest
    would miss the same person's real number (a duplicate, past the township refusal)."""
    number = make_id_number(dt.date(1949, 12, 31))
    with pytest.raises(IdNumberError, match="只能包含数字"):
        parse_id_number(digit + number[1:])

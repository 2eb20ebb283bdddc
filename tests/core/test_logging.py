"""The log mask hides resident ID numbers, and nothing else that merely has many digits."""

import datetime as dt

from core.logging import redact
from tests.factories import make_id_number


def test_a_valid_id_number_is_masked_to_its_last_four():
    number = make_id_number(dt.date(1980, 1, 1))
    assert redact(f"import failed for {number}.") == f"import failed for {'*' * 14}{number[-4:]}."
    with_x = "11010519491231002X"  # the standard's own example, check character X
    assert redact(f"id={with_x}") == "id=" + "*" * 14 + "002X"
    assert redact(f"id={with_x.lower()}") == "id=" + "*" * 14 + "002x"


def test_timings_and_other_long_numbers_are_left_alone():
    lines = [
        "Task composition.recompute succeeded in 0.523671240623s: None",
        "Task x succeeded in 12.5236712406230623s",
        "Task y succeeded in 0.523671240623123s",
        "took 1733312345.123456789 s",
        "order 123456789012345678 shipped",  # 18 digits, wrong check digit
        "trace 141028199913450013",  # month 13: no birth date
        "x-request-id 9f86d081884c7d659a2feaa0c55ad015",
    ]
    for line in lines:
        assert redact(line) == line, line


def test_an_id_number_next_to_text_is_still_masked():
    number = make_id_number(dt.date(1990, 12, 31), "F")
    assert number not in redact(f"身份证{number}重复")
    assert number not in redact(f'{{"q": "{number}"}}')

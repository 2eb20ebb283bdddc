"""The roster's row checks, as fast paths take the common rows: a name that changes between
two rows of one ID number, the 18-year rule on the day, and several errors in one row, in
the order of the columns' checks."""

import datetime as dt

import pytest

from core.policy import SYSTEM
from core.spreadsheets import read_bytes
from elections import importers
from elections.models import Seat
from tests.factories import TermFactory, make_id_number
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码", "性别", "出生日期"]
ELECTION_DAY = dt.date(2021, 4, 30)  # the term's reference date (TermFactory)


@pytest.fixture(autouse=True)
def term(village):
    return TermFactory(year=2021)


def errors(rows) -> list[str]:
    sheet = read_bytes(xlsx([HEADER, *rows]), "roster.xlsx", importers.COLUMNS)
    return [str(error) for error in importers.import_roster(sheet, actor=SYSTEM).errors]


def row(post, name, number, gender="", birth=""):
    return ["吉昌镇", "东关村", 2021, "村委会", post, name, number, gender, birth]


def test_one_id_number_under_two_names_is_refused_on_the_later_row():
    number = make_id_number(dt.date(1970, 5, 1))
    assert errors([row("主任", "张建国", number), row("委员", "张建军", number)]) == [
        "第 3 行「姓名」列：同一身份证号码在第 2 行的姓名为“张建国”"
    ]


@pytest.mark.parametrize(
    "birth, refused",
    [
        (dt.date(2003, 4, 30), False),  # 18 on election day
        (dt.date(2003, 5, 1), True),  # 18 the day after
        (dt.date(2002, 5, 1), False),  # born 19 calendar years before, already 18
        (dt.date(2002, 12, 31), False),
    ],
)
def test_eighteen_on_election_day_to_the_day(birth, refused):
    found = errors([row("委员", "李青", make_id_number(birth))])
    assert bool(found) == refused, found
    if refused:
        assert found[0].startswith("第 2 行「公民身份号码」列：被选举人须年满 18 周岁")
    assert Seat.objects.count() == (0 if refused else 1)


def test_every_error_of_a_row_in_the_order_of_its_checks():
    first = make_id_number(dt.date(1970, 5, 1))
    wrong = make_id_number(dt.date(2010, 1, 1), "F")
    found = errors(
        [
            row("主任", "张建国", first),
            row("书记", "王五", wrong, gender="男", birth="2010-01-02"),
        ]
    )
    assert found == [
        "第 3 行「职务」列：村(居)民委员会没有“书记”职务",
        "第 3 行「出生日期」列：出生日期 2010-01-02 与身份证号码中的 2010-01-01 不一致",
        "第 3 行「性别」列：性别与身份证号码（第 17 位）不一致",
        found[3],
    ]
    assert found[3].startswith("第 3 行「公民身份号码」列：被选举人须年满 18 周岁")


def test_errors_of_several_families_in_one_row_and_across_rows_come_in_row_order():
    """Each family of check runs over the whole file; the report still goes row by row,
    and within a row in the order of the checks."""
    first = make_id_number(dt.date(1970, 5, 1))
    second = make_id_number(dt.date(1980, 6, 2), "F")
    found = errors(
        [
            row("委员", "张建国", first),
            ["吉昌镇", "不存在村", 2030, "村委会", "书记", "李四", "14102819800602001X"],
            row("副主任", "王芳", second),
            ["吉昌镇", "东关村", 2021, "村委会", "委员", "张建军", first, "女", "1970-05-02"],
        ]
    )
    assert found == [
        "第 3 行「届次」列：系统中没有 2030 届",
        "第 3 行「村(社区)」列：找不到“吉昌镇不存在村”（或无权导入该村）",
        "第 3 行「职务」列：村(居)民委员会没有“书记”职务",
        "第 3 行「公民身份号码」列：身份证号码校验位错误，请核对",
        "第 5 行「出生日期」列：出生日期 1970-05-02 与身份证号码中的 1970-05-01 不一致",
        "第 5 行「性别」列：性别与身份证号码（第 17 位）不一致",
        "第 5 行「姓名」列：同一身份证号码在第 2 行的姓名为“张建国”",
    ]
    assert not Seat.objects.exists()


def test_a_bad_row_between_good_ones_takes_no_seat_and_the_good_ones_still_clash():
    """A bad row is left out of the seat rules (it holds no chair), and good rows on either
    side of it are still checked against each other."""
    zhang, li, wang = (make_id_number(dt.date(1970 + i, 5, 1)) for i in range(3))
    found = errors(
        [
            ["吉昌镇", "东关村", 2021, "党支部", "书记", "张建国", zhang, "女"],  # bad: gender
            ["吉昌镇", "东关村", 2021, "党支部", "书记", "李青", li],
            ["吉昌镇", "东关村", 2021, "党支部", "委员", "王海", wang, "", "1999-01-01"],
            ["吉昌镇", "东关村", 2021, "党支部", "书记", "王海", wang],
            ["吉昌镇", "东关村", 2021, "党支部", "委员", "李青", li],
        ]
    )
    assert found == [
        "第 2 行「性别」列：性别与身份证号码（第 17 位）不一致",
        "第 4 行「出生日期」列：出生日期 1999-01-01 与身份证号码中的 1972-05-01 不一致",
        "第 5 行「职务」列：一个村只能有一名书记，本届已有第 3 行的李青",
        "第 6 行「公民身份号码」列：此人在该组织本届已有职务（第 3 行的李青）",
    ]


def test_a_name_is_compared_with_the_first_row_of_its_number_even_a_bad_one():
    number = make_id_number(dt.date(1970, 5, 1))
    found = errors(
        [
            ["吉昌镇", "东关村", 2030, "村委会", "主任", "张建国", number],
            row("委员", "张建军", number),
        ]
    )
    assert found == [
        "第 2 行「届次」列：系统中没有 2030 届",
        "第 3 行「姓名」列：同一身份证号码在第 2 行的姓名为“张建国”",
    ]


def test_past_two_hundred_errors_the_first_in_row_order_are_kept():
    rows = [row("委员", f"人{i}", "BAD") for i in range(150)]
    rows[75:75] = [row("主任", "甲", make_id_number(dt.date(1970, 1, 1)), gender="女")]
    rows += [["吉昌镇", "东关村", 2021, "村委会", "书记", "乙", "BAD"] for _ in range(100)]
    found = errors(rows)
    assert len(found) == 201 and found[-1] == "…还有 151 处错误"
    assert found[75] == "第 77 行「性别」列：性别与身份证号码（第 17 位）不一致"
    assert found[150] == "第 152 行「公民身份号码」列：身份证号码应为 18 位，现为 3 位"
    assert found[151] == "第 153 行「职务」列：村(居)民委员会没有“书记”职务"
    assert found[199] == "第 177 行「职务」列：村(居)民委员会没有“书记”职务"


def test_a_cell_the_reading_refused_comes_first_in_its_row():
    found = errors([row("书记", "张建国", make_id_number(dt.date(1970, 5, 1)), gender="X")])
    assert found == [
        "第 2 行「性别」列：性别应为“男”或“女”",
        "第 2 行「职务」列：村(居)民委员会没有“书记”职务",
    ]


def test_an_optional_cell_empty_on_a_persons_first_row_is_taken_from_a_later_one():
    from people.models import Person

    header = [*HEADER, "民族", "政治面貌", "联系电话"]
    number = make_id_number(dt.date(1970, 5, 1))
    rows = [
        ["吉昌镇", "东关村", 2021, "村委会", "主任", "张建国", number, "", "", "", "群众", ""],
        ["吉昌镇", "东关村", 2021, "党支部", "委员", "张建国", number, "", "", "回族", "", "139"],
        ["吉昌镇", "东关村", 2021, "监委会", "委员", "张建国", number, "", "", "满族", "", "138"],
    ]
    sheet = read_bytes(xlsx([header, *rows]), "roster.xlsx", importers.COLUMNS)
    result = importers.import_roster(sheet, actor=SYSTEM)
    assert [str(e) for e in result.errors] == [
        "第 3 行「政治面貌」列：党组织委员会成员须为中共正式党员：此人政治面貌为“群众”"
    ]
    sheet = read_bytes(xlsx([header, rows[0], rows[2]]), "roster.xlsx", importers.COLUMNS)
    assert importers.import_roster(sheet, actor=SYSTEM).ok
    person = Person.objects.get()
    assert (person.ethnicity, person.political_status, person.phone) == ("满族", "masses", "138")

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

"""The roster import contract: good files, every kind of bad row, dry runs, re-imports."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from core.access import Role
from core.policy import SYSTEM
from core.spreadsheets import read_bytes
from elections import importers
from elections.choices import Body, Post, SeatSource
from elections.models import Seat
from elections.signals import seats_changed
from people.models import Person
from tests.factories import PersonFactory, TermFactory, VillageFactory, make_id_number
from tests.factories.elections import SeatFactory
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "乡镇",
    "村(社区)",
    "届次",
    "组织",
    "职务",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "全日制学历",
    "政治面貌",
]
SECRETARY_ID = make_id_number(dt.date(1975, 3, 8))
WOMAN_ID = make_id_number(dt.date(1988, 11, 2), "F")
MEMBER_ID = make_id_number(dt.date(1969, 7, 21))


@pytest.fixture
def term():
    return TermFactory(year=2021)


@pytest.fixture
def good_rows(village, term):
    return [
        [
            "吉昌镇",
            "东关村",
            2021,
            "党支部",
            "书记",
            "张建国",
            SECRETARY_ID,
            "男",
            "1975-03-08",
            "大专",
            "中共党员",
        ],
        ["吉昌镇", "东关村", 2021, "村委会", "主任", "张建国", SECRETARY_ID, "", "", "", ""],
        [
            "吉昌镇",
            "东关村",
            2021,
            "党支部",
            "委员",
            "李秀英",
            WOMAN_ID,
            "女",
            "",
            "高中",
            "中共党员",
        ],
        ["吉昌镇", "东关村", 2021, "村民委员会", "委员", "李秀英", WOMAN_ID, "", "", "", ""],
        ["吉昌镇", "东关村", 2021, "村委会", "委员", "王海军", MEMBER_ID, "", "", "初中", "群众"],
    ]


def run(rows, *, actor=SYSTEM, dry_run=False, header=HEADER):
    sheet = read_bytes(xlsx([header, *rows]), "roster.xlsx", importers.COLUMNS)
    return importers.import_roster(sheet, actor=actor, dry_run=dry_run)


def messages(result):
    return [str(e) for e in result.errors]


def test_good_file_creates_people_and_seats(good_rows, village, term):
    sent = []
    seats_changed.connect(receiver := lambda sender, signal, **kw: sent.append(kw))
    try:
        result = run(good_rows)
    finally:
        seats_changed.disconnect(receiver)
    assert result.ok, messages(result)
    assert (result.seats_created, result.people_created) == (5, 3)
    seats = Seat.objects.in_term(term).filter(village=village)
    assert seats.count() == 5 and {s.source for s in seats} == {SeatSource.ROSTER_IMPORT}
    zhang = Person.objects.with_id_number(SECRETARY_ID).get()
    assert set(zhang.seats.values_list("body", "post")) == {
        (Body.PARTY_COMMITTEE, Post.SECRETARY),
        (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    }
    assert zhang.education_fulltime == "college" and zhang.birth_date == dt.date(1975, 3, 8)
    assert sent == [{"term_ids": {term.pk}, "village_ids": {village.pk}}]


def test_reimport_is_idempotent_and_updates_people(good_rows, village, term):
    assert run(good_rows).ok
    good_rows[4][9] = "高中"  # his education was wrong in the first file
    again = run(good_rows)
    assert again.ok and again.seats_created == 0 and again.seats_unchanged == 5
    assert again.people_updated == 1 and again.people_created == 0  # only he changed
    assert Seat.objects.count() == 5
    assert Person.objects.with_id_number(MEMBER_ID).get().education_fulltime == "high_school"


def test_changed_post_updates_the_seat(good_rows, village, term):
    assert run(good_rows).ok
    good_rows[4][4] = "副主任"
    again = run(good_rows)
    assert again.ok and again.seats_updated == 1
    assert (
        Seat.objects.get(
            person__id_number_digest=Person.objects.with_id_number(MEMBER_ID).get().id_number_digest
        ).post
        == Post.DEPUTY_DIRECTOR
    )


def test_dry_run_saves_nothing(good_rows):
    result = run(good_rows, dry_run=True)
    assert result.ok and result.seats_created == 5
    assert not Seat.objects.exists() and not Person.objects.exists()


def test_english_headers_and_merged_village(village, term, township):
    old_term = TermFactory(year=2018)
    from registry.services import village_merge

    gone = VillageFactory(township=township, name="后沟村", code=f"{township.code}299")
    village_merge(village=gone, into=village, on=dt.date(2020, 6, 30), actor=SYSTEM)
    header = ["township", "village", "year", "body", "post", "name", "id_number"]
    result = run(
        [["吉昌镇", "后沟村", 2018, "party", "secretary", "赵明", SECRETARY_ID]], header=header
    )
    assert result.ok, messages(result)
    assert Seat.objects.get().village.name == "后沟村"
    late = run([["吉昌镇", "后沟村", 2021, "党支部", "委员", "钱明", MEMBER_ID]], header=header)
    assert "并入" in messages(late)[0]
    assert old_term.seats.count() == 1


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("村(社区)", "不存在村", "第 2 行「村(社区)」列：找不到“吉昌镇不存在村”"),
        ("届次", 2030, "第 2 行「届次」列：系统中没有 2030 届"),
        ("公民身份号码", "BAD_CHECK", "第 2 行「公民身份号码」列：身份证号码校验位错误"),
        ("出生日期", "1975-03-09", "第 2 行「出生日期」列：出生日期 1975-03-09 与身份证号码中的"),
        ("性别", "女", "第 2 行「性别」列：性别与身份证号码"),
        ("职务", "会计", "第 2 行「职务」列：未知的职务“会计”"),
        ("全日制学历", "幼儿园", "第 2 行「全日制学历」列：未知的学历“幼儿园”"),
        ("组织", "妇联", "第 2 行「组织」列：未知的组织“妇联”"),
        ("职务", "主任", "第 2 行「职务」列：党组织委员会没有“主任”职务"),
    ],
)
def test_each_bad_cell_is_reported_with_row_and_column_and_nothing_saved(
    good_rows, column, value, expected
):
    if value == "BAD_CHECK":
        value = SECRETARY_ID[:17] + ("1" if SECRETARY_ID[17] == "0" else "0")
    good_rows[0][HEADER.index(column)] = value
    result = run(good_rows)
    assert not result.ok
    assert any(m.startswith(expected) for m in messages(result)), messages(result)
    assert not Seat.objects.exists() and not Person.objects.exists()


def test_second_secretary_in_one_village(good_rows):
    good_rows.append(
        ["吉昌镇", "东关村", 2021, "党总支", "书记", "王海军", MEMBER_ID, "", "", "", ""]
    )
    result = run(good_rows)
    assert messages(result) == ["第 7 行「职务」列：一个村只能有一名书记，本届已有第 2 行的张建国"]
    assert not Seat.objects.exists()


def test_second_secretary_against_the_database(good_rows, village, term):
    SeatFactory(
        village=village,
        term=term,
        body=Body.PARTY_COMMITTEE,
        post=Post.SECRETARY,
        person=PersonFactory(village=village, name="老书记"),
    )
    result = run(good_rows)
    assert "一个村只能有一名书记，本届已有老书记" in messages(result)[0]
    assert Seat.objects.count() == 1


def test_duplicate_seat(good_rows):
    good_rows.append(list(good_rows[4]))
    result = run(good_rows)
    assert messages(result) == [
        "第 7 行「公民身份号码」列：此人在该组织本届已有职务（第 6 行的王海军）"
    ]


def test_official_cannot_import_another_township(good_rows, make_user, other_village):
    official = make_user(Role.TOWNSHIP_OFFICIAL)
    good_rows[0][0], good_rows[0][1] = "屯里镇", "西坪村"
    result = run(good_rows, actor=official)
    assert "第 2 行「村(社区)」列：找不到“屯里镇西坪村”" in messages(result)[0]


def test_query_count_does_not_grow_with_rows(village, term, django_assert_max_num_queries):
    rows = []
    for index in range(300):
        village_row = VillageFactory(
            township=village.township,
            name=f"村{index}",
            code=f"{village.township.code}{300 + index:03d}",
        )
        number = make_id_number(dt.date(1970, 1, 1) + dt.timedelta(days=index))
        rows.append(["吉昌镇", village_row.name, 2021, "党支部", "书记", f"人{index}", number])
    header = HEADER[:7]
    with django_assert_max_num_queries(40):
        result = run(rows, header=header)
    assert result.ok and result.seats_created == 300


def test_command_reports_errors_and_dry_run(good_rows, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([HEADER, *good_rows]))
    call_command("import_roster", str(path), "--dry-run")
    assert "检查通过（未保存）" in capsys.readouterr().out
    assert not Seat.objects.exists()
    call_command("import_roster", str(path))
    assert Seat.objects.count() == 5
    bad = tmp_path / "bad.xlsx"
    good_rows[0][2] = 2030
    bad.write_bytes(xlsx([HEADER, *good_rows]))
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_roster", str(bad))
    assert "系统中没有 2030 届" in capsys.readouterr().err

"""The nominee spreadsheet: every bad row with its row and column, all or nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from candidates.choices import Source, Stage
from candidates.importers import COLUMNS, import_nominees
from candidates.models import Candidacy
from core.spreadsheets import read_bytes
from elections.choices import Body, Post
from people.models import Person
from tests.factories import PersonFactory, make_id_number
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源", "全日制学历", "性别"]


def sheet(rows):
    return read_bytes(xlsx([HEADER, *rows]), "nominees.xlsx", COLUMNS)


def test_good_file_nominates_everyone(official, village, term):
    known = PersonFactory(village=village, name="周建国")
    rows = [
        ["吉昌镇", "东关村", 2021, "党组织书记", "周建国", known.id_number, "留任", "", ""],
        [
            "吉昌镇",
            "东关村",
            "2021",
            "村委会主任",
            "吴丽娟",
            make_id_number(dt.date(1990, 5, 6), "F"),
            "回引",
            "大专",
            "女",
        ],
    ]
    result = import_nominees(sheet(rows), actor=official)
    assert result.ok, result.errors
    assert result.created == 2 and result.new_people == 1
    director = Candidacy.objects.get(post=Post.DIRECTOR)
    assert director.body == Body.VILLAGERS_COMMITTEE and director.source == Source.RECRUITED_BACK
    assert director.person.education_fulltime == "college"
    assert Candidacy.objects.get(post=Post.SECRETARY).person == known
    assert all(
        c.stage == Stage.NOMINATED and c.proposed_by == official for c in Candidacy.objects.all()
    )


def test_every_bad_row_reported_with_row_and_column_and_nothing_saved(
    official, village, term, other_township
):
    good = make_id_number(dt.date(1985, 1, 1))
    known = PersonFactory(village=village, name="周建国")
    rows = [
        ["吉昌镇", "东关村", 2021, "党组织书记", "王好", good, "后备干部", "", ""],  # 2 ok
        [
            "吉昌镇",
            "东关村",
            2021,
            "委员",
            "李某",
            make_id_number(dt.date(1980, 1, 1)),
            "留任",
            "",
            "",
        ],  # 3
        ["吉昌镇", "东关村", 2021, "副书记", "张某", "141028198001010000", "留任", "", ""],  # 4
        [
            "吉昌镇",
            "西关村",
            2021,
            "副书记",
            "赵某",
            make_id_number(dt.date(1981, 1, 1)),
            "留任",
            "",
            "",
        ],  # 5
        [
            "屯里镇",
            "西坪村",
            2021,
            "副书记",
            "钱某",
            make_id_number(dt.date(1982, 1, 1)),
            "留任",
            "",
            "",
        ],  # 6
        [
            "吉昌镇",
            "东关村",
            2019,
            "副主任",
            "孙某",
            make_id_number(dt.date(1983, 1, 1)),
            "随便",
            "",
            "",
        ],  # 7
        ["吉昌镇", "东关村", 2021, "副主任", "周某", known.id_number, "留任", "", ""],  # 8
        ["吉昌镇", "东关村", 2021, "党组织委员", "王好", good, "后备干部", "", ""],  # 9 dup of 2
        [
            "吉昌镇",
            "东关村",
            2021,
            "村委会委员",
            "吴某",
            make_id_number(dt.date(1984, 1, 1), "F"),
            "其他",
            "",
            "男",
        ],  # 10
    ]
    result = import_nominees(sheet(rows), actor=official)
    messages = [str(e) for e in result.errors]
    expected = [
        "第 3 行「职务」列：请写明是“党组织委员”还是“村(居)委会委员”",
        "第 4 行「公民身份号码」列：身份证号码校验位错误，请核对",
        "第 5 行「村(社区)」列：吉昌镇没有“西关村”",
        "第 6 行「乡镇」列：找不到乡镇“屯里镇”，或不在您的范围内",
        "第 7 行「届次」列：系统中没有 2019 年届次",
        "第 7 行「来源」列：来源应为：留任、后备干部、回引、选派、其他",
        "第 8 行「姓名」列：该身份证号码已登记为“周建国”，姓名不一致",
        "第 9 行「公民身份号码」列：与第 2 行是同一人、同一组织的提名",
        "第 10 行「性别」列：性别与身份证号码（第 17 位）不一致",
    ]
    for message in expected:
        assert message in messages, (message, messages)
    assert not Candidacy.objects.exists()
    assert Person.objects.count() == 1


def test_already_a_candidate_for_the_body_is_refused(official, village, term):
    known = PersonFactory(village=village, name="周建国")
    rows = [["吉昌镇", "东关村", 2021, "党组织书记", "周建国", known.id_number, "留任", "", ""]]
    assert import_nominees(sheet(rows), actor=official).ok
    again = import_nominees(sheet(rows), actor=official)
    assert [str(e) for e in again.errors] == [
        "第 2 行「公民身份号码」列：此人在该村本届已是该组织的人选"
    ]


def test_dry_run_saves_nothing(official, village, term):
    rows = [
        [
            "吉昌镇",
            "东关村",
            2021,
            "村委会主任",  # no 政治面貌 column: a party post would need it
            "王好",
            make_id_number(dt.date(1985, 1, 1)),
            "后备干部",
            "",
            "",
        ]
    ]
    result = import_nominees(sheet(rows), actor=official, dry_run=True)
    assert result.ok and result.created == 1
    assert not Candidacy.objects.exists() and not Person.objects.exists()


def test_upload_page_lists_errors_and_template_downloads(client, official, village, term):
    client.force_login(official)
    template = client.get(reverse("candidates:candidacy-template"))
    assert template.status_code == 200
    parsed = read_bytes(template.getvalue(), "t.xlsx", COLUMNS)
    assert [c for c in parsed.headers.values()][:7] == [
        "乡镇",
        "村(社区)",
        "届次",
        "职务",
        "姓名",
        "公民身份号码",
        "来源",
    ]
    bad = xlsx([HEADER, ["吉昌镇", "东关村", 2021, "书记", "王好", "123", "留任", "", ""]])
    response = client.post(reverse("candidates:candidacy-import"), {"file": upload(bad)})
    assert response.status_code == 400
    assert "第 2 行「公民身份号码」列" in response.content.decode()
    good = xlsx(
        [
            HEADER,
            [
                "吉昌镇",
                "东关村",
                2021,
                "村委会主任",
                "王好",
                make_id_number(dt.date(1985, 1, 1)),
                "留任",
                "",
                "",
            ],
        ]
    )
    response = client.post(reverse("candidates:candidacy-import"), {"file": upload(good)})
    assert response.status_code == 302 and Candidacy.objects.count() == 1


def test_missing_required_column_is_a_file_error(client, official, term):
    client.force_login(official)
    content = xlsx([["乡镇", "村(社区)", "姓名"], ["吉昌镇", "东关村", "王好"]])
    response = client.post(reverse("candidates:candidacy-import"), {"file": upload(content)})
    assert response.status_code == 400
    assert "缺少必填列" in response.content.decode()

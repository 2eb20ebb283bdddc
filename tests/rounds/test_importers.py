"""import_visits and import_problems, from the command and the browser: Chinese headers,
every problem with its row and column, all or nothing, --dry-run."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rounds.models import Problem, VisitLog
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db

VISIT_HEADER = [
    "乡镇",
    "村(社区)",
    "走访日期",
    "走访人",
    "走访户数",
    "走访人数",
    "座谈会次数",
    "研判会次数",
]
PROBLEM_HEADER = ["村(社区)", "来源", "类别", "问题描述", "责任人/单位", "销号时限"]


def write(tmp_path, rows, name="file.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def test_import_visits_all_or_nothing(tmp_path, village, other_village, capsys):
    good = ["吉昌镇", "东关村", "2026-11-20", "王专干", 12, 30, 1, 1]
    bad = [
        ["屯里镇", "西坪村", "2026-13-01", "赵专干", 5, 9, 0, 0],
        ["屯里镇", "北山村", "2026-11-21", "赵专干", 5, 4, 0, 0],
        ["屯里镇", "西坪村", "2026-11-21", "赵专干", "五", 9, 0, 0],
    ]
    with pytest.raises(CommandError, match="发现 3 个问题，未保存任何数据"):
        call_command("import_visits", write(tmp_path, [VISIT_HEADER, good, *bad]))
    errors = capsys.readouterr().err
    assert "第 3 行「走访日期」列" in errors
    assert "第 4 行「村(社区)」列：“北山村”不在您的范围内或不存在" in errors
    assert "第 5 行「走访户数」列" in errors
    assert VisitLog.objects.count() == 0

    path = write(
        tmp_path, [VISIT_HEADER, good, ["屯里镇", "西坪村", "2026-11-21", "赵", 5, 4, 0, 0]]
    )
    with pytest.raises(CommandError, match="发现 1 个问题"):
        call_command("import_visits", path)  # people fewer than households: the service's rule
    assert "第 3 行" in capsys.readouterr().err and VisitLog.objects.count() == 0

    path = write(tmp_path, [VISIT_HEADER, good])
    call_command("import_visits", path, "--dry-run")
    assert VisitLog.objects.count() == 0
    call_command("import_visits", path)
    assert VisitLog.objects.get().households == 12


def test_import_problems_from_the_browser(client, official, village, other_village):
    client.force_login(official)
    url = reverse("rounds:problem-upload")
    rows = [
        PROBLEM_HEADER,
        ["东关村", "督导组", "程序不规范", "公示时间不足", "王专干", "2026-12-31"],
        ["西坪村", "督导组", "程序不规范", "别的乡镇", "", "2026-12-31"],
        ["东关村", "巡视组", "程序不规范", "来源不对", "", "2026-12-31"],
    ]
    response = client.post(url, {"file": upload(xlsx(rows))})
    html = response.content.decode()
    assert "第 3 行「村(社区)」列" in html  # another township's village: not theirs
    assert "第 4 行「来源」列：应为：督导组、包联领导、部门、信访、群众反映" in html
    assert not Problem.objects.exists()
    response = client.post(url, {"file": upload(xlsx(rows[:2]))})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.state, problem.owner, problem.village) == ("assigned", "王专干", village)

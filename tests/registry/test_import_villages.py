"""The village import: the command contract and the browser upload, good and bad files."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.models import County, Township, Village
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db
HEADER = ["县(市、区)", "乡镇", "村(社区)", "区划代码", "类型", "并入"]


def write(tmp_path, rows, header=HEADER, **kwargs):
    path = tmp_path / "villages.xlsx"
    path.write_bytes(xlsx([header, *rows], **kwargs))
    return path


def test_creates_county_townships_and_villages(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""],
            ["吉县", "吉昌镇", "城关社区", "141028100001", "社区", ""],
            ["吉县", "屯里镇", "西坪村", "141028101201", "", ""],
        ],
    )
    call_command("import_villages", str(path))
    assert "新增 3 个" in capsys.readouterr().out
    assert County.objects.get().code == "141028"
    assert Township.objects.count() == 2
    assert Village.objects.get(code="141028100001").kind == "community"


def test_running_twice_updates_instead_of_duplicating(tmp_path, capsys):
    rows = [["吉县", "吉昌镇", "东关村", "141028100201", "村", ""]]
    call_command("import_villages", str(write(tmp_path, rows)))
    rows[0][2] = "东关新村"
    call_command("import_villages", str(write(tmp_path, rows)))
    assert "更新 1 个" in capsys.readouterr().out
    assert Village.objects.get().name == "东关新村"


def test_county_comes_from_the_code_when_the_column_is_absent(tmp_path, county):
    path = write(
        tmp_path, [["吉昌镇", "东关村", "141028100201"]], header=["乡镇", "村(社区)", "区划代码"]
    )
    call_command("import_villages", str(path))
    assert Village.objects.get().township.county == county


def test_merged_village_points_to_the_village_it_went_into(tmp_path):
    path = write(
        tmp_path,
        [
            ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""],
            ["吉县", "吉昌镇", "南坪村", "141028100202", "村", "东关村"],
        ],
    )
    call_command("import_villages", str(path))
    merged = Village.objects.get(name="南坪村")
    assert merged.merged_into.name == "东关村" and not merged.is_active


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_saved(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""],
            ["吉县", "吉昌镇", "", "14102810020", "村", ""],
            ["吉县", "吉昌镇", "西村", "141028100201", "乡", ""],
            ["吉县", "吉昌镇", "北村", "141028100203", "村", "不存在村"],
        ],
    )
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_villages", str(path))
    err = capsys.readouterr().err
    assert "第 3 行「村(社区)」列：不能为空" in err
    assert "第 3 行「区划代码」列：区划代码应为 12 位数字" in err
    assert "第 4 行「类型」列" in err
    assert "第 4 行「区划代码」列：与第 2 行的区划代码重复" in err
    assert "第 5 行「并入」列：找不到要并入的村“不存在村”" in err
    assert not Village.objects.exists() and not County.objects.exists()


def test_missing_required_header_is_refused(tmp_path):
    path = write(tmp_path, [["吉昌镇", "东关村"]], header=["乡镇", "村(社区)"])
    with pytest.raises(CommandError, match="缺少必填列：区划代码"):
        call_command("import_villages", str(path))


def test_title_rows_above_the_header_are_skipped(tmp_path):
    path = write(
        tmp_path,
        [["吉县", "吉昌镇", "东关村", "141028100201", "村", ""]],
        title_rows=[["吉县村(社区)名单"], []],
    )
    call_command("import_villages", str(path))
    assert Village.objects.count() == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path):
    path = tmp_path / "villages.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet\x00\x01")
    with pytest.raises(CommandError, match="不是有效的"):
        call_command("import_villages", str(path))


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_villages", "/nonexistent/villages.xlsx")


def test_browser_upload_imports_own_township(client, official, township):
    client.force_login(official)
    content = xlsx([HEADER, ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""]])
    response = client.post(reverse("registry:village-import"), {"file": upload(content)})
    assert response.status_code == 302
    assert Village.objects.get().township == township


def test_browser_upload_of_another_township_lists_the_rows_and_saves_nothing(
    client, official, other_township
):
    client.force_login(official)
    content = xlsx([HEADER, ["吉县", "屯里镇", "西坪村", "141028101201", "村", ""]])
    response = client.post(reverse("registry:village-import"), {"file": upload(content)})
    assert response.status_code == 400
    assert "第 2 行「区划代码」列：您只能导入本乡镇的村(社区)" in response.content.decode()
    assert not Village.objects.exists()


def test_template_download_has_the_headers(client, official):
    import io

    from openpyxl import load_workbook

    client.force_login(official)
    response = client.get(reverse("registry:village-template"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[1]] == HEADER

"""The sign-in sheet upload: template, per-row errors with row and column, all or nothing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import PersonFactory
from tests.factories.training import EnrolmentFactory
from tests.spreadsheets import upload, xlsx
from training.choices import EnrolmentStatus
from training.models import Enrolment

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "公民身份号码", "签到", "签到时间", "缺席原因", "学时"]


@pytest.fixture
def invited(county_session, village):
    return [
        EnrolmentFactory(session=county_session, person=PersonFactory(village=village, name=n))
        for n in ("张三", "李四", "王五")
    ]


def post(client, session, rows, **extra):
    url = reverse("training:attendance-upload", args=[session.pk])
    return client.post(url, {"file": upload(xlsx([HEADER, *rows])), **extra})


def test_template_lists_the_invitees(client, organizer, county_session, invited):
    client.force_login(organizer)
    response = client.get(reverse("training:attendance-template", args=[county_session.pk]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "公民身份号码", "签到")
    assert sorted(row[0] for row in rows[1:]) == ["张三", "李四", "王五"]


def test_good_sheet_records_attendance_and_absence(client, organizer, county_session, invited):
    client.force_login(organizer)
    response = post(
        client,
        county_session,
        [
            ["张三", "", "已到", "2021-05-10 08:31", "", ""],
            ["李四", "", "缺席", "", "住院", ""],
            ["王五", "", "到", "", "", "4"],
        ],
    )
    assert response.status_code == 302
    statuses = dict(Enrolment.objects.values_list("person__name", "status"))
    assert statuses == {"张三": "attended", "李四": "absent", "王五": "attended"}
    wang = Enrolment.objects.get(person__name="王五")
    assert wang.hours_credited == 4


def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_saved(
    client, organizer, county_session, invited
):
    services_checked = invited[0]
    from training import services

    services.enrolment_check_in(enrolment=services_checked, actor=organizer)
    client.force_login(organizer)
    response = post(
        client,
        county_session,
        [
            ["李四", "", "已到", "", "", ""],  # fine on its own
            ["赵六", "", "已到", "", "", ""],  # not invited
            ["王五", "", "缺席", "", "", ""],  # absent without reason
            ["张三", "", "已到", "", "", ""],  # second check-in
            ["李四", "", "已到", "", "", ""],  # twice in the sheet
            ["王五", "", "也许", "", "", ""],  # unknown status
            ["王五", "", "已到", "昨天", "", ""],  # bad time
        ],
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "第 3 行「姓名」列：“赵六”未被邀请参加本次培训" in text
    assert "第 4 行「缺席原因」列：缺席时必须填写原因" in text
    assert "第 5 行「签到」列：张三 已于" in text and "不能重复签到" in text
    assert "第 6 行「姓名」列：与第 2 行是同一人" in text
    assert "第 7 行「签到」列：应填写“已到”或“缺席”" in text
    assert "第 8 行「签到时间」列" in text
    assert "未保存任何数据" in text
    assert Enrolment.objects.filter(status=EnrolmentStatus.INVITED).count() == 2


def test_two_invitees_with_the_same_name_need_the_id_number(
    client, organizer, county_session, village
):
    first = EnrolmentFactory(
        session=county_session, person=PersonFactory(village=village, name="刘洋")
    )
    EnrolmentFactory(session=county_session, person=PersonFactory(village=village, name="刘洋"))
    client.force_login(organizer)
    response = post(client, county_session, [["刘洋", "", "已到", "", "", ""]])
    assert response.status_code == 400
    assert "请填写身份证号码" in response.content.decode()
    response = post(client, county_session, [["刘洋", first.person.id_number, "已到", "", "", ""]])
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == EnrolmentStatus.ATTENDED


def test_dry_run_checks_without_saving(client, organizer, county_session, invited):
    client.force_login(organizer)
    response = post(client, county_session, [["张三", "", "已到", "", "", ""]], dry_run="on")
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert not Enrolment.objects.filter(status=EnrolmentStatus.ATTENDED).exists()


def test_not_a_spreadsheet_is_refused(client, organizer, county_session):
    client.force_login(organizer)
    url = reverse("training:attendance-upload", args=[county_session.pk])
    response = client.post(url, {"file": upload(b"hello", "x.pdf")})
    assert response.status_code == 400 and "不是有效的" in response.content.decode()


def test_official_cannot_upload_to_a_county_session(client, official, county_session, invited):
    client.force_login(official)
    assert post(client, county_session, [["张三", "", "已到", "", "", ""]]).status_code in (
        403,
        404,
    )
    assert not Enrolment.objects.filter(status=EnrolmentStatus.ATTENDED).exists()

"""Imports in one pass (core/uploads.py), on the sign-in sheet: after a dry run passes,
"import now" imports the same file without choosing it again; the kept file is the
uploader's only, used once, and expires."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PersonFactory
from tests.factories.training import EnrolmentFactory
from tests.spreadsheets import upload, xlsx
from training.choices import EnrolmentStatus
from training.models import Enrolment

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "公民身份号码", "签到", "签到时间", "缺席原因", "学时"]


@pytest.fixture
def checked(client, organizer, county_session, village):
    """A dry run that passed: the page offers "import now" with the kept file's token."""
    EnrolmentFactory(session=county_session, person=PersonFactory(village=village, name="张三"))
    client.force_login(organizer)
    url = reverse("training:attendance-upload", args=[county_session.pk])
    sheet = upload(xlsx([HEADER, ["张三", "", "已到", "", "", ""]]), "签到表.xlsx")
    response = client.post(url, {"file": sheet, "dry_run": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-now"' in page and "“签到表.xlsx”已检查通过" in page
    assert not Enrolment.objects.filter(status=EnrolmentStatus.ATTENDED).exists()
    return url, response.context["kept"]


def attended():
    return Enrolment.objects.filter(status=EnrolmentStatus.ATTENDED).count()


def test_import_now_imports_the_checked_file_without_choosing_it_again(client, checked):
    url, token = checked
    response = client.post(url, {"kept": token})
    assert response.status_code == 302 and attended() == 1
    again = client.post(url, {"kept": token})  # used once: forgotten after the import
    assert again.status_code == 400 and "检查过的文件已过期" in again.content.decode()


def test_the_kept_file_is_the_uploaders_only(client, checked, make_user):
    url, token = checked
    client.force_login(make_user())  # another organizer of the same county
    response = client.post(url, {"kept": token})
    assert response.status_code == 400 and "检查过的文件已过期" in response.content.decode()
    assert attended() == 0


def test_an_expired_file_says_so_and_saves_nothing(client, checked):
    url, token = checked
    cache.clear()
    response = client.post(url, {"kept": token})
    assert response.status_code == 400 and "请重新选择文件" in response.content.decode()
    assert attended() == 0


def test_a_failed_dry_run_offers_no_import(client, organizer, county_session):
    client.force_login(organizer)
    url = reverse("training:attendance-upload", args=[county_session.pk])
    sheet = upload(xlsx([HEADER, ["无此人", "", "已到", "", "", ""]]))
    response = client.post(url, {"file": sheet, "dry_run": "on"})
    assert (
        response.status_code == 400 and 'data-testid="import-now"' not in response.content.decode()
    )

"""Re-importing the same village sheet changes nothing, so it writes nothing to the
villages' history (no empty "修改" on the audit page); a real change still does."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.policy import SYSTEM
from registry.models import Village
from registry.services import village_update
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db
HEADER = ["县(市、区)", "乡镇", "村(社区)", "区划代码", "类型", "并入"]
ROWS = [
    ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""],
    ["吉县", "吉昌镇", "城关社区", "141028100001", "社区", ""],
    ["吉县", "吉昌镇", "南坪村", "141028100202", "村", "东关村"],
]
HISTORY = "/audit/registry.village/"


def _import(tmp_path, rows):
    path = tmp_path / "villages.xlsx"
    path.write_bytes(xlsx([HEADER, *rows]))
    call_command("import_villages", str(path))


def test_the_same_sheet_again_adds_no_history(tmp_path, client, admin_user_):
    _import(tmp_path, ROWS)
    # Imported days ago: a re-import today keeps the day 南坪村 was merged.
    Village.objects.filter(name="南坪村").update(merged_on=dt.date(2026, 11, 1))
    Village.history.update(history_date=timezone.now() - dt.timedelta(days=3))
    rows_before = Village.history.count()
    client.force_login(admin_user_)
    entries_before = client.get(HISTORY).content.decode().count("<tr")

    _import(tmp_path, ROWS)

    assert Village.history.count() == rows_before
    assert Village.objects.get(name="南坪村").merged_on == dt.date(2026, 11, 1)
    assert client.get(HISTORY).content.decode().count("<tr") == entries_before


def test_a_real_change_is_still_recorded(tmp_path):
    _import(tmp_path, ROWS)
    rows_before = Village.history.count()
    renamed = [list(row) for row in ROWS]
    renamed[1][2] = "城关新社区"
    _import(tmp_path, renamed)
    assert Village.history.count() == rows_before + 1
    latest = Village.history.filter(code="141028100001").first()
    assert (latest.name, latest.history_type) == ("城关新社区", "~")


def test_a_save_without_a_change_is_not_a_change(village):
    """Any door (the page, the API) calls the same service: the same values save nothing."""
    rows_before = Village.history.filter(id=village.pk).count()
    village_update(village=village, name=village.name, township=village.township, actor=SYSTEM)
    assert Village.history.filter(id=village.pk).count() == rows_before
    village_update(village=village, risk_reason="宗族派性", actor=SYSTEM)
    assert Village.history.filter(id=village.pk).count() == rows_before + 1

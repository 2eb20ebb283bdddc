"""The audit pages and API: who, when, from where and what changed, scoped to the county,
read-only, exportable, in a fixed number of queries."""

import io

import pytest
from django.conf import settings
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audit.selectors import audited_models
from core.access import Role
from core.policy import SYSTEM
from people.models import Person
from people.services import PersonData, persons_bulk_upsert
from tests.factories import CountyFactory, PersonFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

HISTORY = "/audit/people.person/"


def edit_person_over_api(user, person, **fields):
    # Through the proxy, which names the client and the request (TRUSTED_PROXIES).
    client = APIClient(
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.20.30.40",
        HTTP_X_REQUEST_ID="req-audit-0001",
    )
    client.force_login(user)
    with override_settings(TRUSTED_PROXIES=["10.0.0.2"]):
        response = client.patch(f"/api/v1/people/{person.pk}/", fields, format="json")
    assert response.status_code == 200, response.content
    return response


def test_every_history_model_is_browsable():
    labels = {m.label for m in audited_models()}
    assert "people.person" in labels
    from django.apps import apps

    with_history = {
        m._meta.label_lower
        for m in apps.get_models()
        if getattr(m._meta, "simple_history_manager_attribute", None)
    }
    assert labels == with_history


def test_organizer_sees_who_when_from_where_and_what_changed(client, official, organizer, village):
    person = PersonFactory(village=village, name="张三")
    edit_person_over_api(official, person, name="张叁", phone="13800000000")
    client.force_login(organizer)
    response = client.get(HISTORY, {"object_id": person.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "10.20.30.40" in html and "req-audit-0001" in html
    assert str(official) in html
    assert "姓名：张三 → 张叁" in html
    assert "联系电话：— → 13800000000" in html
    # The ID number itself never appears, encrypted, hashed or plain.
    assert person.id_number not in html and person.id_number_digest not in html


def test_history_per_user(client, official, organizer, village, make_user):
    other = make_user(Role.TOWNSHIP_OFFICIAL, username="li")
    one, two = PersonFactory(village=village), PersonFactory(village=village)
    edit_person_over_api(official, one, name="甲改")
    edit_person_over_api(other, two, name="乙改")
    client.force_login(organizer)
    html = client.get(HISTORY, {"user": official.pk}).content.decode()
    assert "甲改" in html and "乙改" not in html


def test_history_is_scoped_to_the_organizers_county(client, organizer, make_user):
    elsewhere = VillageFactory(township=TownshipFactory(county=CountyFactory(code="141029")))
    PersonFactory(village=elsewhere, name="外县人")
    client.force_login(organizer)
    html = client.get(HISTORY).content.decode()
    assert "外县人" not in html
    response = APIClient()
    response.force_authenticate(organizer)
    body = response.get("/api/v1/audit/history/", {"model": "people.person"}).json()
    assert body["count"] == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        (Role.ADMIN, 200),
        (Role.COUNTY_ORGANIZER, 200),
        (Role.COUNTY_VIEWER, 403),
        (Role.TOWNSHIP_OFFICIAL, 403),
        (Role.DEPARTMENT_REVIEWER, 403),
        (Role.API_CLIENT, 403),
    ],
)
def test_only_organizers_and_admins_browse_history(client, make_user, role, status):
    if role != "anonymous":
        client.force_login(make_user(role))
    for url in ["/audit/", HISTORY, HISTORY + "export.xlsx"]:
        assert client.get(url).status_code == status, url


def test_history_cannot_be_changed_through_the_portal(client, organizer, admin_user_, village):
    person = PersonFactory(village=village)
    count = person.history.count()
    client.force_login(organizer)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(HISTORY).status_code in (403, 405)
    api = APIClient()
    api.force_authenticate(admin_user_)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)("/api/v1/audit/history/?model=people.person")
        assert response.status_code in (403, 405)
    assert person.history.count() == count
    # The admin cannot revert an object to an old version either.
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_export_is_an_xlsx_with_formulas_neutralised(client, official, organizer, village):
    person = PersonFactory(village=village, name="王五")
    edit_person_over_api(official, person, name='=HYPERLINK("http://x")')
    client.force_login(organizer)
    response = client.get(HISTORY + "export.xlsx", {"object_id": person.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "来源 IP", "请求编号")
    assert len(rows) == 3  # header, the update, the creation
    update = rows[1]
    assert update[2] == "10.20.30.40" and update[3] == "req-audit-0001"
    assert update[7].startswith("'=HYPERLINK")
    assert "王五" in update[8]
    assert all(person.id_number not in str(cell) for row in rows for cell in row)


def test_bulk_imports_leave_history(organizer, county, village):
    import datetime as dt

    from tests.factories import make_id_number

    rows = [
        PersonData(
            id_number=make_id_number(dt.date(1980, 1, n + 1), "M"),
            name=f"批量{n}",
            county_id=county.pk,
            birth_date=dt.date(1980, 1, n + 1),
            gender="M",
            village_id=village.pk,
        )
        for n in range(3)
    ]
    persons_bulk_upsert(rows, actor=SYSTEM)
    assert Person.history.filter(name__startswith="批量", history_type="+").count() == 3


def test_history_page_uses_a_fixed_number_of_queries(
    client, official, organizer, village, django_assert_max_num_queries
):
    client.force_login(organizer)
    for n in range(3):
        edit_person_over_api(official, PersonFactory(village=village), name=f"改{n}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(HISTORY)
    baseline = len(few.captured_queries)
    assert baseline <= 10
    for n in range(20):
        edit_person_over_api(official, PersonFactory(village=village), name=f"再改{n}")
    with django_assert_max_num_queries(baseline):
        response = client.get(HISTORY)
    html = response.content.decode()
    assert html.count("再改") >= 20


def test_api_lists_history_with_changes(official, organizer, village):
    person = PersonFactory(village=village, name="赵六")
    edit_person_over_api(official, person, name="赵陆")
    api = APIClient()
    api.force_authenticate(organizer)
    body = api.get(
        "/api/v1/audit/history/", {"model": "people.person", "object_id": person.pk}
    ).json()
    assert body["count"] == 2
    latest = body["results"][0]
    assert latest["change_type"] == "~" and latest["ip"] == "10.20.30.40"
    assert latest["request_id"] == "req-audit-0001"
    assert {"field": "姓名", "old": "赵六", "new": "赵陆"} in latest["changes"]
    assert api.get("/api/v1/audit/history/", {"model": "nope.nope"}).status_code == 400

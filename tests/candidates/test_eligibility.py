"""Eligibility at nomination, at every door: at least 18 on the term's election date, and a
full party member (not a probationary one) for the party committee. The message names the
rule; the form offers no post or source of its own."""

import datetime as dt

import pytest
from django.urls import reverse

from candidates.importers import COLUMNS, import_nominees
from candidates.models import Candidacy
from core.spreadsheets import read_bytes
from people.models import Person
from tests.factories import PersonFactory, make_id_number
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

AGE_RULE = "被选举人须年满 18 周岁"
PARTY_RULE = "党组织委员会成员须为中共正式党员"
FOURTEEN = dt.date(2007, 1, 1)  # 14 on 2021-04-30, the term's election (reference) date


def _form(village, term, **extra):
    return {
        "term": term.pk,
        "village": village.pk,
        "post": "party:secretary",
        "source": "reserve",
        "id_number": make_id_number(dt.date(1986, 7, 8)),
        "name": "孙秀英",
        "political_status": "party_member",
        **extra,
    }


def test_a_fourteen_year_old_is_not_accepted_as_party_secretary(client, official, village, term):
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-create"),
        _form(village, term, id_number=make_id_number(FOURTEEN)),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert AGE_RULE in text and "14 周岁" in text
    assert not Candidacy.objects.exists() and not Person.objects.exists()


def test_a_probationary_member_may_not_be_nominated_to_the_party_committee(
    client, official, village, term
):
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-create"),
        _form(village, term, political_status="probationary"),
    )
    assert response.status_code == 400
    assert "预备党员没有被选举权" in response.content.decode()
    # the same person may stand for the villagers' committee
    response = client.post(
        reverse("candidates:candidacy-create"),
        _form(village, term, political_status="probationary", post="villagers:member"),
    )
    assert response.status_code == 302
    assert Candidacy.objects.get().body == "villagers"


def test_the_nomination_form_picks_no_post_and_no_source(client, official, village, term):
    client.force_login(official)
    page = client.get(reverse("candidates:candidacy-create")).content.decode()
    for name in ("post", "source"):
        select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert 'value="" selected' in select or (
            "selected" not in select and '<option value="">' in select
        ), name
    response = client.post(
        reverse("candidates:candidacy-create"), _form(village, term, post="", source="")
    )
    assert response.status_code == 400 and not Candidacy.objects.exists()


def test_the_api_names_the_rule(api, official, village, term):
    young = {
        "id_number": make_id_number(FOURTEEN),
        "name": "郑新人",
        "village": village.pk,
        "term": 2021,
        "body": "party",
        "post": "member",
        "source": "reserve",
        "political_status": "party_member",
    }
    response = api(official).post("/api/v1/candidacies/", young, format="json")
    assert response.status_code == 400
    assert AGE_RULE in str(response.data)
    masses = PersonFactory(village=village, political_status="masses")
    response = api(official).post(
        "/api/v1/candidacies/",
        {**young, "id_number": masses.id_number, "name": masses.name},
        format="json",
    )
    assert response.status_code == 400 and PARTY_RULE in str(response.data)
    assert "群众" in str(response.data)
    assert not Candidacy.objects.exists()


def test_the_upload_reports_the_row_and_column(official, village, term):
    header = ["乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源", "政治面貌"]
    rows = [
        [
            "吉昌镇",
            "东关村",
            2021,
            "党组织委员",
            "甲",
            make_id_number(FOURTEEN),
            "后备干部",
            "中共党员",
        ],
        [
            "吉昌镇",
            "东关村",
            2021,
            "党组织委员",
            "乙",
            make_id_number(dt.date(1990, 1, 1)),
            "后备干部",
            "中共预备党员",
        ],
        [
            "吉昌镇",
            "东关村",
            2021,
            "村委会委员",
            "丙",
            make_id_number(dt.date(1991, 1, 1)),
            "后备干部",
            "中共预备党员",
        ],
    ]
    result = import_nominees(read_bytes(xlsx([header, *rows]), "n.xlsx", COLUMNS), actor=official)
    assert not result.ok
    errors = [str(error) for error in result.errors]
    assert any("第 2 行" in e and "公民身份号码" in e and AGE_RULE in e for e in errors), errors
    assert any("第 3 行" in e and "政治面貌" in e and "预备党员" in e for e in errors), errors
    assert not any("第 4 行" in e for e in errors), errors
    assert not Candidacy.objects.exists()


def test_a_known_person_without_a_status_gets_the_one_the_nomination_gives(
    client, official, village, term
):
    known = PersonFactory(village=village, name="周建国", political_status="")
    client.force_login(official)
    form = _form(village, term, id_number=known.id_number, name="周建国", political_status="")
    response = client.post(reverse("candidates:candidacy-create"), form)
    assert response.status_code == 400 and "此人未登记政治面貌" in response.content.decode()
    form["political_status"] = "party_member"
    response = client.post(reverse("candidates:candidacy-create"), form)
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.political_status == "party_member"
    assert known.history.first().political_status == "party_member"

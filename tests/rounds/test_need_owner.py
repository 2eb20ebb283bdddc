"""开门办事 领账: a need is taken on by a sitting member of its village's team, chosen from
those members only, at every door (page, API, import), shown on the ledger, the detail
page, the export and the API; anyone else is refused in Chinese."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from elections.choices import Post
from elections.models import Seat
from rounds import services
from rounds.models import Problem
from tests.factories import PersonFactory
from tests.factories.elections import SeatFactory
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db

DEADLINE = (timezone.localdate() + dt.timedelta(days=20)).isoformat()


@pytest.fixture
def members(village, other_village, term):
    """Two sitting members of 东关村, one former member, one member of 西坪村."""
    sitting = [
        SeatFactory(village=village, term=term, person=PersonFactory(village=village, name=n))
        for n in ("张建国", "李秀英")
    ]
    gone = SeatFactory(village=village, term=term, person=PersonFactory(village=village))
    Seat.objects.filter(pk=gone.pk).update(ended_on=timezone.localdate(), end_reason="resignation")
    elsewhere = SeatFactory(
        village=other_village,
        term=term,
        post=Post.SECRETARY,
        person=PersonFactory(village=other_village, name="赵西坪"),
    )
    return {
        "zhang": sitting[0].person,
        "li": sitting[1].person,
        "former": gone.person,
        "other": elsewhere.person,
    }


def need_form(village, person, **extra):
    return {
        "kind": "need",
        "village": village.pk,
        "source": "residents",
        "category": "livelihood",
        "description": "路灯不亮",
        "owner_person": person.pk if person else "",
        "deadline": DEADLINE,
        **extra,
    }


def test_the_page_offers_the_village_members_and_shows_who_took_it_on(
    client, official, round_, village, members
):
    client.force_login(official)
    page = client.get(reverse("rounds:problem-list")).content.decode()
    assert "张建国（委员）" in page and "李秀英（委员）" in page
    assert members["former"].name not in page  # no longer sitting
    assert "赵西坪" not in page  # another township's member
    response = client.post(reverse("rounds:problem-list"), need_form(village, members["zhang"]))
    assert response.status_code == 302
    need = Problem.objects.get()
    assert (need.owner_person, need.state) == (members["zhang"], "assigned")
    ledger = client.get(reverse("rounds:problem-list")).content.decode()
    assert '<td data-testid="problem-owner">张建国</td>' in ledger
    detail = client.get(need.get_absolute_url()).content.decode()
    assert "领账成员" in detail and "张建国" in detail
    assert "李秀英（委员）" in detail  # reassigning: the village's members only
    export = client.get(reverse("rounds:problem-xlsx"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values
    )
    column = rows[0].index("领账成员")
    assert rows[1][column] == "张建国" and rows[1][rows[0].index("责任人/单位")] == "张建国"


def test_the_page_refuses_a_need_without_a_member_or_with_a_former_one(
    client, official, round_, village, members
):
    client.force_login(official)
    html = client.post(reverse("rounds:problem-list"), need_form(village, None)).content.decode()
    assert "开门办事事项须由本村现任班子的一名成员领账，请选择领账成员" in html
    html = client.post(
        reverse("rounds:problem-list"), need_form(village, members["former"])
    ).content.decode()
    assert "选择一个有效的选项" in html  # not offered, so not accepted
    assert not Problem.objects.exists()


def test_the_service_refuses_a_member_of_another_village(village, members):
    with pytest.raises(Exception) as refused:
        services.problem_create(
            village=village,
            kind="need",
            source="residents",
            category="livelihood",
            description="x",
            owner_person=members["other"],
            deadline=timezone.localdate(),
            actor=SYSTEM,
        )
    assert "赵西坪 不是东关村现任班子成员，不能领账" in str(refused.value)


def test_the_api_takes_the_member_by_id_in_the_callers_scope(
    api, official, organizer, round_, village, members
):
    url = "/api/v1/rounds/problems/"
    body = {**need_form(village, members["li"]), "village": village.pk}
    created = api(official).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["owner_person"], created.json()["owner_person_name"]) == (
        members["li"].pk,
        "李秀英",
    )
    # another township's member: the official cannot see them, answered like a missing one
    other = api(official).post(url, {**body, "owner_person": members["other"].pk}, format="json")
    assert other.status_code == 400
    assert other.json()["errors"][0]["field"] == "owner_person"
    assert other.json()["errors"][0]["code"] == "does_not_exist"
    # the county sees them, but they do not sit in 东关村
    wrong = api(organizer).post(url, {**body, "owner_person": members["other"].pk}, format="json")
    assert wrong.status_code == 400 and "不是东关村现任班子成员" in wrong.json()["detail"]
    # a 换届问题 keeps the free-text owner
    problem = api(official).post(
        url, {**body, "kind": "problem", "owner_person": members["li"].pk}, format="json"
    )
    assert problem.status_code == 400 and "领账成员只用于开门办事" in problem.json()["detail"]
    # 清账: the member's need is resolved like any row of the ledger
    pk = created.json()["id"]
    done = api(official).post(f"{url}{pk}/resolve/", {"resolution": "已修好"}, format="json")
    assert done.json()["state"] == "resolved" and done.json()["owner_person_name"] == "李秀英"


def test_the_import_finds_the_member_by_name(client, official, round_, village, members):
    client.force_login(official)
    header = ["村(社区)", "类型", "来源", "类别", "问题描述", "责任人/单位", "销号时限"]
    rows = [
        header,
        ["东关村", "开门办事", "群众反映", "民生需求", "路灯不亮", "张建国", DEADLINE],
        ["东关村", "开门办事", "群众反映", "民生需求", "水管冻裂", "赵西坪", DEADLINE],
        ["东关村", "开门办事", "群众反映", "民生需求", "缺药", "", DEADLINE],
    ]
    url = reverse("rounds:problem-upload")
    html = client.post(url, {"file": upload(xlsx(rows))}).content.decode()
    assert "第 3 行「责任人/单位」列：“赵西坪”不是东关村现任班子成员" in html
    assert "第 4 行「责任人/单位」列：开门办事须填写领账成员" in html
    assert not Problem.objects.exists()
    response = client.post(url, {"file": upload(xlsx(rows[:2]))})
    assert response.status_code == 302
    need = Problem.objects.get()
    assert (need.kind, need.owner_person, need.owner) == ("need", members["zhang"], "")

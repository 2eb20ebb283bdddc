"""Talks' coverage (issue 15 §7): every sitting member and approved candidate talked to, the
key persons (重点人员, flagged with a reason) warned — figures and who is still missing, per
village, in the caller's scope, on the page, in the API and in the workbook."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.choices import Stage
from core.policy import SYSTEM
from rounds import services
from rounds.models import KeyPerson
from tests.factories import PersonFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(round_, term, village, other_village):
    """东关村: two sitting members and an approved candidate; 西坪村: one sitting member."""
    named = {}
    for name in ("张建国", "李秀英"):
        named[name] = SeatFactory(
            village=village, term=term, person=PersonFactory(village=village, name=name)
        ).person
    named["王新"] = CandidacyFactory(
        village=village,
        term=term,
        stage=Stage.APPROVED,
        person=PersonFactory(village=village, name="王新"),
    ).person
    named["赵西坪"] = SeatFactory(
        village=other_village,
        term=term,
        person=PersonFactory(village=other_village, name="赵西坪"),
    ).person
    return named


def talk(person, kind="heart", days_ago=1):
    return services.talk_create(
        village=person.village,
        person=person,
        kind=kind,
        held_on=timezone.localdate() - dt.timedelta(days=days_ago),
        talker="乡镇党委书记",
        actor=SYSTEM,
    )


def test_the_page_shows_coverage_and_who_is_missing_per_village(
    client, official, organizer, round_, people
):
    talk(people["张建国"])
    talk(people["李秀英"], days_ago=200)  # before the round began: does not count
    client.force_login(official)
    response = client.post(
        reverse("rounds:talk-list"),
        {"what": "key", "key_person": people["李秀英"].pk, "reason": "对上届选举结果有异议"},
    )
    assert response.status_code == 302
    assert KeyPerson.objects.get().village.name == "东关村"
    html = client.get(reverse("rounds:talk-list")).content.decode()
    assert "在任“两委”成员和确定人选 3 人，已谈心谈话 1 人；警示谈话 0 次" in html
    assert "重点人员 1 人，已警示谈话 0 人" in html
    missing = html[html.index('data-testid="talk-missing"') :]
    missing = missing[: missing.index("</table>")]
    assert "<td>东关村</td><td>李秀英、王新</td><td>李秀英</td>" in missing
    assert "赵西坪" not in html  # another township's
    assert "对上届选举结果有异议" in html  # the key persons' list

    talk(people["李秀英"], kind="warning")
    client.force_login(organizer)
    html = client.get(reverse("rounds:talk-list")).content.decode()
    assert "在任“两委”成员和确定人选 4 人，已谈心谈话 1 人；警示谈话 1 次" in html
    assert "重点人员 1 人，已警示谈话 1 人（全覆盖）" in html
    assert "<td>屯里镇</td><td>西坪村</td><td>赵西坪</td><td>—</td>" in html


def test_flagging_is_refused_outside_the_scope_and_twice(
    client, official, round_, people, other_village
):
    client.force_login(official)
    form = {"what": "key", "key_person": people["赵西坪"].pk, "reason": "x"}
    html = client.post(reverse("rounds:talk-list"), form).content.decode()
    assert "选择一个有效的选项" in html  # another township's person is not offered
    services.key_person_save(
        round_=round_, person=people["王新"], reason="有拉票苗头", actor=SYSTEM
    )
    form = {"what": "key", "key_person": people["王新"].pk, "reason": "再次"}
    html = client.post(reverse("rounds:talk-list"), form).content.decode()
    assert "该人员已列为本次换届的重点人员" in html
    assert KeyPerson.objects.count() == 1


def test_the_api_and_the_workbook_give_the_same_figures(
    api, client, official, organizer, round_, people, village
):
    talk(people["王新"])
    services.key_person_save(
        round_=round_, person=people["张建国"], reason="宗族矛盾", actor=SYSTEM
    )
    mine = api(official).get("/api/v1/rounds/talks/coverage/").json()
    assert (mine["to_talk"], mine["talked"], mine["key_persons"], mine["key_warned"]) == (
        3,
        1,
        1,
        0,
    )
    assert mine["complete"] is False
    assert mine["villages"] == [
        {
            "village": village.pk,
            "village_code": village.code,
            "village_name": "东关村",
            "township_name": "吉昌镇",
            "missing_talks": [
                {"id": people["张建国"].pk, "name": "张建国"},
                {"id": people["李秀英"].pk, "name": "李秀英"},
            ],
            "missing_warnings": [{"id": people["张建国"].pk, "name": "张建国"}],
        }
    ]
    county = api(organizer).get("/api/v1/rounds/talks/coverage/").json()
    assert county["to_talk"] == 4 and len(county["villages"]) == 2
    narrowed = api(organizer).get(
        "/api/v1/rounds/talks/coverage/", {"township": village.township_id}
    )
    assert narrowed.json()["to_talk"] == 3
    assert api(organizer).get("/api/v1/rounds/talks/coverage/", {"term": 1999}).status_code == 400

    client.force_login(official)
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("rounds:talk-xlsx")).streaming_content))
    )
    assert book.sheetnames == ["谈心谈话", "谈话覆盖", "重点人员"]
    rows = list(book["谈话覆盖"].values)
    assert rows[1][2] == "在任“两委”成员和确定人选 3 人，已谈心谈话 1 人"
    assert rows[1][3] == "重点人员 1 人，已警示谈话 0 人"
    assert rows[2] == ("吉昌镇", "东关村", "张建国、李秀英", "张建国")
    assert list(book["重点人员"].values)[1] == ("吉昌镇", "东关村", "张建国", "宗族矛盾")


def test_coverage_reads_a_fixed_number_of_queries(round_, term, township):
    """However many villages, members and key persons: the same queries."""
    from registry.models import Village
    from rounds.coverage import talk_coverage
    from tests.factories import VillageFactory

    def grow(count):
        for village in VillageFactory.create_batch(count, township=township):
            seat = SeatFactory(village=village, term=term)
            CandidacyFactory(village=village, term=term, stage=Stage.APPROVED)
            services.key_person_save(round_=round_, person=seat.person, reason="x", actor=SYSTEM)
            talk(seat.person)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            result = talk_coverage(round_, Village.objects.filter(township=township))
        return len(captured), result

    grow(3)
    few, small = count()
    grow(30)
    many, large = count()
    assert few == many == 7, (few, many)
    assert (large.to_talk, large.talked, large.key_persons, large.key_warned) == (66, 33, 33, 0)
    assert len(large.villages) == 33 and len(small.villages) == 3

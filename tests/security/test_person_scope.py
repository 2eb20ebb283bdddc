"""Another township's people: no door lets a user change, claim or name a person outside
their scope (issue 18, findings 3 and 13).

Each test comes in by one door — the roster upload (page and background job), the nominee
upload, the sign-in sheet, the person form, the nomination form, the API — with a row that
carries the ID number of a 屯里镇 person under another name. The user sees the row's error,
which names neither the person nor their township; the person is as they were; nothing
else of the upload is saved.
"""

import datetime as dt

import pytest
from django.urls import reverse

from candidates.models import Candidacy
from core.access import Role
from elections import services as election_services
from elections.choices import ImportStatus
from elections.models import Seat
from people.models import Person
from tests.factories import (
    CountyFactory,
    PersonFactory,
    TermFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    make_id_number,
)
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory
from tests.spreadsheets import upload, xlsx
from training.choices import EnrolmentStatus
from training.models import Enrolment

pytestmark = pytest.mark.django_db

REFUSED = "该身份证号码已在其他乡镇登记，不能在本乡镇修改，请联系县委组织部"
NEW_NAME = "冒名顶替"
ROSTER_HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码", "联系电话"]
NOMINEE_HEADER = ["乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源"]
NEWCOMER_ID = make_id_number(dt.date(1986, 4, 12))


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


@pytest.fixture
def victim(other_village):
    """A person of 屯里镇 (西坪村), whom 吉昌镇's official must not touch."""
    return PersonFactory(village=other_village, name="屯里人", phone="13900000001")


@pytest.fixture
def own(village):
    """A person of the official's own township."""
    return PersonFactory(village=village, name="本镇人")


@pytest.fixture
def untouched(victim):
    """untouched(): assert the victim, their history and the people count are as before."""
    before = _state(victim)
    people = Person.objects.count()

    def check():
        assert _state(victim) == before
        assert Person.objects.count() == people

    return check


def _state(person):
    fresh = Person.objects.get(pk=person.pk)
    return (
        fresh.name,
        fresh.phone,
        fresh.village_id,
        fresh.county_id,
        fresh.version,
        fresh.history.count(),
    )


def hides(text: str, victim) -> bool:
    """The message names neither the person nor where they are registered."""
    return all(word not in text for word in (victim.name, "屯里镇", "西坪村"))


def roster(victim_number, *, name=NEW_NAME):
    return xlsx(
        [
            ROSTER_HEADER,
            ["吉昌镇", "东关村", 2021, "党支部", "书记", "新来的", NEWCOMER_ID, "13800000002"],
            ["吉昌镇", "东关村", 2021, "村委会", "委员", name, victim_number, "13800000003"],
        ]
    )


def run_roster_job(actor, content):
    job = election_services.roster_job_create(actor=actor, filename="r.xlsx", content=content)
    election_services.roster_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


# -- the roster upload ----------------------------------------------------------------------


def test_roster_page_cannot_take_over_another_townships_person(
    client, official, village, term, victim, untouched, django_capture_on_commit_callbacks
):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("elections:roster-import"),
            {"file": upload(roster(victim.id_number), "roster.xlsx")},
        )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"第 3 行「公民身份号码」列：{REFUSED}" in page
    assert hides(page, victim)
    untouched()
    assert not Seat.objects.exists()
    # and the person stays out of the official's reach
    assert client.get(victim.get_absolute_url()).status_code == 404


def test_roster_job_applies_the_rule_to_its_uploader(official, village, term, victim, untouched):
    """The background job has no request: the uploader is the actor."""
    job = run_roster_job(official, roster(victim.id_number))
    assert job.status == ImportStatus.FAILED
    assert job.errors == [f"第 3 行「公民身份号码」列：{REFUSED}"]
    untouched()
    assert not Seat.objects.exists()


def test_roster_job_refuses_a_dry_run_the_same_way(official, village, term, victim, untouched):
    content = roster(victim.id_number)
    job = election_services.roster_job_create(
        actor=official, filename="r.xlsx", content=content, dry_run=True
    )
    election_services.roster_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.errors == [f"第 3 行「公民身份号码」列：{REFUSED}"]
    untouched()


def test_roster_with_the_persons_own_name_is_refused_too(
    official, village, term, victim, untouched
):
    """Even unchanged details would move the person into the official's village."""
    job = run_roster_job(official, roster(victim.id_number, name=victim.name))
    assert job.errors == [f"第 3 行「公民身份号码」列：{REFUSED}"]
    untouched()


def test_organizer_of_another_county_cannot_take_over_the_person(term, victim, untouched):
    county = CountyFactory(code="141029", name="乡宁县")
    township = TownshipFactory(county=county, code="141029100", name="昌宁镇")
    VillageFactory(township=township, code="141029100201", name="东关村")
    organizer = UserFactory(role=Role.COUNTY_ORGANIZER, county=county)
    content = xlsx(
        [
            ROSTER_HEADER,
            ["昌宁镇", "东关村", 2021, "村委会", "委员", NEW_NAME, victim.id_number, ""],
        ]
    )
    job = run_roster_job(organizer, content)
    assert job.errors == [f"第 2 行「公民身份号码」列：{REFUSED}"]
    assert hides(job.errors[0], victim)
    untouched()


def test_official_cannot_claim_a_person_with_no_village(official, village, term, county):
    """A person without a village is the county's: only county roles may change them."""
    loose = PersonFactory(village=None, county=county, name="无村人")
    before = _state(loose)
    job = run_roster_job(official, roster(loose.id_number))
    assert job.errors == [f"第 3 行「公民身份号码」列：{REFUSED}"]
    assert "无村人" not in job.errors[0]
    assert _state(loose) == before


def test_county_organizer_may_still_update_anyone_in_the_county(organizer, village, term, victim):
    job = run_roster_job(organizer, roster(victim.id_number))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    victim.refresh_from_db()
    assert victim.name == NEW_NAME and victim.village.name == "东关村"


def test_official_may_still_update_their_own_townships_people(official, village, term, own):
    job = run_roster_job(official, roster(own.id_number))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    own.refresh_from_db()
    assert own.name == NEW_NAME and own.phone == "13800000003"


# -- the nominee upload ---------------------------------------------------------------------


def nominees(victim_number, name=NEW_NAME):
    return xlsx(
        [
            NOMINEE_HEADER,
            ["吉昌镇", "东关村", 2021, "党组织书记", "新来的", NEWCOMER_ID, "后备干部"],
            ["吉昌镇", "东关村", 2021, "村(居)委会主任", name, victim_number, "回引"],
        ]
    )


@pytest.mark.parametrize("name", [NEW_NAME, "屯里人"])
def test_nominee_upload_cannot_claim_another_townships_person(
    client, official, village, term, victim, untouched, name
):
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-import"), {"file": upload(nominees(victim.id_number, name))}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"第 3 行「公民身份号码」列：{REFUSED}" in page
    assert "已登记为" not in page
    if name == NEW_NAME:
        assert hides(page, victim)
    untouched()
    assert not Candidacy.objects.exists()


# -- the sign-in sheet ----------------------------------------------------------------------


def test_sign_in_sheet_cannot_reach_another_townships_person(
    client, official, village, term, victim
):
    session = TrainingSessionFactory(
        county=village.township.county, township=village.township, audience_term=term
    )
    invited = EnrolmentFactory(session=session, person=PersonFactory(village=village, name="张三"))
    before = _state(victim)
    client.force_login(official)
    response = client.post(
        reverse("training:attendance-upload", args=[session.pk]),
        {
            "file": upload(
                xlsx(
                    [
                        ["姓名", "公民身份号码", "签到", "签到时间", "缺席原因", "学时"],
                        ["张三", "", "已到", "", "", ""],
                        [NEW_NAME, victim.id_number, "已到", "", "", ""],
                    ]
                )
            )
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行「公民身份号码」列" in page
    assert hides(page, victim)
    assert _state(victim) == before
    invited.refresh_from_db()
    assert invited.status == EnrolmentStatus.INVITED
    assert not Enrolment.objects.filter(person=victim).exists()


# -- the person form ------------------------------------------------------------------------


def test_person_form_cannot_register_another_townships_person_again(
    client, official, village, victim, untouched
):
    client.force_login(official)
    response = client.post(
        reverse("people:person-create"),
        {"id_number": victim.id_number, "name": NEW_NAME, "village": village.pk, "phone": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in page and hides(page, victim)
    untouched()


def test_person_form_cannot_give_someone_another_townships_id_number(
    client, official, village, victim, own, untouched
):
    client.force_login(official)
    response = client.post(
        reverse("people:person-update", args=[own.pk]),
        {
            "id_number": victim.id_number,
            "name": NEW_NAME,
            "village": village.pk,
            "version": own.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in page and hides(page, victim)
    untouched()
    own.refresh_from_db()
    assert own.name == "本镇人"


def test_person_service_refuses_an_official_a_person_with_no_village(official, county):
    from django.core.exceptions import PermissionDenied

    from people.services import person_update

    loose = PersonFactory(village=None, county=county, name="无村人")
    with pytest.raises(PermissionDenied):
        person_update(person=loose, actor=official, name=NEW_NAME)
    loose.refresh_from_db()
    assert loose.name == "无村人"


# -- the nomination form --------------------------------------------------------------------


@pytest.mark.parametrize("name", [NEW_NAME, "屯里人"])
def test_nomination_form_cannot_claim_another_townships_person(
    client, official, village, term, victim, untouched, name
):
    client.force_login(official)
    response = client.post(
        reverse("candidates:candidacy-create"),
        {
            "term": term.pk,
            "village": village.pk,
            "post": "party:secretary",
            "source": "reserve",
            "id_number": victim.id_number,
            "name": name,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in page and "已登记为" not in page
    if name == NEW_NAME:
        assert hides(page, victim)
    untouched()
    assert not Candidacy.objects.exists()


# -- the API --------------------------------------------------------------------------------


def test_api_cannot_register_or_claim_another_townships_person(
    api, official, village, term, victim, own, untouched
):
    client = api(official)
    created = client.post(
        "/api/v1/people/",
        {"id_number": victim.id_number, "name": NEW_NAME, "village": village.pk},
        format="json",
    )
    patched = client.patch(
        f"/api/v1/people/{own.pk}/", {"id_number": victim.id_number}, format="json"
    )
    nominated = client.post(
        "/api/v1/candidacies/",
        {
            "village": village.pk,
            "term": 2021,
            "body": "party",
            "post": "secretary",
            "source": "reserve",
            "id_number": victim.id_number,
            "name": NEW_NAME,
        },
        format="json",
    )
    for response in (created, patched, nominated):
        text = response.content.decode()
        assert response.status_code == 400, text
        assert REFUSED in text and hides(text, victim)
    untouched()
    assert not Candidacy.objects.exists()
    own.refresh_from_db()
    assert own.name == "本镇人"
    assert client.get(f"/api/v1/people/{victim.pk}/").status_code == 404

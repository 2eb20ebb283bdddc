"""Pages: scoping, entering and submitting results, certifying, exports, the roster upload."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elections.choices import Body, ElectionState, ImportStatus, Post
from elections.models import Election, ImportJob, Seat
from people.choices import Gender
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return TermFactory(year=2021)


def test_official_sees_only_own_township(client, official, village, other_village, term):
    mine = ElectionFactory(village=village, term=term)
    theirs = ElectionFactory(village=other_village, term=term)
    client.force_login(official)
    page = client.get(reverse("elections:election-list")).content.decode()
    assert village.name in page and other_village.name not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("elections:election-update", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("elections:election-step", args=[theirs.pk, "submit"]))
    assert response.status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_election_list_query_count_is_pinned(
    client, organizer, township, term, django_assert_max_num_queries
):
    from tests.factories import VillageFactory

    for index in range(15):
        code = f"{township.code}{400 + index:03d}"
        ElectionFactory(village=VillageFactory(township=township, code=code), term=term)
    client.force_login(organizer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("elections:election-list"))
    assert response.content.decode().count("<tr>") >= 16


def test_seat_list_query_count_is_pinned(
    client, organizer, village, term, django_assert_max_num_queries
):
    for _ in range(15):
        SeatFactory(village=village, term=term)
    client.force_login(organizer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("elections:seat-list"), {"term": 2021})
    assert response.content.decode().count("<tr>") >= 16


def test_enter_results_submit_then_certify_creates_team(client, official, organizer, village, term):
    client.force_login(official)
    response = client.post(
        reverse("elections:election-create"),
        {
            "village": village.pk,
            "term": term.pk,
            "body": Body.VILLAGERS_COMMITTEE,
            "round": "first",
            "held_on": "2021-04-10",
            "seats_chair": 1,
            "seats_deputy": 0,
            "seats_member": 2,
            "entitled": 1000,
            "present": 800,
            "ballots_issued": 800,
            "ballots_returned": 800,
            "ballots_valid": 790,
            "ballots_invalid": 10,
            "proxy_votes": 0,
        },
    )
    election = Election.objects.get()
    assert response.status_code == 302
    people = [
        PersonFactory(village=village, name=n, gender=g)
        for n, g in [
            ("张三", Gender.MALE),
            ("李四", Gender.FEMALE),
            ("王五", Gender.MALE),
            ("赵六", Gender.MALE),
        ]
    ]
    rows = [
        (people[0], 600, Post.DIRECTOR),
        (people[1], 500, Post.MEMBER),
        (people[2], 450, Post.MEMBER),
        (people[3], 100, ""),
    ]
    data = {
        "round": "first",
        "held_on": "2021-04-10",
        "seats_chair": 1,
        "seats_deputy": 0,
        "seats_member": 2,
        "entitled": 1000,
        "present": 800,
        "ballots_issued": 800,
        "ballots_returned": 800,
        "ballots_valid": 790,
        "ballots_invalid": 10,
        "proxy_votes": 0,
        "version": election.version,
        "form-TOTAL_FORMS": 4,
        "form-INITIAL_FORMS": 0,
    }
    for index, (person, votes, post) in enumerate(rows):
        data.update(
            {
                f"form-{index}-person": person.pk,
                f"form-{index}-votes": votes,
                f"form-{index}-post": post,
            }
        )
    response = client.post(reverse("elections:election-update", args=[election.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = client.get(election.get_absolute_url()).content.decode()
    assert "各项检查均已通过" in detail
    client.post(reverse("elections:election-step", args=[election.pk, "submit"]))
    election.refresh_from_db()
    assert election.state == ElectionState.SUBMITTED
    # the official cannot certify: no button, and the step is refused
    assert "审核确认（生成任职）" not in client.get(election.get_absolute_url()).content.decode()
    refused = client.post(reverse("elections:election-step", args=[election.pk, "certify"]))
    assert refused.status_code == 400
    client.force_login(organizer)
    client.post(reverse("elections:election-step", args=[election.pk, "certify"]))
    assert Seat.objects.filter(village=village).count() == 3
    village_page = client.get(village.get_absolute_url()).content.decode()
    assert "张三" in village_page and "两委班子" in village_page


def test_detail_shows_each_finding_with_its_rule(client, official, village, term):
    election = ElectionFactory(
        village=village,
        term=term,
        present=400,
        ballots_issued=400,
        ballots_returned=400,
        ballots_valid=390,
    )
    ElectionCandidateFactory(election=election, votes=300, post=Post.DIRECTOR)
    client.force_login(official)
    page = client.get(election.get_absolute_url()).content.decode()
    assert "村民委员会组织法" in page
    assert "villagers_turnout" not in page  # the rule is named in words, never by its code
    assert "候选人名额应当多于应选名额" in page
    response = client.post(reverse("elections:election-step", args=[election.pk, "submit"]))
    assert response.status_code == 400 and "过半数" in response.content.decode()


def test_unlock_needs_reason_on_the_page(client, organizer, village, term):
    election = ElectionFactory(village=village, term=term, state=ElectionState.CERTIFIED)
    client.force_login(organizer)
    response = client.post(
        reverse("elections:election-step", args=[election.pk, "unlock"]), {"reason": ""}
    )
    assert response.status_code == 400 and "请填写原因" in response.content.decode()
    client.post(
        reverse("elections:election-step", args=[election.pk, "unlock"]), {"reason": "票数录入有误"}
    )
    election.refresh_from_db()
    assert election.state == ElectionState.DRAFT and election.unlock_reason == "票数录入有误"


def test_exports_neutralise_formulas(client, organizer, village, term):
    person = PersonFactory(village=village, name='=HYPERLINK("x")')
    SeatFactory(
        village=village, term=term, person=person, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY
    )
    election = ElectionFactory(village=village, term=term)
    ElectionCandidateFactory(election=election, person=person, votes=500, post=Post.DIRECTOR)
    client.force_login(organizer)
    csv_text = (
        client.get(reverse("elections:export", args=["seats", "csv"]), {"term": 2021})
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in csv_text and "书记" in csv_text
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("elections:export", args=["results", "xlsx"])).getvalue())
    )
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("x")' in values and 500 in values


def test_seat_end_page(client, official, village, term):
    seat = SeatFactory(village=village, term=term)
    client.force_login(official)
    response = client.post(
        reverse("elections:seat-end", args=[seat.pk]),
        {"ended_on": "2022-03-01", "reason": "resignation", "note": "外出务工"},
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on == dt.date(2022, 3, 1)


def test_roster_upload_runs_as_a_job_and_reports_errors(
    client, official, village, term, django_capture_on_commit_callbacks
):
    client.force_login(official)
    content = xlsx(
        [
            ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"],
            ["吉昌镇", "东关村", 2030, "党支部", "书记", "张三", "11"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("elections:roster-import"), {"file": upload(content, "roster.xlsx")}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "第 2 行「届次」列：系统中没有 2030 届" in page
    assert "身份证号码应为 18 位" in page
    status = client.get(reverse("elections:import-job-status", args=[job.pk])).json()
    assert status["finished"] and status["progress"] == 100
    listing = client.get(reverse("elections:roster-import")).content.decode()
    assert "roster.xlsx" in listing


def test_roster_page_ticks_a_dry_run_beside_its_label(client, official):
    client.force_login(official)
    html = client.get(reverse("elections:roster-import")).content.decode()
    box = '<input type="checkbox" name="dry_run" id="id_dry_run">'
    assert f"<label>{box} 仅检查，不保存</label>" in html


def test_roster_template_downloads(client, official):
    client.force_login(official)
    response = client.get(reverse("elections:roster-template"))
    headers = [c.value for c in load_workbook(io.BytesIO(response.getvalue())).active[1]]
    assert headers[:7] == ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]


def test_another_officials_job_is_404(client, official, make_user, other_township):
    from core.access import Role

    other = make_user(Role.TOWNSHIP_OFFICIAL, township=other_township)
    job = ImportJob.objects.create(created_by=other, filename="x.xlsx", content=b"")
    client.force_login(official)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_person_page_lists_posts_and_home_has_the_card(client, official, village, term):
    seat = SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY)
    client.force_login(official)
    page = client.get(seat.person.get_absolute_url()).content.decode()
    assert 'data-testid="person-seats"' in page and "书记" in page
    home = client.get("/").content.decode()
    assert 'data-testid="elections-card"' in home and reverse("elections:seat-list") in home


def test_village_page_marks_one_shoulder(client, organizer, village, term):
    person = PersonFactory(village=village, name="一肩挑书记")
    SeatFactory(
        village=village, term=term, person=person, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY
    )
    SeatFactory(
        village=village, term=term, person=person, body=Body.VILLAGERS_COMMITTEE, post=Post.DIRECTOR
    )
    client.force_login(organizer)
    team = client.get(village.get_absolute_url()).content.decode()
    assert "一肩挑" in team and "交叉任职 1 人" in team


def test_roster_upload_over_the_size_limit_is_refused(client, official, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(official)
    response = client.post(
        reverse("elections:roster-import"), {"file": upload(b"x" * 2048, "big.xlsx")}
    )
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_page_counts_every_problem_and_the_county_sees_the_job(
    client, official, organizer, village, term, django_capture_on_commit_callbacks
):
    header = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]
    content = xlsx([header] + [["吉昌镇", "东关村", 2030, "党支部", "书记", "张三", "11"]] * 125)
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("elections:roster-import"), {"file": upload(content, "many.xlsx")})
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "发现 250 个问题，未保存任何数据" in page  # 200 lines kept, "…还有 50 处错误"
    client.force_login(organizer)
    listing = client.get(reverse("elections:roster-import")).content.decode()
    assert "本县的导入" in listing and "many.xlsx" in listing and str(official) in listing


@pytest.mark.parametrize(("posted", "expected"), [("", None), ("3", 3), ("abc", -1), ("²", -1)])
def test_a_garbled_form_version_is_a_conflict_not_a_crash(rf, posted, expected):
    """int("²") raised on the election form: a 500. A version that is no number now matches
    no version, so the save is refused as edited meanwhile."""
    from elections.views import _posted_version

    assert _posted_version(rf.post("/", {"version": posted})) == expected


def test_the_person_page_shows_only_seats_the_reader_may_see(
    client, official, village, other_village, term
):
    person = PersonFactory(village=village)
    SeatFactory(village=village, term=term, person=person, body=Body.PARTY_COMMITTEE)
    SeatFactory(village=other_village, term=term, person=person, body=Body.VILLAGERS_COMMITTEE)
    client.force_login(official)
    page = client.get(person.get_absolute_url()).content.decode()
    assert village.name in page and other_village.name not in page

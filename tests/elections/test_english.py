"""Elections read in English: the legal checks name the law in English, and the step just
taken is confirmed in English."""

import pytest
from django.urls import reverse

from elections.choices import ElectionState, Post
from people.choices import Gender
from tests.english import chinese_chrome, in_english
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return TermFactory(year=2021)


def test_findings_name_the_law_in_english(client, official, village, term):
    election = ElectionFactory(
        village=village,
        term=term,
        present=400,
        ballots_issued=400,
        ballots_returned=400,
        ballots_valid=390,
    )
    ElectionCandidateFactory(election=election, votes=300, post=Post.DIRECTOR)
    in_english(client, official)
    html = client.get(election.get_absolute_url()).content.decode()
    assert "Organic Law of Villagers&#x27; Committees, art. 15" in html
    assert "1000 registered, 400 voted" in html
    assert "村民委员会组织法" not in html
    assert chinese_chrome(html) == []
    refused = client.post(reverse("elections:election-step", args=[election.pk, "submit"]))
    assert refused.status_code == 400
    assert chinese_chrome(refused.content.decode()) == []


def test_submit_is_confirmed_in_english(client, official, village, term):
    election = ElectionFactory(village=village, term=term)
    for votes, post, gender in (
        (600, Post.DIRECTOR, Gender.MALE),
        (500, Post.MEMBER, Gender.FEMALE),
        (450, Post.MEMBER, Gender.MALE),
        (100, "", Gender.MALE),
    ):
        person = PersonFactory(village=village, gender=gender)
        ElectionCandidateFactory(election=election, person=person, votes=votes, post=post)
    in_english(client, official)
    response = client.post(
        reverse("elections:election-step", args=[election.pk, "submit"]), follow=True
    )
    election.refresh_from_db()
    assert election.state == ElectionState.SUBMITTED
    html = response.content.decode()
    assert "Submitted to the county organization department." in html
    assert "Draft → Submitted" in html
    assert "4 (1 / 0 / 2)" not in html and "3 (1 / 0 / 2)" in html
    assert "已上报" not in html
    assert chinese_chrome(html) == []


def test_seat_end_page_in_english(client, official, village, term):
    seat = SeatFactory(village=village, term=term, post=Post.SECRETARY)
    html = (
        in_english(client, official)
        .get(reverse("elections:seat-end", args=[seat.pk]))
        .content.decode()
    )
    assert f"Record departure: {seat.person.name}" in html
    assert chinese_chrome(html) == []


def test_a_background_roster_import_reports_in_the_uploaders_language(
    client, official, village, term, django_capture_on_commit_callbacks
):
    """The import runs in a worker; its errors are written in the language of the upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from elections.models import ImportJob
    from tests.spreadsheets import xlsx

    in_english(client, official)
    header = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]
    content = xlsx([header, ["吉昌镇", "东关村", 2030, "党支部", "书记", "张三", "11"]])
    with django_capture_on_commit_callbacks() as queued:
        client.post(
            reverse("elections:roster-import"),
            {"file": SimpleUploadedFile("roster.xlsx", content)},
        )
    with translation.override("zh-hans"):  # a worker: the default language, no request
        for callback in queued:
            callback()
    job = ImportJob.objects.get()
    assert job.language == "en"
    html = client.get(job.get_absolute_url()).content.decode()
    assert "There is no 2030 term in the system" in html
    assert "系统中没有" not in html

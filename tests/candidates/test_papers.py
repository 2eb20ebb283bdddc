"""Papers for the meetings (issue 13, point 9): the qualification review form of one
candidacy and the candidate list of a township, as A4 print pages and as XLSX named for
what they hold; every download is named by core.exports.export_filename."""

import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from candidates.choices import Stage
from core.access import Role
from tests.factories import PersonFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def filename(response) -> str:
    header = response["Content-Disposition"]
    assert 'filename="' in header  # the ASCII fallback for old clients
    return unquote(header.split("filename*=UTF-8''")[1])


def test_the_qualification_form_is_an_a4_paper_with_the_review_so_far(
    client, official, viewer, village, term, advance
):
    candidacy = CandidacyFactory(
        village=village, term=term, person=PersonFactory(village=village, name="李秀英")
    )
    advance(candidacy, Stage.ORGANIZATION_DEPARTMENT)
    client.force_login(official)
    detail = client.get(candidacy.get_absolute_url()).content.decode()
    url = reverse("candidates:qualification-form", args=[candidacy.pk])
    assert url in detail
    html = client.get(url).content.decode()
    assert "村(社区)“两委”人选资格审查表" in html and "李秀英" in html
    assert candidacy.person.id_number in html  # the official enters and checks it
    assert "2021-05" in html  # the meeting's minute number
    assert "公安" in html and "css/print.css" in html and "data-print" in html
    css = (ROOT / "static/css/print.css").read_text()
    assert "@page" in css and "size: A4" in css and "@media print" in css
    client.force_login(viewer)
    assert candidacy.person.id_number not in client.get(url).content.decode()


def test_the_form_of_another_townships_candidacy_is_not_found(client, make_user, other_village):
    candidacy = CandidacyFactory(village=other_village)
    client.force_login(make_user(Role.TOWNSHIP_OFFICIAL))
    response = client.get(reverse("candidates:qualification-form", args=[candidacy.pk]))
    assert response.status_code == 404


def test_the_meeting_list_of_a_township_prints_and_exports_named_for_what_it_holds(
    client, official, township, village, other_village, term
):
    CandidacyFactory(village=village, term=term, person=PersonFactory(name="王建国"))
    CandidacyFactory(
        village=village, term=term, person=PersonFactory(name="张退出"), stage=Stage.WITHDRAWN
    )
    CandidacyFactory(village=other_village, term=term, person=PersonFactory(name="赵别镇"))
    client.force_login(official)
    listing = client.get(reverse("candidates:candidacy-list")).content.decode()
    assert reverse("candidates:candidate-list") in listing
    url = reverse("candidates:candidate-list") + f"?term=2021&township={township.pk}"
    html = client.get(url).content.decode()
    assert "王建国" in html and "张退出" not in html and "赵别镇" not in html
    assert "landscape" in html and "data-print" in html
    response = client.get(url + "&format=xlsx")
    assert filename(response) == "吉昌镇-2021-“两委”人选名单.xlsx"
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["王建国"]


def test_results_are_named_for_the_county_and_the_term(client, organizer, village, term):
    ElectionFactory(village=village, term=term)
    client.force_login(organizer)
    response = client.get(
        reverse("elections:export", kwargs={"what": "results", "fmt": "xlsx"}) + "?term=2021"
    )
    assert filename(response) == "吉县-2021-选举结果.xlsx"


def test_the_papers_read_in_english(client, official, village, term, advance):
    from tests.english import chinese_chrome, in_english

    candidacy = CandidacyFactory(village=village, term=term)
    advance(candidacy, Stage.JOINT_REVIEW)
    client = in_english(client, official)
    for url in (
        reverse("candidates:qualification-form", args=[candidacy.pk]),
        reverse("candidates:candidate-list") + "?term=2021",
    ):
        html = client.get(url).content.decode()
        assert chinese_chrome(html) == [], url

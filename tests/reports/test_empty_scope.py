"""A scope with nothing to report answers every reports page, workbook, API endpoint and the
command with zeros and empty tables, never a 500: a village merged before the term, a
township with no villages, a township whose villages were all merged away, a term with
nothing recorded, a county with no townships."""

import datetime as dt
import io
import json
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.access import Role
from reports import selectors
from reports.api.urls import router
from reports.choices import FilingState
from reports.models import CountyFiling, TownshipFiling
from reports.urls import urlpatterns as page_patterns
from tests.factories import CountyFactory, TermFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

SCOPES = ("merged_village", "bare_township", "merged_township", "empty_term", "empty_county")


def _merge(village, into, on):
    village.merged_into, village.merged_on, village.is_active = into, on, False
    village.save()


@pytest.fixture(params=SCOPES)
def empty(request, county, township, other_township, make_user):
    """The scope, its term, who edits it and who decides at the county."""
    TermFactory(year=2018)
    term = TermFactory(year=2021)
    dongguan = VillageFactory(township=township, code="141028100201", name="东关村")
    VillageFactory(township=other_township, code="141028101201", name="西坪村")
    organizer = make_user(Role.COUNTY_ORGANIZER)
    kind = request.param
    found = SimpleNamespace(kind=kind, term=term, organizer=organizer, village=None)
    if kind == "merged_village":
        nanping = VillageFactory(township=township, code="141028100202", name="南坪村")
        _merge(nanping, dongguan, dt.date(2020, 6, 30))
        found.village, found.township, found.code = nanping, township, nanping.code
        found.editor = make_user(Role.TOWNSHIP_OFFICIAL)
    elif kind in ("bare_township", "merged_township"):
        bare = TownshipFactory(county=county, code="141028102", name="中垛乡")
        if kind == "merged_township":
            for number, name in ((1, "上村"), (2, "下村")):
                gone = VillageFactory(township=bare, code=f"14102810220{number}", name=name)
                _merge(gone, dongguan, dt.date(2019, 12, 31))
        found.township, found.code = bare, bare.code
        found.editor = make_user(Role.TOWNSHIP_OFFICIAL, township=bare)
    elif kind == "empty_term":
        found.term = TermFactory(year=2024)
        found.township, found.code, found.editor = None, county.code, organizer
    else:
        other = CountyFactory(code="141029", name="乡宁县")
        found.organizer = found.editor = make_user(Role.COUNTY_ORGANIZER, county=other)
        found.township, found.code = None, other.code
    return found


def _zero_totals(data: dict) -> None:
    assert data["voting"]["voted"] == 0 and data["voting"]["turnout_percent"] is None
    assert data["registration"]["registered"] == 0
    assert data["committees"]["members"] == 0
    assert data["committees"]["villagers"]["seats"] == 0
    assert data["groups_and_representatives"]["representatives_percent"] is None
    assert data["supervision"]["committees"] == 0
    assert data["leaving_audits"]["outgoing"] == 0
    assert data["elected"] == data["recalls"] == data["by_elections"] == []


def test_selector_command_and_api_give_zeros(empty, api, tmp_path):
    data = selectors.report(selectors.scope_for_code(empty.code), empty.term)
    _zero_totals(data)
    assert data["voting"]["rows"] == [] or empty.kind == "empty_term"

    out, path = io.StringIO(), tmp_path / "empty.xlsx"
    call_command(
        "election_report",
        term=empty.term.year,
        scope=empty.code,
        json=True,
        xlsx=str(path),
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert list(printed) == list(selectors.JSON_KEYS)
    _zero_totals(printed)
    sheet = openpyxl.load_workbook(path)["表二 投票情况"]
    totals = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    assert sheet.cell(totals["合计"], 5).value == 0  # 参加投票

    answer = api(empty.editor).get(f"/api/v1/reports/{empty.code}/{empty.term.year}/")
    assert answer.status_code == 200
    assert answer.json() == selectors.contract(data)


def _csv(text):
    handle = io.BytesIO(text.encode())
    handle.name = "empty.csv"
    return handle


def _walk_pages(client, empty) -> set[str]:
    """GET (and POST where it is a step) every page of the reports app for the scope; the
    names of the URLs walked."""
    year = empty.term.year
    walked = set()

    def get(name, args, query="", status=200):
        response = client.get(reverse(f"reports:{name}", args=args) + query)
        assert response.status_code == status, (name, response.status_code)
        walked.add(name)
        return response

    board = get("board", [], f"?term={year}")
    assert "报表" in board.content.decode()
    page = get("report", [empty.code, year]).content.decode()
    assert "表二 投票情况" in page and "合计" in page
    xlsx = get("report", [empty.code, year], "?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue()))
    by_elections = book["表九 补选"]
    assert [by_elections["A5"].value, by_elections["B5"].value] == ["合计", "0 人"]
    assert by_elections.max_row == 5  # the headers and the total, no rows
    if empty.village is not None:
        page = get("village", [empty.village.pk, year]).content.decode()
        assert "选举统计明细" in page
        get("groups-upload", [empty.village.pk, year])
        get("groups-upload", [empty.village.pk, year], "?template=1")
        upload = _csv("姓名,性别,中共党员,推选方式,村民小组\n")
        response = client.post(
            reverse("reports:groups-upload", args=[empty.village.pk, year]), {"file": upload}
        )
        assert response.status_code in (302, 400), response.status_code
        registry_page = client.get(empty.village.get_absolute_url()).content.decode()
        assert reverse("reports:village", args=[empty.village.pk, year]) in registry_page
    if empty.township is not None:
        get("details-upload", [empty.township.pk, year])
        get("details-upload", [empty.township.pk, year], "?template=1")
        upload = _csv("村(社区)代码,户籍在本村并居住,选民名单公布日期,秘密写票处\n")
        response = client.post(
            reverse("reports:details-upload", args=[empty.township.pk, year]), {"file": upload}
        )
        assert response.status_code in (302, 400), response.status_code
        submitted = client.post(
            reverse("reports:filing-action", args=[empty.township.pk, year, "submit"]),
            follow=True,
        )
        assert submitted.status_code == 200
        if empty.kind == "merged_village":  # 东关村 of the same township has no election
            assert "没有经审核确认的" in submitted.content.decode()
        else:  # a township with nothing to report files its zeros
            assert "已上报：中垛乡" in submitted.content.decode()
        walked.add("filing-action")
    return walked


def test_every_page_answers_an_empty_scope(empty, client):
    client.force_login(empty.editor)
    walked = _walk_pages(client, empty)
    year = empty.term.year
    township = empty.township
    filing = TownshipFiling.objects.filter(township=township, term=empty.term).first()
    if filing is not None and filing.data:
        assert filing.state == FilingState.SUBMITTED
        _zero_totals(filing.data)
        xlsx = client.get(reverse("reports:filed-xlsx", args=["township", filing.pk]))
        assert xlsx.status_code == 200
        walked.add("filed-xlsx")

    client.force_login(empty.organizer)
    if filing is not None and filing.data:
        for step in ("unlock", "accept"):
            response = client.post(
                reverse("reports:filing-action", args=[township.pk, year, step]),
                {"reason": "核对"},
            )
            assert response.status_code == 302
    assert client.get(reverse("reports:board") + f"?term={year}").status_code == 200
    response = client.post(reverse("reports:county-file", args=[year]))
    assert response.status_code == 302
    walked.add("county-file")
    county_filing = CountyFiling.objects.filter(term=empty.term).first()
    if county_filing is not None:
        xlsx = client.get(reverse("reports:filed-xlsx", args=["county", county_filing.pk]))
        assert xlsx.status_code == 200
    assert client.get(reverse("reports:board") + f"?term={year}").status_code == 200

    # the walk above (with the other scopes) covers the reports app's every page
    if empty.kind == "merged_village":
        missing = {p.name for p in page_patterns} - walked - {"filed-xlsx", "details-upload"}
        assert not missing, missing


def test_every_api_list_answers_an_empty_scope(empty, api):
    client = api(empty.editor)
    for prefix, _viewset, basename in router.registry:
        response = client.get(reverse(f"{basename}-list"))
        assert response.status_code == 200, prefix
        assert response.json()["results"] == [] or prefix == "reports/filings"

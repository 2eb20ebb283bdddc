"""The doors: the command's JSON contract and workbook, the pages, the API and the upload."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.access import Role
from reports import selectors
from reports.models import ElectionDetail, Representative

from .builders import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(township, other_township):
    return build_county(township, other_township)


def test_command_prints_exactly_the_documented_keys(built, county, tmp_path):
    out = io.StringIO()
    path = tmp_path / "county.xlsx"
    call_command(
        "election_report", term=2021, scope="141028", json=True, xlsx=str(path), stdout=out
    )
    data = json.loads(out.getvalue())
    assert list(data) == list(selectors.JSON_KEYS)
    assert data["scope"] == "141028" and data["voting"]["voted"] == 1100
    assert set(data["checks"][0]) == {"code", "level", "message"}

    book = openpyxl.load_workbook(path)
    sheet = book["表二 投票情况"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert "填报单位：吉县（141028）" in sheet["A2"].value
    assert "填表人" in sheet.oddFooter.left.text
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:F3"} <= merged  # two-row header, grouped columns
    assert sheet["C4"].value == "选举村数（个）"
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    assert sheet.cell(rows["合计"], 5).value == 1100  # 参加投票
    assert sheet.cell(rows["吉昌镇"], 5).value == 800
    assert "表三 当选人员" in book.sheetnames and "表九 补选" in book.sheetnames


def test_a_name_that_looks_like_a_formula_stays_text(built, county, tmp_path):
    built.by_election.person.name = "=cmd|' /C calc'!A0"
    built.by_election.person.save()
    path = tmp_path / "c.xlsx"
    call_command(
        "election_report", term=2021, scope="141028101", xlsx=str(path), stdout=io.StringIO()
    )
    sheet = openpyxl.load_workbook(path)["表九 补选"]
    assert sheet["G5"].value == "'=cmd|' /C calc'!A0"


def test_pages_for_the_official_and_refusals(client, built, official, make_user, other_township):
    client.force_login(official)
    page = client.get(reverse("reports:village", args=[built.dongguan.pk, 2021]))
    assert page.status_code == 200 and "选举统计明细" in page.content.decode()
    # another township's village is not found, whatever the role may do
    assert client.get(reverse("reports:village", args=[built.xiping.pk, 2021])).status_code == 404
    report = client.get(reverse("reports:report", args=["141028100", 2021]))
    assert report.status_code == 200 and "表二 投票情况" in report.content.decode()
    assert client.get(reverse("reports:report", args=["141028", 2021])).status_code == 404
    village_page = client.get(built.dongguan.get_absolute_url()).content.decode()
    assert reverse("reports:village", args=[built.dongguan.pk, 2021]) in village_page
    xlsx = client.get(reverse("reports:report", args=["141028100", 2021]) + "?format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.getvalue()))["表一 选举委员会和选民登记"]


def test_a_late_voter_list_is_refused_with_the_rule(client, built, official):
    client.force_login(official)
    election = built.dongguan.elections.get(body="villagers")
    name = f"election_{election.pk}"
    detail = ElectionDetail.objects.get(election=election)
    fields = {
        f"{name}-{key}": value
        for key, value in {
            "registered_resident": 900,
            "registered_away": 80,
            "registered_admitted": 20,
            "registered_women": 1,
            "registered_party": 1,
            "registered_minorities": 0,
            "list_posted_on": str(election.held_on),
            "sittings": 1,
            "sub_venues": 0,
            "ballot_boxes": 1,
            "mobile_boxes": 0,
            "mobile_voters": 0,
            "booths": 1,
            "proxy_voters": 0,
            "proxy_carriers": 0,
            "max_proxies_per_carrier": 0,
            "written_for_others": 0,
            "counted_in_public": "on",
            "announced_on_spot": "on",
            **{
                k: 0
                for k in (
                    "added_of_age",
                    "added_moved_in",
                    "added_restored",
                    "added_other",
                    "removed_died",
                    "removed_moved_out",
                    "removed_deprived",
                    "removed_other",
                )
            },
        }.items()
    }
    response = client.post(
        reverse("reports:village", args=[built.dongguan.pk, 2021]), {"form": name, **fields}
    )
    assert response.status_code == 400
    assert "20 日前公布" in response.content.decode()
    detail.refresh_from_db()
    assert detail.registered_women == 480  # nothing saved


def test_viewer_reads_but_cannot_write(client, built, viewer):
    client.force_login(viewer)
    url = reverse("reports:village", args=[built.dongguan.pk, 2021])
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "group", "group-name": "北组"}).status_code == 403


def test_api_reads_per_scope_and_writes_through_the_services(api, built, official, make_user):
    client = api(make_user(Role.API_CLIENT))
    data = client.get("/api/v1/reports/141028/2021/").json()
    assert list(data) == list(selectors.JSON_KEYS)
    mine = api(official)
    assert mine.get("/api/v1/reports/141028101/2021/").status_code == 404  # not their township
    election = built.dongguan.elections.get(body="villagers")
    row = ElectionDetail.objects.get(election=election)
    bad = mine.patch(f"/api/v1/reports/election-details/{row.pk}/", {"booths": 0}, format="json")
    assert bad.status_code == 400
    good = mine.patch(f"/api/v1/reports/election-details/{row.pk}/", {"booths": 3}, format="json")
    assert good.status_code == 200 and good.json()["booths"] == 3
    assert row.history.count() >= 2


def test_upload_replaces_representatives_all_or_nothing(client, built, official):
    client.force_login(official)
    url = reverse("reports:groups-upload", args=[built.dongguan.pk, 2021])
    bad = "姓名,性别,中共党员,推选方式,村民小组\n甲,女,是,村民小组推选,一组\n乙,未知,否,按户,一组\n"
    response = client.post(url, {"file": _file(bad)})
    assert response.status_code == 400
    assert "第 3 行「性别」列" in response.content.decode()
    assert Representative.objects.filter(village=built.dongguan).count() == 12
    good = bad.replace("未知", "男")
    response = client.post(url, {"file": _file(good)})
    assert response.status_code == 302
    assert Representative.objects.filter(village=built.dongguan).count() == 2


def _file(text, name="r.csv"):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def test_odd_addresses_and_ids_are_404_or_400_never_500(client, api, built, official):
    client.force_login(official)
    huge = "9" * 30
    assert client.get(f"/reports/141028100/{huge}/").status_code == 404
    assert client.get(f"/reports/village/{built.dongguan.pk}/{huge}/").status_code == 404
    url = reverse("reports:village", args=[built.dongguan.pk, 2021])
    assert client.post(url, {"form": f"election_{huge}"}).status_code == 404
    assert client.post(url, {"form": "leave", "leave-member": huge}).status_code == 400
    assert client.post(url, {"form": "nonsense"}).status_code == 404
    assert api(official).get(f"/api/v1/reports/141028100/{huge}/").status_code == 404


def test_registration_upload_is_all_or_nothing_with_row_and_column(client, built, official):
    client.force_login(official)
    url = reverse("reports:details-upload", args=[built.dongguan.township_id, 2021])
    assert client.get(url + "?template=1").status_code == 200
    header = "村(社区)代码,户籍在本村并居住,其中妇女,选民名单公布日期,秘密写票处,公开唱票计票,当场公布结果\n"
    late = header + "141028100201,950,470,2021-04-09,2,是,是\n"
    response = client.post(url, {"file": _file(late)})
    assert response.status_code == 400
    assert "第 2 行「选民名单公布日期」列" in response.content.decode()
    detail = ElectionDetail.objects.get(election__village=built.dongguan)
    assert detail.registered_resident == 900  # nothing saved
    unknown = (
        header + "141028100201,950,470,2021-03-01,2,是,是\n141028101201,1,0,2021-03-01,1,是,是\n"
    )
    response = client.post(url, {"file": _file(unknown)})
    assert "第 3 行「村(社区)代码」列" in response.content.decode()
    detail.refresh_from_db()
    assert detail.registered_resident == 900
    good = header + "141028100201,950,470,2021-03-01,2,是,是\n"
    assert client.post(url, {"file": _file(good)}).status_code == 302
    detail.refresh_from_db()
    assert (detail.registered_resident, detail.registered_women) == (950, 470)

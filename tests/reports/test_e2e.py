"""In real Chromium: a township files its report, the county returns it, the township corrects
the detail and files again, the county accepts it and downloads the county workbook, which
opens in openpyxl laid out as the government forms."""

import openpyxl
import pytest

from core.access import Role
from core.policy import SYSTEM
from elections.choices import Body, ElectionState, Post
from people.choices import Gender
from reports import services
from reports.choices import ChosenBy
from reports.models import Representative
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, base_url, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test-password-2026")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")
    return page


def _village_with_a_round(township):
    """东关村: both committees certified, the detail entered, no representatives yet."""
    import datetime as dt

    term = TermFactory(year=2021)
    village = VillageFactory(township=township, code="141028100201", name="东关村")
    for body, posts in (
        (Body.PARTY_COMMITTEE, (Post.SECRETARY, Post.MEMBER, Post.MEMBER)),
        (Body.VILLAGERS_COMMITTEE, (Post.DIRECTOR, Post.MEMBER, Post.MEMBER)),
    ):
        election = ElectionFactory(
            village=village, term=term, body=body, state=ElectionState.CERTIFIED
        )
        for index, post in enumerate(posts):
            person = PersonFactory(
                village=village,
                gender=Gender.FEMALE if index == 2 else Gender.MALE,
                birth_date=dt.date(1985, 1, 1 + index),
            )
            ElectionCandidateFactory(election=election, person=person, post=post, votes=600)
            SeatFactory(village=village, term=term, body=body, post=post, person=person)
        if body == Body.VILLAGERS_COMMITTEE:
            services.election_detail_save(
                election=election,
                actor=SYSTEM,
                registered_resident=1000,
                registered_women=490,
                list_posted_on=election.held_on - dt.timedelta(days=25),
            )
    for index in range(12):
        Representative.objects.create(
            village=village,
            term=term,
            name=f"代表{index}",
            chosen_by=ChosenBy.HOUSEHOLDS,
            gender=Gender.FEMALE if index < 6 else Gender.MALE,
        )
    return village, term


def test_township_files_county_returns_township_corrects_county_accepts_and_downloads(
    browser, live_server, make_user, township, tmp_path
):
    village, term = _village_with_a_round(township)
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    make_user(Role.COUNTY_ORGANIZER, username="zhang")
    official = _sign_in(browser, live_server.url, "wang")
    county = _sign_in(browser, live_server.url, "zhang")
    board = f"{live_server.url}/reports/?term=2021"

    official.goto(board)
    row = official.get_by_test_id("filing-141028100")
    assert row.get_by_test_id("state").inner_text() == "未填报"
    row.get_by_role("button", name="上报").click()
    assert (
        official.get_by_test_id("filing-141028100").get_by_test_id("state").inner_text() == "已上报"
    )

    county.goto(board)
    row = county.get_by_test_id("filing-141028100")
    row.get_by_placeholder("驳回原因").fill("未录入村民小组")
    row.get_by_role("button", name="驳回").click()
    assert "驳回原因：未录入村民小组" in county.get_by_test_id("filing-141028100").inner_text()

    # the township corrects the detail: the villager group it had left out
    official.goto(f"{live_server.url}/reports/village/{village.pk}/2021/")
    form = official.locator("form:has(input[name=form][value=group])")
    form.locator("[name=group-name]").fill("东组")
    form.locator("[name=group-leader_name]").fill("周组长")
    form.get_by_role("button", name="添加村民小组").click()
    assert "周组长" in official.get_by_test_id("representatives").inner_text()
    official.goto(board)
    official.get_by_test_id("filing-141028100").get_by_role("button", name="上报").click()
    assert (
        official.get_by_test_id("filing-141028100").get_by_test_id("state").inner_text() == "已上报"
    )

    county.goto(board)
    county.get_by_test_id("filing-141028100").get_by_role("button", name="接收").click()
    assert (
        county.get_by_test_id("filing-141028100").get_by_test_id("state").inner_text() == "已接收"
    )
    with county.expect_download() as download:
        county.get_by_test_id("county-xlsx").click()
    path = tmp_path / "county.xlsx"
    download.value.save_as(path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["表一 选举委员会和选民登记", "表二 投票情况", "表三 当选人员"]
    sheet = book["表五 村民小组和村民代表"]
    assert sheet.page_setup.orientation == "landscape"
    assert "A3:A4" in {str(r) for r in sheet.merged_cells.ranges}
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    representatives = [
        c for c in range(1, sheet.max_column + 1) if sheet.cell(4, c).value == "代表（人）"
    ][0]
    assert sheet.cell(rows["吉昌镇"], representatives).value == 12
    assert sheet.cell(rows["合计"], representatives).value == 12
    groups = [c for c in range(1, sheet.max_column + 1) if sheet.cell(4, c).value == "小组（个）"][
        0
    ]
    assert sheet.cell(rows["吉昌镇"], groups).value == 1
    county.screenshot(path="test-artifacts/reports-board.png", full_page=True)

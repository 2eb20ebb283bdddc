"""In real Chromium on a 390-px phone: a day of the round. A township official records a
visit and a problem, the liaison leader sees it on "my villages", the organizer watches the
board change as an election is certified, the evening report is built and shows the change;
the board page, the command and the API agree."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.policy import SYSTEM
from core.roles import Role
from elections.choices import Body, ElectionState, Post
from people.choices import Gender
from rounds import services
from rounds.models import ReportRead
from tests.factories import PersonFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test-password-2026")
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def cells(page, code):
    row = page.locator(f"[data-testid=board-row][data-village='{code}']")
    return {
        cell.get_attribute("data-step"): cell.get_attribute("data-status")
        for cell in row.locator("td[data-step]").all()
    }


def test_a_day_of_the_round(phone, make_user, round_, village, term):
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang", full_name="王专干")
    make_user(Role.COUNTY_ORGANIZER, username="zhang")
    leader = make_user(Role.LIAISON_LEADER, username="liu", full_name="刘县长")
    services.liaison_add(round_=round_, leader=leader, village=village, actor=SYSTEM)
    election = ElectionFactory(
        village=village,
        term=term,
        body=Body.VILLAGERS_COMMITTEE,
        held_on=timezone.localdate(),
        state=ElectionState.SUBMITTED,
    )
    for name, gender, votes, post in (
        ("张建国", Gender.MALE, 600, Post.DIRECTOR),
        ("李秀英", Gender.FEMALE, 520, Post.MEMBER),
        ("王海军", Gender.MALE, 450, Post.MEMBER),
        ("赵志强", Gender.MALE, 120, ""),
    ):
        person = PersonFactory(village=village, name=name, gender=gender)
        ElectionCandidateFactory(election=election, person=person, votes=votes, post=post)
    today = timezone.localdate().isoformat()
    page = phone

    # Morning: the township official records a visit and a problem from the phone.
    sign_in(page, "wang")
    page.goto(page.base_url + "/rounds/visits/")
    form = page.get_by_test_id("visit-form")
    form.locator("select[name=village]").select_option(label="东关村")
    form.locator("input[name=visited_on]").fill(today)
    form.locator("input[name=visitors]").fill("王专干、李干事")
    for name, value in {
        "households": 12,
        "people": 31,
        "forums": 1,
        "analysis_meetings": 1,
    }.items():
        form.locator(f"input[name={name}]").fill(str(value))
    with page.expect_navigation():
        form.get_by_role("button", name="保存").tap()
    line = page.get_by_test_id("visit-line").inner_text()
    assert line == "走访12户、31人，召开座谈会1次、分析研判会1次，排查重难点村0个"
    assert fits_the_phone(page)

    page.goto(page.base_url + "/rounds/problems/")
    form = page.get_by_test_id("problem-form")
    form.locator("select[name=village]").select_option(label="东关村")
    form.locator("select[name=source]").select_option("supervision")
    form.locator("select[name=category]").select_option("conflict")
    form.locator("textarea[name=description]").fill("两个家族在人选上意见分歧较大")
    form.locator("input[name=owner]").fill("吉昌镇党委")
    form.locator("input[name=deadline]").fill(today)
    with page.expect_navigation():
        form.get_by_role("button", name="登记").tap()
    assert page.get_by_test_id("problem-state").inner_text() == "已交办"

    # The liaison leader sees it among their villages.
    sign_in(page, "liu")
    page.goto(page.base_url + "/rounds/mine/")
    assert "两个家族在人选上意见分歧较大" in page.get_by_test_id("problem-table").inner_text()
    assert cells(page, village.code)["villagers_election"] == "in_progress"
    assert fits_the_phone(page)

    # The organizer watches the board change as the election is certified.
    sign_in(page, "zhang")
    page.goto(page.base_url + "/rounds/")
    assert cells(page, village.code)["villagers_election"] == "in_progress"
    assert fits_the_phone(page)
    page.on("dialog", lambda dialog: dialog.accept())  # certifying asks first
    page.goto(page.base_url + election.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="审核确认（生成任职）").tap()
    assert page.get_by_test_id("election-state").inner_text() == "已审核确认"
    page.goto(page.base_url + "/rounds/")
    on_page = cells(page, village.code)
    assert on_page["villagers_election"] == "done"
    page.screenshot(path="test-artifacts/rounds-board-phone.png", full_page=True)

    # The board, the command and the API agree.
    out = StringIO()
    call_command("round_board", "--term", str(term.year), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert next(v for v in printed["villages"] if v["code"] == village.code)["steps"] == on_page
    from_api = page.request.get(page.base_url + f"/api/v1/rounds/board/?term={term.year}")
    assert from_api.json() == printed

    # Evening: the report is built and shows the change; opening it is recorded.
    page.goto(page.base_url + "/rounds/reports/")
    with page.expect_navigation():
        page.get_by_test_id("build-daily").tap()
    assert "东关村：村(居)委会选举完成" in page.get_by_test_id("report-moved").inner_text()
    assert fits_the_phone(page)
    page.wait_for_load_state("networkidle")  # the page tells the server it was opened
    page.reload()
    assert "zhang" in page.get_by_test_id("report-reads").inner_text()
    assert ReportRead.objects.filter(user__username="zhang").exists()

"""In real Chromium: one nominee from nomination to approval, across every role."""

import datetime as dt

import pytest

from accounts.choices import Department
from candidates import services
from core.access import Role
from core.policy import SYSTEM
from tests.factories import TermFactory, VillageFactory, make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch_user(page, login, username):
    if page.locator("[data-testid=logout]").count():
        page.click("[data-testid=logout]")
        page.wait_for_load_state()
    login(username)


def decide(page, outcome="pass", meeting=None):
    form = page.locator("[data-testid=decision-form]")
    form.locator(f"input[name=outcome][value={outcome}]").check()
    if meeting:
        form.locator("input[name=meeting_date]").fill(meeting[0])
        form.locator("input[name=minute_number]").fill(meeting[1])
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_nominee_travels_from_nomination_to_approval(page, login, make_user, county, township):
    TermFactory(year=2021)
    VillageFactory(township=township, name="东关村", code="141028100201")
    for department in Department:
        keep = department in (Department.POLICE, Department.ORGANIZATION)
        services.review_department_set(
            county=county,
            department=department,
            takes_part=keep,
            required=keep,
            actor=SYSTEM,
        )
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang", full_name="吉昌镇 王专干")
    make_user(
        Role.DEPARTMENT_REVIEWER,
        username="liu",
        department=Department.POLICE,
        full_name="公安局 刘审查",
    )
    make_user(
        Role.DEPARTMENT_REVIEWER,
        username="zhou",
        department=Department.ORGANIZATION,
        full_name="组织部 周审查",
    )
    make_user(Role.COUNTY_ORGANIZER, username="zhang", full_name="组织部 张组织")
    number = make_id_number(dt.date(1987, 9, 12), "F")

    # Decisions and sign-offs ask first (data-confirm); this walk says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    # The township official nominates: the ID number fills birth date and gender.
    login("wang")
    page.click("[data-testid=card-candidates]")
    page.click("[data-testid=nominate]")
    form = page.locator("[data-testid=nomination-form]")
    form.locator("select[name=village]").select_option(label="东关村")
    form.locator("select[name=post]").select_option("party:secretary")
    form.locator("select[name=source]").select_option("recruited_back")
    form.locator("input[name=id_number]").fill(number)
    assert form.locator("input[name=birth_date]").input_value() == "1987-09-12"
    assert form.locator("select[name=gender]").input_value() == "F"
    form.locator("input[name=name]").fill("孙秀英")
    form.locator("select[name=political_status]").select_option("party_member")  # a party post
    form.locator("select[name=rating_political]").select_option("excellent")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("stage").inner_text() == "摸排提名"
    candidacy_url = page.url

    decide(page)  # nomination done: to preliminary review
    assert page.get_by_test_id("stage").inner_text() == "预审"
    decide(page)  # preliminary review passed: to joint review
    assert page.get_by_test_id("stage").inner_text() == "资格联审"
    assert (
        "尚未出具意见的部门：公安、组织" in page.get_by_test_id("blockers").inner_text()
        or "尚未出具意见的部门：组织、公安" in page.get_by_test_id("blockers").inner_text()
    )

    # The police reviewer signs off from the queue page; no phone. The whole ID number is
    # theirs to check against their records in their own queue (rule candidacy.see_id_number).
    switch_user(page, login, "liu")
    page.click("[data-testid=nav-review]")
    table = page.get_by_test_id("review-table")
    assert "孙秀英" in table.inner_text() and number in table.inner_text()
    table.get_by_role("link", name="审查").click()
    page.locator("[data-testid=sign-off-form] input[name=outcome][value=pass]").check()
    page.locator("[data-testid=sign-off-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "已出具意见" in page.content()

    # The organization department's reviewer bulk-passes the clean case.
    switch_user(page, login, "zhou")
    page.click("[data-testid=nav-review]")
    page.check("input[data-check-all]")
    page.click("[data-testid=bulk-pass]")
    page.wait_for_load_state()
    assert "已通过 1 人" in page.content()

    # The county organizer passes the joint review.
    switch_user(page, login, "zhang")
    page.goto(candidacy_url)
    assert not page.get_by_test_id("blockers").count()
    decide(page)
    assert page.get_by_test_id("stage").inner_text() == "乡镇党委会审"

    # Back to the township for its party committee meeting.
    switch_user(page, login, "wang")
    page.goto(candidacy_url)
    decide(page, meeting=("2021-03-02", "吉昌党委〔2021〕8 号"))
    assert page.get_by_test_id("stage").inner_text() == "组织部部务会审"

    # The county: organization department meeting, then the standing committee.
    switch_user(page, login, "zhang")
    page.goto(candidacy_url)
    decide(page, meeting=("2021-03-10", "部务会〔2021〕3 号"))
    assert page.get_by_test_id("stage").inner_text() == "县委常委会审"
    decide(page, meeting=("2021-03-16", "常委会〔2021〕5 号"))
    assert page.get_by_test_id("stage").inner_text() == "确定人选"

    timeline = page.get_by_test_id("timeline").inner_text()
    for step in (
        "摸排提名：通过",
        "预审：通过",
        "资格联审·公安：通过",
        "资格联审·组织：通过",
        "资格联审：通过",
        "乡镇党委会审：通过",
        "部务会〔2021〕3 号",
        "县委常委会审：通过 → 确定人选",
        "吉昌镇 王专干",
        "公安局 刘审查",
    ):
        assert step in timeline, step
    page.screenshot(path="test-artifacts/candidates-approved.png", full_page=True)

    page.goto(page.base_url + "/candidates/funnel/")
    assert page.get_by_test_id("funnel-total").inner_text() == "1"
    page.wait_for_timeout(300)
    page.screenshot(path="test-artifacts/candidates-funnel.png", full_page=True)

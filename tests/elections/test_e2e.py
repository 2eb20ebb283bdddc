"""In real Chromium: an official enters and submits a result, the organizer certifies it, and
the new team appears on the village page."""

import pytest

from core.access import Role
from elections.choices import ElectionState
from elections.models import Election
from people.choices import Gender
from tests.factories import PersonFactory, TermFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enter_submit_certify_and_see_the_team(page, login, make_user, village):
    TermFactory(year=2021)
    names = [
        ("张建国", Gender.MALE),
        ("李秀英", Gender.FEMALE),
        ("王海军", Gender.MALE),
        ("赵志强", Gender.MALE),
    ]
    people = [PersonFactory(village=village, name=n, gender=g) for n, g in names]
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    make_user(Role.COUNTY_ORGANIZER, username="zhang")

    page.on("dialog", lambda dialog: dialog.accept())  # certifying asks first
    login("wang")
    page.get_by_test_id("elections-card").click()
    page.get_by_test_id("new-election").click()
    form = page.get_by_test_id("election-form")
    form.locator("select[name=village]").select_option(label="东关村")
    form.locator("select[name=term]").select_option(label="2021 年届")
    form.locator("select[name=body]").select_option("villagers")
    form.locator("input[name=held_on]").fill("2021-04-10")
    for name, value in {
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
    }.items():
        form.locator(f"input[name={name}]").fill(str(value))
    form.get_by_role("button", name="保存").click()
    page.wait_for_url("**/edit/")
    votes = [
        (people[0], 600, "director"),
        (people[1], 520, "member"),
        (people[2], 450, "member"),
        (people[3], 120, ""),
    ]
    for index, (person, count, post) in enumerate(votes):
        page.locator(f"select[name=form-{index}-person]").select_option(str(person.pk))
        page.locator(f"input[name=form-{index}-votes]").fill(str(count))
        page.locator(f"select[name=form-{index}-post]").select_option(post)
    page.get_by_role("button", name="保存").click()
    page.screenshot(path="test-artifacts/elections-after-save.png", full_page=True)
    assert "各项检查均已通过" in page.get_by_test_id("findings").inner_text()
    page.get_by_role("button", name="上报县委组织部").click()
    assert page.get_by_test_id("election-state").inner_text() == "已上报"
    page.screenshot(path="test-artifacts/elections-submitted.png", full_page=True)

    page.context.clear_cookies()
    login("zhang")
    page.goto(page.base_url + Election.objects.get().get_absolute_url())
    page.get_by_role("button", name="审核确认（生成任职）").click()
    assert page.get_by_test_id("election-state").inner_text() == "已审核确认"
    assert Election.objects.get().state == ElectionState.CERTIFIED

    page.goto(page.base_url + village.get_absolute_url())
    team = page.get_by_test_id("village-team").inner_text()
    assert "张建国" in team and "李秀英" in team and "王海军" in team
    assert "赵志强" not in team
    page.screenshot(path="test-artifacts/elections-village-team.png", full_page=True)

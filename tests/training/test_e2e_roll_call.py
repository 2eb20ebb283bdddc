"""In real Chromium on a phone-sized screen: the roll call checks people in and records an
absence with its reason without reloading, and a second tap cannot check anyone in twice."""

import pytest
from django.urls import reverse

from core.access import Role
from tests.factories import PersonFactory
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory
from training.choices import EnrolmentStatus
from training.models import Enrolment

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
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test-password-2026")
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def test_roll_call_on_a_phone(phone, make_user, county, township, village):
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    session = TrainingSessionFactory(county=county, township=township, title="吉昌镇新任村干部培训")
    for name in ("张建国", "李秀英", "王志强"):
        EnrolmentFactory(session=session, person=PersonFactory(village=village, name=name))

    sign_in(phone, "wang")
    phone.goto(phone.base_url + reverse("training:roll-call", args=[session.pk]))
    rows = phone.get_by_test_id("rc-row")
    assert rows.count() == 3

    button = rows.filter(has_text="张建国").get_by_test_id("check-in")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb-sized, full-width button
    button.tap()
    first = rows.filter(has_text="张建国")
    first.get_by_test_id("rc-status").filter(has_text="已签到").wait_for()
    assert first.get_by_test_id("check-in").is_hidden()  # no second check-in from the page

    second = rows.filter(has_text="李秀英")
    second.get_by_test_id("absence-reason").fill("住院治疗")
    second.get_by_test_id("absent").tap()
    second.get_by_test_id("rc-status").filter(has_text="缺席").wait_for()
    assert "住院治疗" in second.inner_text()
    counts = phone.get_by_test_id("rc-counts").inner_text()
    assert "已签到 1" in counts and "缺席 1" in counts and "未记录 1" in counts

    # The name filter narrows the list as one types.
    phone.fill("[data-rc-search]", "王")
    assert rows.filter(has_text="张建国").is_hidden()
    phone.fill("[data-rc-search]", "")
    phone.screenshot(path="test-artifacts/training-roll-call-phone.png", full_page=True)

    statuses = dict(Enrolment.objects.values_list("person__name", "status"))
    assert statuses == {
        "张建国": EnrolmentStatus.ATTENDED,
        "李秀英": EnrolmentStatus.ABSENT,
        "王志强": EnrolmentStatus.INVITED,
    }
    # Reloading shows the same state: it was saved, not just drawn.
    phone.reload()
    assert "住院治疗" in phone.get_by_test_id("roll-call").inner_text()


def test_roll_call_works_without_javascript(
    browser, live_server, make_user, county, township, village
):
    make_user(Role.TOWNSHIP_OFFICIAL, username="zhao")
    session = TrainingSessionFactory(county=county, township=township)
    EnrolmentFactory(session=session, person=PersonFactory(village=village, name="赵六"))
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.base_url = live_server.url
    try:
        sign_in(page, "zhao")
        page.goto(page.base_url + reverse("training:roll-call", args=[session.pk]))
        page.get_by_test_id("check-in").click()
        page.wait_for_load_state()
        assert "赵六 已签到" in page.content()
        assert page.get_by_test_id("rc-status").inner_text() == "已签到"
    finally:
        context.close()

"""In real Chromium: a township official signs in and sees only their township's villages."""

import pytest

from core.access import Role
from tests.factories import VillageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_sees_own_villages_and_nobody_elses(page, login, make_user, township, other_township):
    VillageFactory(township=township, name="东关村", code="141028100201")
    VillageFactory(township=township, name="南坪村", code="141028100202")
    VillageFactory(township=other_township, name="西坪村", code="141028101201")
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")

    login("wang")
    assert page.get_by_test_id("scope").inner_text() == "吉昌镇"
    page.get_by_role("link", name="村(社区)", exact=True).first.click()
    table = page.get_by_test_id("village-table")
    assert "东关村" in table.inner_text() and "南坪村" in table.inner_text()
    assert "西坪村" not in table.inner_text()
    page.screenshot(path="test-artifacts/official-villages.png", full_page=True)


def test_language_switch_to_english(page, login, make_user):
    make_user(Role.COUNTY_ORGANIZER, username="zhang")
    login("zhang")
    page.click("button:has-text('English')")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button:has-text('中文')")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

"""In real Chromium: an organizer opens the composition dashboard, sees the charts drawn,
sorts the township table and drills down to a village's team."""

import pytest

from composition.services import composition_recompute
from core.access import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_organizer_reads_dashboard_table_and_team(page, login, make_user, small_county):
    composition_recompute(term_id=small_county.t2021.pk)
    make_user(Role.COUNTY_ORGANIZER, username="zhao")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login("zhao")
    page.get_by_test_id("composition-card").click()
    page.wait_for_selector("[data-chart] svg")  # drawn as SVG (static/js/composition.js)
    assert "41.13" in page.get_by_text("平均年龄").first.locator("xpath=..").inner_text()
    assert page.locator("[data-chart]:has(svg)").count() == 7
    assert "未达成" in page.get_by_test_id("targets").inner_text()
    page.screenshot(path="test-artifacts/composition-dashboard.png", full_page=True)
    page.get_by_test_id("table-link").click()
    table = page.get_by_test_id("children")
    assert "吉昌镇" in table.inner_text() and "屯里镇" in table.inner_text()
    page.get_by_role("link", name="吉昌镇").click()  # the township's own dashboard
    page.get_by_test_id("table-link").click()  # its villages side by side
    page.get_by_role("link", name="东关村").click()
    team = page.get_by_test_id("team")
    assert small_county.p1.name in team.inner_text()
    page.screenshot(path="test-artifacts/composition-village.png", full_page=True)
    assert errors == []

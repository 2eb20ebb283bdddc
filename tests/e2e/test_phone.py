"""In real Chromium at 390 px: a township official's key pages fit a phone — no sideways
scrolling, a compact header, lists as cards (issue 13, point 13)."""

import pytest

from core.access import Role
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory, SeatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEY_PAGES = {
    "home": "/",
    "village list": "/registry/villages/",
    "village page": "/registry/villages/{village}/",
    "candidacy list": "/candidates/",
    "election form": "/elections/new/",
    "election page": "/elections/{election}/",
}


def test_the_officials_key_pages_fit_a_390px_phone(browser, live_server, make_user, township):
    term = TermFactory(year=2021)
    village = VillageFactory(township=township, name="东关村", code="141028100201")
    VillageFactory(township=township, name="南坪村", code="141028100202")
    person = PersonFactory(village=village, name="欧阳晓东")
    SeatFactory(village=village, term=term, person=person)
    CandidacyFactory(village=village, term=term, person=person)
    election = ElectionFactory(village=village, term=term)
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "wang")
        page.fill("input[name=password]", "Test-password-2026")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        too_wide = {}
        for name, path in KEY_PAGES.items():
            page.goto(live_server.url + path.format(village=village.pk, election=election.pk))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                too_wide[name] = width
            page.screenshot(path=f"test-artifacts/phone/{name.replace(' ', '-')}.png")
        assert too_wide == {}
        # The header stays compact: the menu is folded away until asked for.
        page.goto(live_server.url + "/registry/villages/")
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] <= 120, header
        # A list is a pile of cards: a row's cells are stacked, each with its heading.
        cell = page.locator("[data-testid=village-table] tbody td").first
        assert cell.evaluate("td => getComputedStyle(td).display") != "table-cell"
        assert cell.get_attribute("data-label") == "区划代码"
        assert not page.locator("[data-testid=village-table] thead").is_visible()
    finally:
        context.close()

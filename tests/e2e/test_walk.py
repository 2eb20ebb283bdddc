"""The walk of issue 13 ("Done when"): a township official, a department reviewer and the
county organizer each work through their day in real Chromium, at 1366 px and on a 390-px
phone, over points 6–13 — the home work list, the person picker, correcting a nomination,
the papers, the reviewer's queue with whole ID numbers, an import in one pass, the
confirmation before an irreversible step, the phone layout. One browser session per role;
every step leaves a screenshot in test-artifacts/walk/ (kept by CI as artifacts)."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.choices import Department
from candidates import services as vetting
from candidates.choices import Stage
from candidates.models import Candidacy
from core.access import Role
from core.policy import SYSTEM
from elections.choices import ElectionState
from registry.models import Term
from tests.candidates.test_importers import HEADER
from tests.factories import PersonFactory, TermFactory, VillageFactory, make_id_number
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory
from tests.spreadsheets import xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-artifacts/walk")
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def county_in_the_round(county, township, other_township, make_user):
    """吉昌镇 with two villages, the 2021 term, names at the first stages and in joint
    review, one election waiting for the county; one user per role."""
    term = TermFactory(year=2021)
    east = VillageFactory(township=township, name="东关村", code="141028100201")
    west = VillageFactory(township=township, name="西关村", code="141028100202")
    VillageFactory(township=other_township, name="西坪村", code="141028101201")
    vetting.review_departments_ensure(county=county)
    for department in Department:
        keep = department == Department.POLICE
        vetting.review_department_set(
            county=county, department=department, takes_part=keep, required=keep, actor=SYSTEM
        )
    nominee = CandidacyFactory(
        village=east, term=term, person=PersonFactory(village=east, name="欧阳晓东")
    )
    in_review = CandidacyFactory(
        village=west,
        term=term,
        stage=Stage.JOINT_REVIEW,
        person=PersonFactory(village=west, name="司马红梅"),
    )
    PersonFactory(village=east, name="王伟", birth_date=dt.date(1980, 6, 15))
    PersonFactory(village=west, name="王伟", birth_date=dt.date(1991, 2, 3))
    election = ElectionFactory(village=east, term=term, state=ElectionState.SUBMITTED)
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    make_user(Role.DEPARTMENT_REVIEWER, username="liu", department=Department.POLICE)
    make_user(Role.COUNTY_ORGANIZER, username="zhang")
    return {
        "nominee": nominee,
        "in_review": in_review,
        "election": election,
        "east": east,
    }


class Walker:
    """One role's browser session: sign in once, go, look, and keep a screenshot."""

    def __init__(self, browser, base_url, username):
        self.context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base, self.username = base_url, username
        self.page.goto(base_url + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "Test-password-2026")
        self.page.click("button[type=submit]")
        self.page.wait_for_url(base_url + "/")

    def go(self, path):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name):
        width = self.page.viewport_size["width"]
        self.page.screenshot(
            path=str(SHOTS / f"{self.username}-{width}-{name}.png"), full_page=True
        )

    def phone(self):
        self.page.set_viewport_size(PHONE)

    def fits(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    def close(self):
        self.context.close()


def test_the_walk(browser, live_server, county_in_the_round, tmp_path):
    world = county_in_the_round
    SHOTS.mkdir(parents=True, exist_ok=True)
    _official(Walker(browser, live_server.url, "wang"), world, tmp_path)
    _reviewer(Walker(browser, live_server.url, "liu"), world)
    _organizer(Walker(browser, live_server.url, "zhang"), world)


def _official(walker, world, tmp_path):
    try:
        page = walker.page
        # 6. Home is a work list: what waits for the official, with counts and links.
        expect(page.get_by_test_id("worklist")).to_be_visible()
        assert page.locator("[data-testid=worklist] a").count() >= 1
        walker.shot("home")
        # 7. Finding a person: the picker searches as one types and tells namesakes apart.
        walker.go("/training/mentorships/new/")
        picker = page.locator("select[name=mentees] + .ts-wrapper")
        picker.locator("input").fill("王伟")
        options = page.locator(".ts-dropdown .option", has_text="王伟")
        expect(options).to_have_count(2)
        assert any("西关村" in text for text in options.all_inner_texts())
        walker.shot("person-picker")
        # 8. Correcting instead of re-doing: the nomination's own edit page, before review.
        nominee = world["nominee"]
        walker.go(nominee.get_absolute_url())
        edit = page.locator(f"a[href='/candidates/{nominee.pk}/edit/']")
        if edit.count():
            edit.first.click()
            page.wait_for_load_state()
            assert page.locator("form select[name=post]").count() == 1
            walker.shot("edit-nomination")
        # 9. Papers: the qualification review form and the township's meeting list.
        walker.go(nominee.get_absolute_url())
        page.get_by_test_id("qualification-form-link").click()
        expect(page.get_by_test_id("qualification-form")).to_contain_text("欧阳晓东")
        walker.shot("qualification-form")
        walker.go("/candidates/")
        page.get_by_test_id("meeting-list").click()
        expect(page.get_by_test_id("candidate-list")).to_contain_text("欧阳晓东")
        with page.expect_download() as download:
            page.get_by_test_id("list-xlsx").click()
        assert download.value.suggested_filename.endswith("-2021-“两委”人选名单.xlsx")
        walker.shot("meeting-list")
        # 11. Imports in one pass: a dry run passes, "import now" imports the same file.
        sheet = tmp_path / "nominees.xlsx"
        row = ["吉昌镇", "东关村", 2021, "村委会主任", "王好", make_id_number(dt.date(1985, 1, 1))]
        row += ["后备干部", "", ""][: len(HEADER) - len(row)]
        sheet.write_bytes(xlsx([HEADER, row]))
        walker.go("/candidates/import/")
        page.set_input_files("input[name=file]", str(sheet))
        page.check("input[name=dry_run]")
        page.locator("form button[type=submit]").last.click()
        page.get_by_test_id("import-now-button").click()
        page.wait_for_load_state()
        assert Candidacy.objects.filter(person__name="王好").exists()
        walker.shot("imported")
        # 13. The phone: the official's key pages fit 390 px.
        walker.phone()
        for name, path in (
            ("home", "/"),
            ("villages", "/registry/villages/"),
            ("village", world["east"].get_absolute_url()),
            ("candidacies", "/candidates/"),
            ("election-form", "/elections/new/"),
        ):
            walker.go(path)
            assert walker.fits(), name
            walker.shot(name)
    finally:
        walker.close()


def _reviewer(walker, world):
    try:
        page = walker.page
        # 6 and 10. The reviewer's work: sign-offs due, the queue with whole ID numbers.
        walker.shot("home")
        walker.go("/candidates/review/")
        person = world["in_review"].person
        expect(page.get_by_test_id("review-table")).to_contain_text(person.id_number)
        # 12. Bulk decisions ask first, naming how many; saying no changes nothing.
        asked = []
        page.check("input[data-check-all]")
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_test_id("bulk-pass").click()
        assert asked and "1" in asked[0]
        walker.shot("queue")
        walker.phone()
        walker.go("/candidates/review/")
        assert walker.fits()
        walker.shot("queue")
    finally:
        walker.close()


def _organizer(walker, world):
    try:
        page = walker.page
        walker.shot("home")
        # 12. Certifying asks first and names what will happen; saying no keeps it submitted.
        election = world["election"]
        walker.go(election.get_absolute_url())
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_test_id("certify").click()
        assert asked and "东关村" in asked[0]
        election.refresh_from_db()
        assert election.state == ElectionState.SUBMITTED
        walker.shot("certify-asks")
        # 15. Opening the next round from the browser.
        walker.go("/registry/terms/")
        page.get_by_test_id("term-open").click()
        page.fill("input[name=year]", "2026")
        page.fill("input[name=reference_date]", "2026-12-31")
        page.fill("input[name=starts_on]", "2027-01-01")
        page.fill("input[name=ends_on]", "2031-12-31")
        page.locator("[data-testid=term-form] button[type=submit]").click()
        expect(page.get_by_test_id("term-table")).to_contain_text("2026")
        assert Term.objects.filter(year=2026).exists()
        walker.shot("round-opened")
        walker.go("/candidates/funnel/?term=2021")
        walker.shot("funnel")
        walker.phone()
        walker.go("/candidates/funnel/?term=2021")
        assert walker.fits()
        walker.shot("funnel")
    finally:
        walker.close()

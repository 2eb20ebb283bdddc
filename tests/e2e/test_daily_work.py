"""In real Chromium: the daily work of issue 13 — irreversible steps ask first, a person is
found by typing, and a dry-run import is imported without choosing the file again."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.choices import Department
from candidates.choices import Stage
from candidates.models import SignOff
from core.access import Role
from tests.factories import TermFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_bulk_sign_off_asks_first_naming_how_many_and_a_blocked_step_looks_disabled(
    page, login, make_user, village
):
    term = TermFactory(year=2021)
    CandidacyFactory(village=village, term=term, stage=Stage.JOINT_REVIEW)
    make_user(Role.DEPARTMENT_REVIEWER, username="liu", department=Department.POLICE)
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    login("liu")
    page.goto(page.base_url + "/candidates/review/")
    page.check("input[data-check-all]")
    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("[data-testid=bulk-pass]")
    assert "勾选的 1 人" in asked[0] and "不能修改" in asked[0]
    assert not SignOff.objects.exists()  # saying no changes nothing

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("[data-testid=bulk-pass]")
    page.wait_for_load_state()
    assert "已通过 1 人" in page.content()
    assert SignOff.objects.count() == 1

    # A draft without candidates cannot be submitted: the button is disabled and looks it.
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    election = ElectionFactory(village=village, term=term)
    page.context.clear_cookies()
    login("wang")
    page.goto(page.base_url + election.get_absolute_url())
    submit = page.get_by_test_id("submit")
    assert submit.is_disabled()
    style = submit.evaluate("b => [getComputedStyle(b).cursor, getComputedStyle(b).color]")
    assert style == ["not-allowed", "rgb(138, 138, 138)"]


def test_a_person_is_found_by_typing_and_namesakes_are_told_apart(
    page, login, make_user, village, other_village
):
    from tests.factories import PersonFactory, VillageFactory

    second = VillageFactory(township=village.township, name="西关村", code="141028100202")
    first = PersonFactory(village=village, name="王伟", birth_date=dt.date(1980, 6, 15))
    wanted = PersonFactory(village=second, name="王伟", birth_date=dt.date(1991, 2, 3))
    PersonFactory(village=other_village, name="王伟")  # another township: not offered
    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on("request", lambda r: blocked.append(r.url) if first.id_number in r.url else None)

    login("wang")
    page.goto(page.base_url + "/training/mentorships/new/")
    picker = page.locator("select[name=mentees] + .ts-wrapper")
    picker.locator("input").fill("王伟")
    options = page.locator(".ts-dropdown .option", has_text="王伟")
    expect(options).to_have_count(2)
    texts = options.all_inner_texts()
    assert any("西关村" in t and "1991 年生" in t and wanted.id_number[-4:] in t for t in texts)
    page.locator(".ts-dropdown .option", has_text="西关村").click()
    selected = page.locator("select[name=mentees]").evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.value)"
    )
    assert selected == [str(wanted.pk)]

    # An ID number typed into the picker is posted, never put in a URL.
    picker.locator("input").fill(first.id_number)
    expect(page.locator(".ts-dropdown .option", has_text="东关村")).to_have_count(1)
    assert blocked == []

    # The village filter follows the township chosen.
    page.goto(page.base_url + "/candidates/")
    page.select_option("select[name=township]", label="吉昌镇")
    villages = page.locator("select[name=village] option:not([hidden])").all_inner_texts()
    assert "东关村" in villages and "西坪村" not in villages


def test_a_checked_file_is_imported_without_choosing_it_again(page, login, make_user, township):
    from registry.models import Village
    from tests.registry.test_import_villages import HEADER
    from tests.spreadsheets import xlsx

    make_user(Role.TOWNSHIP_OFFICIAL, username="wang")
    login("wang")
    page.goto(page.base_url + "/registry/villages/import/")
    content = xlsx([HEADER, ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""]])
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "村名单.xlsx", "mimeType": "application/octet-stream", "buffer": content}],
    )
    page.check("input[name=dry_run]")
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.get_by_test_id("import-now")).to_contain_text("村名单.xlsx")
    assert not Village.objects.exists()
    page.get_by_test_id("import-now-button").click()
    page.wait_for_load_state()
    assert "导入成功" in page.content()
    assert Village.objects.get().name == "东关村"

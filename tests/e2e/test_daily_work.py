"""In real Chromium: the daily work of issue 13 — irreversible steps ask first, a person is
found by typing, and a dry-run import is imported without choosing the file again."""

import pytest

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

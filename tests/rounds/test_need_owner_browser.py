"""In real Chromium: the 开门办事 form offers as owner only the sitting members of the village
chosen above it (static/js/rounds.js), and the need is saved with the member picked."""

import datetime as dt

import pytest
from django.utils import timezone

from rounds.models import Problem
from tests.factories import PersonFactory, VillageFactory
from tests.factories.elections import SeatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_owner_select_follows_the_village(page, login, official, round_, village, term):
    second = VillageFactory(township=village.township, name="南塬村")
    zhang = SeatFactory(
        village=village, term=term, person=PersonFactory(village=village, name="张建国")
    ).person
    SeatFactory(village=second, term=term, person=PersonFactory(village=second, name="南塬人"))
    login(official.username)
    page.goto(page.base_url + "/rounds/problems/")
    form = page.locator("[data-testid=problem-form]")
    owner = form.locator("select[name=owner_person]")
    visible = "(s) => [...s.options].filter(o => o.value && !o.hidden).map(o => o.text)"
    form.locator("select[name=village]").select_option(str(second.pk))
    assert owner.evaluate(visible) == ["南塬人（委员）"]
    form.locator("select[name=village]").select_option(str(village.pk))
    assert owner.evaluate(visible) == ["张建国（委员）"]
    form.locator("select[name=kind]").select_option("need")
    form.locator("select[name=source]").select_option("residents")
    form.locator("select[name=category]").select_option("livelihood")
    form.locator("textarea[name=description]").fill("路灯不亮")
    owner.select_option(str(zhang.pk))
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    form.locator("input[name=deadline]").fill(deadline)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/rounds/problems/*/")
    assert page.locator("[data-testid=problem-owner]").inner_text() == "张建国"
    assert Problem.objects.get().owner_person == zhang

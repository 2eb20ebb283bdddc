"""add_term and load_demo, the commands other tools rely on."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from people.models import Person
from registry.models import Term, Township, Village
from tests.reports.demo_checks import the_election_forms_are_full

pytestmark = pytest.mark.django_db


def test_add_term_creates_then_updates(capsys):
    call_command("add_term", "2021", "--reference-date", "2021-04-30")
    call_command("add_term", "2021", "--reference-date", "2021-05-31")
    out = capsys.readouterr().out
    assert "已创建 2021 年届" in out and "已更新 2021 年届" in out
    assert Term.objects.get().reference_date == dt.date(2021, 5, 31)


def test_add_term_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("add_term", "2021", "--reference-date", "30/04/2021")


def test_each_term_knows_the_one_before_it():
    call_command("add_term", "2018", "--reference-date", "2018-05-31")
    call_command("add_term", "2021", "--reference-date", "2021-04-30")
    assert Term.objects.get(year=2021).previous.year == 2018
    assert Term.objects.get(year=2018).previous is None


def test_load_demo_builds_a_county_and_is_safe_to_run_twice(capsys):
    call_command("load_demo")
    assert Township.objects.count() == 8
    assert 65 <= Village.objects.count() <= 80
    assert set(Term.objects.values_list("year", flat=True)) >= {2018, 2021, 2026}
    assert Village.objects.filter(merged_into__isnull=False).exists()
    people = Person.objects.count()
    assert people > 500
    _the_figures_look_like_a_county()
    _the_2026_round_is_open_with_nominations_at_every_stage()
    the_election_forms_are_full()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "示范县已存在" in out and "official" in out
    assert Person.objects.count() == people
    assert User.objects.get(username="official").check_password("Lty-official-2026")


# What a real county's new teams look like (issue 13, point 16): the ranges the demo's 2021
# figures must fall in, and the "five rises, one fall" against 2018 (docs/demo.md).
COUNTY_RANGES = {
    ("secretaries", "female"): (3, 20),
    ("secretaries", "avg_age"): (42, 50),
    ("secretaries", "one_shoulder"): (60, 100),
    ("members", "female"): (15, 32),
    ("members", "avg_age"): (40, 50),
    ("members", "age_le_35"): (3, 30),
    ("members", "college_plus"): (25, 75),
    ("members", "cross_serving"): (20, 60),
}


def _the_figures_look_like_a_county():
    from composition.selectors import scope_row

    row = scope_row(None, Term.objects.get(year=2021), "141028")
    figures = row.figures
    for (group, name), (low, high) in COUNTY_RANGES.items():
        value = figures[group][name]
        value = value["pct"] if isinstance(value, dict) else value
        assert low <= value <= high, (group, name, value)
    change = figures["change"]
    rises = [
        change["secretaries"]["one_shoulder"],
        change["members"]["cross_serving"],
        change["members"]["age_le_35"],
        change["members"]["college_plus"],
        change["members"]["female"],
    ]
    assert all(rise > 0 for rise in rises), rises
    assert -10 <= change["members"]["avg_age"] <= -1


def _the_2026_round_is_open_with_nominations_at_every_stage():
    from django.db.models import Max, Min

    from candidates.choices import ENDED_STAGES, STAGE_PATH
    from candidates.models import Candidacy, Decision
    from elections.models import Election

    open_round = Candidacy.objects.filter(term__year=2026)
    assert set(STAGE_PATH) <= set(open_round.values_list("stage", flat=True))
    # The 2021 round is finished: no name of it is left waiting at a stage.
    assert not Candidacy.objects.filter(term__year=2021).exclude(stage__in=ENDED_STAGES).exists()
    assert not Election.objects.filter(term__year=2026).exists()
    # Dated in their round: 2021 vetting before the 2021 elections, 2026 in autumn 2026.
    for year, first, last in (
        (2021, "2020-10-01", "2021-03-01"),
        (2026, "2026-08-01", "2026-12-04"),
    ):
        dates = Decision.objects.filter(candidacy__term__year=year).aggregate(
            first=Min("decided_at"), last=Max("decided_at")
        )
        proposed = Candidacy.objects.filter(term__year=year).aggregate(first=Min("proposed_at"))
        assert first <= f"{proposed['first']:%Y-%m-%d}"
        assert first <= f"{dates['first']:%Y-%m-%d}" and f"{dates['last']:%Y-%m-%d}" < last
        history = Candidacy.history.filter(term__year=year).aggregate(last=Max("history_date"))
        assert f"{history['last']:%Y-%m-%d}" < last
    certified = Election.objects.filter(term__year=2021).aggregate(last=Max("certified_at"))
    assert certified["last"].year == 2021

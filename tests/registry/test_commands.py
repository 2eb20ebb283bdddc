"""add_term and load_demo, the commands other tools rely on."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from people.models import Person
from registry.models import Term, Township, Village

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
    assert set(Term.objects.values_list("year", flat=True)) >= {2018, 2021}
    assert Village.objects.filter(merged_into__isnull=False).exists()
    people = Person.objects.count()
    assert people > 500
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "示范县已存在" in out and "official" in out
    assert Person.objects.count() == people
    assert User.objects.get(username="official").check_password("Lty-official-2026")

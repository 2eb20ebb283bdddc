"""Opening a new round from the browser: the county organizer opens a term on a page,
through `term_upsert` with the actor; bad input is refused in the user's language and saves
nothing; officials may not open one."""

import datetime as dt

import pytest
from django.urls import reverse

from registry.models import Term
from tests.factories import TermFactory

pytestmark = pytest.mark.django_db

OPEN = {
    "year": "2026",
    "reference_date": "2026-12-31",
    "starts_on": "2027-01-01",
    "ends_on": "2031-12-31",
}


def test_the_organizer_opens_a_round_and_the_term_list_shows_it(client, organizer):
    TermFactory(year=2021)
    client.force_login(organizer)
    listing = client.get(reverse("registry:term-list")).content.decode()
    assert reverse("registry:term-open") in listing
    response = client.post(reverse("registry:term-open"), OPEN, follow=True)
    assert "已开启 2026 年届" in response.content.decode()
    term = Term.objects.get(year=2026)
    assert (term.reference_date, term.ends_on) == (dt.date(2026, 12, 31), dt.date(2031, 12, 31))
    entry = term.history.get()
    assert entry.history_user == organizer and entry.history_type == "+"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"year": "1900"}, "year", "届次年份应在 1980 至 2100 之间"),
        ({"year": "2031", "reference_date": "2031-04-30"}, "year", "届次年份不能晚于明年"),
        ({"year": "2021"}, "year", "2021 年届已开启"),
        ({"reference_date": "2019-04-30"}, "reference_date", "统计基准日应在 2026 年前后一年之内"),
        ({"ends_on": "2026-06-30"}, "ends_on", "结束日期应晚于开始日期"),
        ({"ends_on": "2036-12-31"}, "ends_on", "一届任期不应超过六年"),
        ({"reference_date": "31/12/2026"}, "reference_date", "有效的日期"),
    ],
)
def test_a_bad_round_is_refused_in_chinese_and_saves_nothing(
    client, organizer, change, field, message
):
    TermFactory(year=2021)
    client.force_login(organizer)
    response = client.post(reverse("registry:term-open"), {**OPEN, **change})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert list(Term.objects.values_list("year", flat=True)) == [2021]


def test_an_official_may_not_open_a_round(client, official):
    client.force_login(official)
    assert client.get(reverse("registry:term-open")).status_code == 403
    assert client.post(reverse("registry:term-open"), OPEN).status_code == 403
    assert not Term.objects.exists()


def test_the_term_in_force_is_not_the_round_being_prepared():
    TermFactory(year=2021)
    TermFactory(year=2026, reference_date=dt.date(2026, 12, 31), starts_on=dt.date(2027, 1, 1))
    assert Term.objects.in_force(dt.date(2026, 12, 4)).year == 2021
    assert Term.objects.in_force(dt.date(2027, 1, 2)).year == 2026


def test_dashboards_open_on_the_term_in_office_while_the_next_round_is_prepared(
    client, organizer, village
):
    """With the 2026 round open (its teams not yet in office), the figures and the training
    coverage open on 2021, not on an empty 2026."""
    from composition.services import composition_recompute

    t2021 = TermFactory(year=2021)
    t2026 = TermFactory(
        year=2026, reference_date=dt.date(2026, 12, 31), starts_on=dt.date(2099, 1, 1), ends_on=None
    )
    for term in (t2021, t2026):
        composition_recompute(term_id=term.pk)
    client.force_login(organizer)
    dashboard = client.get(reverse("composition:dashboard"))
    assert dashboard.status_code == 200 and dashboard.context["term"] == t2021
    coverage = client.get(reverse("training:coverage"))
    assert coverage.context["term"] == t2021


def test_opening_a_round_reads_in_english(client, organizer):
    from tests.english import chinese_chrome, in_english

    TermFactory(year=2021)
    client = in_english(client, organizer)
    assert chinese_chrome(client.get(reverse("registry:term-list")).content.decode()) == []
    response = client.post(reverse("registry:term-open"), {**OPEN, "year": "2021"})
    html = response.content.decode()
    assert "The 2021 term is already open" in html and chinese_chrome(html) == []

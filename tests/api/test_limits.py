"""Limits: absurd dates are refused with the window that applies, in the reader's language."""

import pytest

from tests.factories import TermFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_a_check_in_in_1899_is_refused_with_the_window(api, organizer, county):
    enrolment = EnrolmentFactory(session=TrainingSessionFactory(county=county))
    url = f"/api/v1/training/enrolments/{enrolment.pk}/check-in/"
    client = api(organizer)
    response = client.post(url, {"checked_in_at": "1899-05-10T08:30:00+08:00"}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "checked_in_at" and error["code"] == "out_of_window"
    assert "1900-01-01" in error["message"] and "2100-12-31" in error["message"]
    response = client.post(
        url,
        {"checked_in_at": "1000-01-01T00:00:00+08:00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Must be between 1900-01-01 and 2100-12-31" in response.json()["detail"]


def test_a_seat_cannot_end_in_year_9999(api, official, village):
    seat = SeatFactory(village=village, term=TermFactory(year=2021))
    response = api(official).post(
        f"/api/v1/seats/{seat.pk}/end/",
        {"ended_on": "9999-12-31", "reason": "resignation"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "ended_on"


# --- Free text: documented maximum lengths (core.limits, docs/api.md "Limits") -------------

HUGE_NOTE = "x" * 1_200_000


def test_a_huge_note_is_refused_by_the_api_naming_the_limit(api, organizer, county, settings):
    client = api(organizer)
    # At the default body limit (1 MiB) the request itself is refused, cleanly.
    response = client.post("/api/v1/negative-list/", {"text": HUGE_NOTE}, format="json")
    assert response.status_code == 413
    settings.API_MAX_BODY_BYTES = 4 * 1024 * 1024
    for text in (HUGE_NOTE, "长" * 2001):
        response = client.post("/api/v1/negative-list/", {"text": text}, format="json")
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["field"] == "text" and error["code"] == "max_length"
        assert "2000" in error["message"]
    response = client.post(
        "/api/v1/negative-list/", {"text": "长" * 2001}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "at most 2000 characters" in response.json()["detail"]
    assert not county.negative_list.filter(text__startswith="xxx").exists()
    assert (
        client.post("/api/v1/negative-list/", {"text": "长" * 2000}, format="json").status_code
        == 201
    )


def test_a_huge_note_is_refused_by_the_form_naming_the_limit(client, organizer, county):
    from django.urls import reverse

    client.force_login(organizer)
    response = client.post(reverse("candidates:negative-list"), {"text": HUGE_NOTE, "active": "on"})
    assert response.status_code == 400
    assert "不能超过 2000 个字符" in response.content.decode()
    assert not county.negative_list.filter(text=HUGE_NOTE).exists()


def test_every_free_text_field_has_a_limit_the_model_enforces():
    from django.core.exceptions import ValidationError

    from core import limits
    from rounds.models import Screening

    fields = list(limits.limited_text_fields())
    assert len(fields) >= 25
    for field in fields:
        limit = limits.limit_for(field)
        field.run_validators("x" * limit)
        with pytest.raises(ValidationError, match=str(limit)):
            field.run_validators("x" * (limit + 1))
    assert limits.limit_for(Screening._meta.get_field("emergency_plan")) == 10_000


def test_the_schema_shows_max_length(api, organizer):
    schema = api(organizer).get("/api/schema/", {"format": "json"}).json()
    item = schema["components"]["schemas"]["NegativeListItemRequest"]["properties"]["text"]
    assert item["maxLength"] == 2000
    mentorship = schema["components"]["schemas"]["Mentorship"]["properties"]["goals"]
    assert mentorship["maxLength"] == 10_000


# --- Election dates: the window of the term ------------------------------------------------


@pytest.mark.parametrize("held_on", ["0001-01-01", "9999-12-31", "2019-12-31"])
def test_an_absurd_election_date_is_refused_by_the_api_naming_the_window(
    api, official, village, held_on
):
    TermFactory(year=2021, starts_on=None, ends_on=None)
    response = api(official).post(
        "/api/v1/elections/",
        {"village": village.pk, "term": 2021, "body": "party", "held_on": held_on},
        format="json",
    )
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "held_on"
    assert "2020-01-01" in error["message"] and "2026-12-31" in error["message"]


def test_an_election_on_day_one_is_refused_by_the_form_naming_the_window(client, official, village):
    from django.urls import reverse

    from elections.models import Election

    term = TermFactory(year=2021, starts_on=None, ends_on=None)
    client.force_login(official)
    response = client.post(
        reverse("elections:election-create"),
        {
            "village": village.pk,
            "term": term.pk,
            "body": "villagers",
            "round": "first",
            "held_on": "0001-01-01",
            "seats_chair": 1,
            "seats_deputy": 0,
            "seats_member": 2,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "2020-01-01" in page and "2026-12-31" in page
    assert not Election.objects.exists()


# --- Every other date: the 1900–2100 window at the model (core.limits) ---------------------


def test_every_date_field_refuses_year_one_and_9999_naming_the_window():
    import datetime as dt

    from django.core.exceptions import ValidationError

    from core import limits

    fields = list(limits.limited_date_fields())
    assert len(fields) >= 30
    for field in fields:
        field.run_validators(dt.date(2021, 4, 10))
        for absurd in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
            with pytest.raises(ValidationError, match="1900-01-01"):
                field.run_validators(absurd)


def test_a_problem_deadline_in_9999_is_refused_naming_the_window(api, official, county, village):
    import datetime as dt

    from django.utils import timezone

    from core.policy import SYSTEM
    from rounds import services
    from rounds.models import Problem

    start = timezone.localdate() - dt.timedelta(days=60)
    services.round_create(
        county=county,
        term=TermFactory(year=2026),
        starts_on=start,
        ends_on=start + dt.timedelta(days=150),
        actor=SYSTEM,
    )

    response = api(official).post(
        "/api/v1/rounds/problems/",
        {
            "village": village.pk,
            "source": "residents",
            "category": "livelihood",
            "description": "路灯不亮",
            "deadline": "9999-12-31",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "deadline" and "2100-12-31" in error["message"]
    assert not Problem.objects.exists()


def test_a_written_confirmation_has_the_limit_too(api, official, village):
    from tests.factories.elections import ElectionFactory

    election = ElectionFactory(village=village, term=TermFactory(year=2021))
    response = api(official).post(
        f"/api/v1/elections/{election.pk}/confirm/",
        {"code": "villagers_no_woman", "note": "长" * 2001},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "note" and "2000" in error["message"]
    election.refresh_from_db()
    assert election.confirmations == {}


def test_a_save_without_full_clean_is_refused_too(county):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from candidates.models import NegativeListItem
    from tests.factories import PersonFactory

    with pytest.raises(ValidationError, match="2000"):
        NegativeListItem(county=county, number=99, text="x" * 2001).save()
    person = PersonFactory()
    person.birth_date = dt.date(1, 1, 1)
    with pytest.raises(ValidationError, match="1900-01-01"):
        person.save()
    assert not NegativeListItem.objects.filter(number=99).exists()

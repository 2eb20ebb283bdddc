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

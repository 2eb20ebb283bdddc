"""Training read in English: the same Chinese word (邀请, 签到) reads as the button or as
the count it labels, and the lists and records have no Chinese around their data."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.english import chinese_chrome, in_english
from tests.factories import PersonFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    MentorshipFactory,
)
from training import services

pytestmark = pytest.mark.django_db


def test_session_pages_tell_the_button_from_the_count(client, organizer, county_session, village):
    enrolment = EnrolmentFactory(session=county_session, person=PersonFactory(village=village))
    EnrolmentFactory(session=county_session, person=PersonFactory(village=village))
    services.enrolment_check_in(enrolment=enrolment, actor=organizer)
    in_english(client, organizer)

    listing = client.get(reverse("training:session-list")).content.decode()
    assert '<th class="num">Invited</th><th class="num">Signed in</th>' in listing
    assert "1 course" in listing and "1 courses" not in listing
    assert chinese_chrome(listing) == []

    detail = client.get(county_session.get_absolute_url()).content.decode()
    assert '<dt>Invited</dt><dd data-testid="count-invited">2</dd>' in detail
    assert '<dt>Signed in</dt><dd data-testid="count-attended">1</dd>' in detail
    assert '<button type="submit">Invite</button>' in detail
    assert chinese_chrome(detail) == []

    roll_call = client.get(reverse("training:roll-call", args=[county_session.pk]))
    html = roll_call.content.decode()
    assert 'data-testid="check-in">Sign in</button>' in html
    assert 'data-error-text="Could not save"' in html
    assert chinese_chrome(html) == []

    record = client.get(enrolment.person.get_absolute_url()).content.decode()
    assert "1 course attended, 8.0 hours in total" in record
    assert chinese_chrome(record) == []


def test_mentoring_pages_in_english(client, official, village):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    pair = MentorshipFactory(
        county=village.township.county,
        township=village.township,
        mentors=[mentor],
        mentees=[PersonFactory(village=village), PersonFactory(village=village)],
    )
    services.mentorship_end(
        mentorship=pair, ended_on=dt.date(2022, 5, 20), outcome="achieved", actor=official
    )
    in_english(client, official)
    detail = client.get(pair.get_absolute_url()).content.decode()
    assert "<dt>Ended</dt>" in detail and " (Township level)" in detail
    assert "<td>System</td>" in detail
    assert chinese_chrome(detail) == []
    listing = client.get(reverse("training:mentorship-list")).content.decode()
    assert "1 pair" in listing and "1 pairs" not in listing
    assert chinese_chrome(listing) == []

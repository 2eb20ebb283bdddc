"""A signed-in request does not write its session, except to renew it every few minutes,
and reads it from the cache, falling back to the database when the cache is down (issue 18,
fifty users: the write and the read were a query each on every page and API call)."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import RENEWED_KEY

pytestmark = pytest.mark.django_db


def session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_pages_read_the_session_without_writing_it(client, official):
    client.force_login(official)
    client.get(reverse("home"))
    assert session_writes(client, reverse("home")) == []
    assert session_writes(client, reverse("people:person-list")) == []


def test_a_session_is_renewed_once_its_last_renewal_is_old(client, official):
    client.force_login(official)
    client.get(reverse("home"))
    session = client.session
    session[RENEWED_KEY] -= settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert len(session_writes(client, reverse("home"))) >= 1
    left = Session.objects.get().expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert session_writes(client, reverse("home")) == []


def test_signing_out_still_ends_the_session(client, official):
    client.force_login(official)
    client.get(reverse("home"))
    client.post(reverse("logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert (
        not Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_data="")
        .filter(session_key=client.cookies.get(settings.SESSION_COOKIE_NAME, None) or "")
        .exists()
    )


def session_reads(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_a_signed_in_page_reads_its_session_from_the_cache(client, official):
    client.force_login(official)
    client.get(reverse("home"))
    assert session_reads(client, reverse("home")) == []
    # The database is the record: the cached copy is refilled from it.
    from django.core.cache import cache

    cache.clear()
    assert len(session_reads(client, reverse("home"))) == 1
    assert session_reads(client, reverse("home")) == []


@pytest.fixture
def cache_down(monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    for name in ("get", "set", "add", "delete", "has_key"):
        monkeypatch.setattr(cache, name, down)


def test_a_cache_outage_signs_in_reads_and_signs_out_from_the_database(client, official, cache_down):
    client.force_login(official)
    assert client.get(reverse("home")).status_code == 200
    assert len(session_reads(client, reverse("people:person-list"))) == 1
    client.post(reverse("logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_cached_copy_lives_no_longer_than_the_setting(client, official, settings):
    settings.SESSION_CACHE_SECONDS = 0  # a copy kept for no time is never read
    client.force_login(official)
    client.get(reverse("home"))
    assert len(session_reads(client, reverse("home"))) == 1

"""Operations: request ids, JSON logs that never hold an ID number, error pages that leak
nothing, the health endpoint (503 when the broker is down)."""

import datetime as dt
import io
import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from config.celery import app as celery_app
from tests.factories import PersonFactory, make_id_number

from .urls_errors import LEAKY_NUMBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Every log record of the test, through the handler filters and formatter of settings."""
    config = settings.LOGGING
    handler_conf = config["handlers"]["console"]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    for name in handler_conf["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    handler.setFormatter(import_string(config["formatters"]["json"]["()"])())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_request_id_is_accepted_or_made_and_returned(client, official, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the proxy's id is kept; see test_proxy_and_tokens
    client.force_login(official)
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    made = client.get(reverse("home"))["X-Request-ID"]
    assert len(made) == 32 and made != client.get(reverse("home"))["X-Request-ID"]
    # Anything odd in the header (newlines, log injection, overlong) is replaced.
    odd = client.get(reverse("home"), HTTP_X_REQUEST_ID="x\n{fake}" + "y" * 100)
    assert odd["X-Request-ID"] != "x\n{fake}" and len(odd["X-Request-ID"]) == 32


def test_logs_are_json_lines_carrying_the_request_id(client, log_lines, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}, HTTP_X_REQUEST_ID="trace-42"
    )
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-43")
    lines = log_lines()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[-1]["request_id"] == "trace-43"
    assert not_found[-1]["path"] == "/no-such-page/"
    assert any(
        line["request_id"] == "trace-42"
        for line in lines
        if line["logger"] == "axes.handlers.database"
    )
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])


def test_id_numbers_never_reach_the_logs(client, official, village, log_lines):
    client.force_login(official)
    number = make_id_number(dt.date(1985, 3, 4), "F")
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    form = {
        "name": "李四",
        "village": village.pk,
        "ethnicity": "汉族",
        "gender": "F",
        "birth_date": "1985-03-04",
    }
    client.post(reverse("people:person-create"), {**form, "id_number": bad})
    client.post(reverse("people:person-create"), {**form, "id_number": number})
    person = PersonFactory(village=village)
    client.get(reverse("people:person-detail", args=[person.pk]))
    client.get(reverse("people:person-list"), {"q": number})
    client.get(f"/api/v1/people/?q={number}")
    client.post(reverse("login"), {"username": number, "password": "x"})
    logging.getLogger("lty.test").error("import failed for %s", number)
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert text  # something was logged
    for secret in (number, bad, person.id_number):
        assert secret not in text and secret.lower() not in text
    assert "*" * 14 + number[-4:] in text
    assert number[:6] + "*" not in text  # the area code goes too: with a birth date it is the number


@pytest.mark.urls("tests.security.urls_errors")
def test_error_pages_and_their_logs_hold_no_id_number(settings, log_lines):
    settings.DEBUG = False
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="boom-1")
    assert response.status_code == 500
    assert LEAKY_NUMBER not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert LEAKY_NUMBER not in response.content.decode()
    lines = log_lines()
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == "boom-1"
    assert "RuntimeError" in errors[0]["exception"]
    assert LEAKY_NUMBER not in json.dumps(lines, ensure_ascii=False)


def test_api_clients_never_receive_id_numbers_anywhere(api, api_user, village):
    people = [PersonFactory(village=village) for _ in range(3)]
    client = api(api_user)
    from django.urls import get_resolver

    seen = []
    schema = client.get("/api/schema/?format=json")
    paths = json.loads(schema.content)["paths"] if schema.status_code == 200 else {}
    for path, operations in paths.items():
        if "get" not in operations or "{" in path:
            continue
        response = client.get(path)
        seen.append((path, response.status_code))
        body = response.content.decode()
        for person in people:
            assert person.id_number not in body, path
            assert person.id_number_masked not in body, path
    assert ("/api/v1/people/", 200) in seen
    detail = client.get(f"/api/v1/people/{people[0].pk}/").json()
    assert detail.get("id_number") is None
    assert get_resolver() is not None


def test_health_reports_database_and_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    # The raw setting, not the property: that falls back to broker_url, and restoring its
    # value would pin every later test's tasks to this broker.
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = redis_url  # what /health/ connects to
    try:
        response = client.get("/health/")
        assert response.status_code == 200
        # Tasks run in-process here; workers and the queue: tests/security/test_proxy_and_tokens.py
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "broker": "ok",
            "workers": "in-process",
            "queue": "ok",
            "worker_last_seen_seconds": None,
            "oldest_queued_seconds": None,
        }
    finally:
        celery_app.conf.broker_write_url = previous


def test_health_is_503_when_the_broker_is_down(client, settings):
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_URL = dead
    # The raw setting, not the property: that falls back to broker_url, and restoring its
    # value would pin every later test's tasks to this broker.
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = dead  # what /health/ connects to
    try:
        response = client.get("/health/")
    finally:
        celery_app.conf.broker_write_url = previous
    assert response.status_code == 503
    assert response.json()["broker"] == "error" and response.json()["database"] == "ok"


def test_health_without_a_broker_runs_tasks_in_process(client, settings):
    settings.CELERY_BROKER_URL = None
    assert client.get("/health/").json()["broker"] == "in-process"


def test_health_leaves_a_signed_in_callers_session_alone(client, organizer, settings):
    """A probe from a signed-in browser neither reads nor ends its session (reading it
    would need the database the probe reports on)."""
    settings.CELERY_BROKER_URL = None
    client.force_login(organizer)
    response = client.get("/health/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # not deleted, not re-set
    assert client.get("/").context["user"] == organizer  # still signed in

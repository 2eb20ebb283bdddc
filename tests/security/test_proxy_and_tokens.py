"""The client's address, request ids, lockout, token throttle, token lifetimes and health
(issue 18, findings 7, 8, 10, 11 and 12).

Forwarded headers count only when the connecting peer is a configured proxy
(`TRUSTED_PROXIES`); one function, `core.clientip.client_ip`, says who the client is, for
history, django-axes, DRF throttles and logs alike.
"""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts import services
from config.celery import app as celery_app
from core.access import Role
from people.models import Person
from tests.factories import PersonFactory

from .test_operations import log_lines  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
PROXY = "10.0.0.2"
TOKEN_URL = "/api/v1/auth/token/"


def patch_person(person, user, **headers):
    client = APIClient(**headers)
    client.force_login(user)
    response = client.patch(f"/api/v1/people/{person.pk}/", {"phone": "13800000001"}, format="json")
    return response


# --- Finding 7: the origin of a change -----------------------------------------------------


def test_forwarded_headers_of_an_untrusted_peer_are_not_the_origin(official, village):
    """A caller that is not the proxy cannot write a made-up address or request id into
    the history: the row keeps the address that really connected and an id of our own."""
    person = PersonFactory(village=village)
    response = patch_person(
        person,
        official,
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
        HTTP_X_REQUEST_ID="forged-req-1",
    )
    assert response.status_code == 200, response.content
    entry = Person.history.filter(id=person.pk).latest("history_date")
    assert entry.history_ip == "203.0.113.5"
    assert entry.history_request_id != "forged-req-1"
    assert response["X-Request-ID"] == entry.history_request_id


def test_behind_a_trusted_proxy_the_client_and_its_request_id_are_recorded(
    official, village, settings
):
    """The proxy's X-Forwarded-For is read from the right: the first hop the proxies did not
    add themselves is the client, whatever the client put in front of it."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    person = PersonFactory(village=village)
    response = patch_person(
        person,
        official,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="8.8.8.8, 198.51.100.7, 10.0.0.3",
        HTTP_X_REQUEST_ID="proxy-req-1",
    )
    assert response.status_code == 200, response.content
    entry = Person.history.filter(id=person.pk).latest("history_date")
    assert (entry.history_ip, entry.history_request_id) == ("198.51.100.7", "proxy-req-1")
    assert response["X-Request-ID"] == "proxy-req-1"


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/24"]])
@pytest.mark.parametrize("forwarded", ["unknown", "not-an-ip, ", "300.1.1.1", "' OR 1=1 --"])
def test_a_nonsense_forwarded_for_never_breaks_a_write(
    official, village, settings, trusted, forwarded
):
    """`X-Forwarded-For: unknown` used to make every write a 500 (the history column holds
    only addresses); nonsense is never written, the write succeeds."""
    settings.TRUSTED_PROXIES = trusted
    person = PersonFactory(village=village)
    response = patch_person(person, official, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200, response.content
    assert Person.history.filter(id=person.pk).latest("history_date").history_ip == PROXY


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "8.8.8.8", "203.0.113.5"),
        (["10.0.0.2"], "10.0.0.2", "8.8.8.8", "8.8.8.8"),
        (["10.0.0.2"], "10.0.0.2", "8.8.8.8, 1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 10.9.9.9", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "10.1.1.1, 10.9.9.9", "10.1.1.1"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "unknown", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "1.2.3.4, unknown", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "1.2.3.4:5678", "1.2.3.4"),
        (["10.0.0.2"], "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["10.0.0.2"], "::ffff:10.0.0.2", "1.2.3.4", "1.2.3.4"),
        ([], "not-an-address", "", None),
    ],
)
def test_client_ip_trusts_only_configured_proxies(settings, trusted, remote, forwarded, expected):
    from core.clientip import client_ip

    settings.TRUSTED_PROXIES = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_ip(request) == expected


def test_request_id_only_from_a_trusted_proxy_and_only_when_sane(client, settings):
    forged = client.get("/health/", HTTP_X_REQUEST_ID="forged-req-1")["X-Request-ID"]
    assert forged != "forged-req-1" and len(forged) == 32
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/health/", HTTP_X_REQUEST_ID="lb-req-1")["X-Request-ID"] == "lb-req-1"
    odd = client.get("/health/", HTTP_X_REQUEST_ID="x\n{fake}")["X-Request-ID"]
    assert odd != "x\n{fake}" and len(odd) == 32


def test_log_lines_name_the_client_as_history_does(client, settings, log_lines):  # noqa: F811
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.get("/no-such-page/", HTTP_X_FORWARDED_FOR="8.8.8.8, 198.51.100.7")
    line = [line for line in log_lines() if line["logger"] == "django.request"][-1]
    assert line["client_ip"] == "198.51.100.7"


# --- Finding 8: lockout keyed on the real client ------------------------------------------


def login(client, username, password, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_behind_the_proxy_one_clients_failures_do_not_lock_the_user_out_for_another(
    official, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    via_proxy = Client(REMOTE_ADDR=PROXY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(via_proxy, official.username, "wrong-guess", forwarded="198.51.100.1")
    assert response.status_code == 429
    assert login(via_proxy, official.username, PASSWORD, "198.51.100.1").status_code == 429
    response = login(Client(REMOTE_ADDR=PROXY), official.username, PASSWORD, "198.51.100.2")
    assert response.status_code == 302


def test_a_spoofed_forwarded_for_counts_against_the_peers_real_address(official):
    peer = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(peer, official.username, "wrong-guess", forwarded=f"192.0.2.{n + 1}")
    response = login(peer, official.username, PASSWORD, forwarded="192.0.2.200")
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_the_token_endpoint_locks_on_the_real_client_too(api_user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").post(
            TOKEN_URL, {"username": api_user.username, "password": "nope"}
        )
    other = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    response = other.post(TOKEN_URL, {"username": api_user.username, "password": PASSWORD})
    assert response.status_code == 201


# --- Finding 10: the token endpoint's throttle ---------------------------------------------


def test_a_new_forwarded_for_per_request_does_not_escape_the_token_throttle():
    """60 attempts, each claiming another address, from one peer that is not a proxy:
    the throttle (20/min) still counts them as one client. Each tries another username,
    so the lockout (per username) never answers first."""
    statuses = []
    for n in range(60):
        response = APIClient(
            REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}"
        ).post(TOKEN_URL, {"username": f"nobody{n}", "password": "nope"})
        statuses.append(response.status_code)
    assert set(statuses[:20]) <= {401, 403}
    assert set(statuses[20:]) == {429}
    assert "Retry-After" in response


def test_behind_the_proxy_each_client_has_its_own_token_throttle(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(25):
        APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").post(
            TOKEN_URL, {"username": f"nobody{n}", "password": "nope"}
        )
    response = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2").post(
        TOKEN_URL, {"username": "someone", "password": "nope"}
    )
    assert response.status_code != 429


def test_every_throttle_of_the_api_names_the_client_by_client_ip():
    from django.urls import get_resolver
    from rest_framework.settings import api_settings

    from core.clientip import ClientIpThrottleMixin

    def views(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern)
            else:
                yield pattern.callback

    throttles = set(api_settings.DEFAULT_THROTTLE_CLASSES)
    for callback in views(get_resolver()):
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        throttles.update(getattr(cls, "throttle_classes", []) or [])
    assert throttles, "the token endpoint at least is throttled"
    for throttle in throttles:
        assert issubclass(throttle, ClientIpThrottleMixin), throttle


# --- Finding 11: token lifetimes ------------------------------------------------------------


def token_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_password_change_revokes_the_users_tokens(api_user):
    _, raw = services.api_token_create(user=api_user, name="报表")
    assert token_client(raw).get("/api/v1/me/").status_code == 200
    services.user_upsert(username=api_user.username, password="Lv-shui-qing-shan-2026")
    assert token_client(raw).get("/api/v1/me/").status_code == 401
    # set_password + save, as the admin's password form and `changepassword` do.
    _, raw = services.api_token_create(user=api_user, name="报表")
    api_user.refresh_from_db()
    api_user.set_password("Another-long-pass-2026")
    api_user.save()
    assert token_client(raw).get("/api/v1/me/").status_code == 401


def test_the_admin_password_form_revokes_tokens(client, admin_user_, api_user):
    _, raw = services.api_token_create(user=api_user, name="报表")
    client.force_login(admin_user_)
    url = reverse("admin:auth_user_password_change", args=[api_user.pk])
    response = client.post(
        url,
        {
            "password1": "Lv-shui-qing-shan-2026",
            "password2": "Lv-shui-qing-shan-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert token_client(raw).get("/api/v1/me/").status_code == 401


def test_a_rehashed_password_on_login_keeps_the_tokens(api_user, settings):
    """A hasher upgrade at login (same password, new hash) is not a password change."""
    _, raw = services.api_token_create(user=api_user, name="报表")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = api_user.password
    assert (
        Client()
        .post(reverse("login"), {"username": api_user.username, "password": PASSWORD})
        .status_code
        == 302
    )
    api_user.refresh_from_db()
    assert api_user.password != old_hash  # rehashed
    assert token_client(raw).get("/api/v1/me/").status_code == 200


def test_deactivating_a_user_revokes_their_tokens(api_user):
    token, raw = services.api_token_create(user=api_user, name="报表")
    api_user.is_active = False
    api_user.save()
    api_user.is_active = True
    api_user.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(raw).get("/api/v1/me/").status_code == 401


def test_a_user_holds_at_most_the_cap_of_usable_tokens(api_user, settings):
    cap = settings.API_TOKEN_MAX_PER_USER
    for n in range(cap):
        services.api_token_create(user=api_user, name=f"t{n}")
    with pytest.raises(ValidationError) as error:
        services.api_token_create(user=api_user, name="one too many")
    assert f"最多 {cap} 个" in " ".join(error.value.messages)
    response = APIClient().post(TOKEN_URL, {"username": api_user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert f"最多 {cap} 个" in response.json()["detail"]
    response = APIClient().post(
        TOKEN_URL,
        {"username": api_user.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert f"at most {cap}" in response.json()["detail"]
    with translation.override("zh-hans"), pytest.raises(CommandError, match=f"最多 {cap} 个"):
        call_command("create_api_token", api_user.username)
    # A revoked or expired token frees its place.
    services.api_token_revoke(token=api_user.api_tokens.first())
    services.api_token_create(user=api_user, name="replacement")
    assert api_user.api_tokens.usable().count() == cap


def test_token_lifetimes_are_capped_by_role(api_user, official, settings):
    client_days = settings.API_TOKEN_MAX_DAYS[Role.API_CLIENT]
    staff_days = settings.API_TOKEN_MAX_DAYS["*"]
    assert (client_days, staff_days) == (365, 30)
    now = timezone.now()
    token, _ = services.api_token_create(user=official, name="默认")
    assert token.expires_at - now < dt.timedelta(days=staff_days, minutes=1)
    with pytest.raises(ValidationError):
        services.api_token_create(user=official, name="太久", days=365)
    with pytest.raises(ValidationError):
        services.api_token_create(user=official, name="永久", days=0)
    token, _ = services.api_token_create(user=api_user, name="默认")
    assert token.expires_at - now > dt.timedelta(days=client_days - 1)
    with pytest.raises(ValidationError):
        services.api_token_create(user=api_user, name="太久", days=client_days + 1)
    # The API endpoint gives a staff member a token of the staff lifetime.
    response = APIClient().post(TOKEN_URL, {"username": official.username, "password": PASSWORD})
    assert response.status_code == 201
    expires = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert expires - now < dt.timedelta(days=staff_days, minutes=1)
    # The management command refuses a lifetime beyond the role's.
    with pytest.raises(CommandError):
        call_command("create_api_token", official.username, "--days", "365")
    call_command("create_api_token", official.username, "--days", "7")


def test_the_admin_mints_no_token_and_cannot_stretch_one(client, admin_user_, official):
    token, _ = services.api_token_create(user=official, name="短期")
    client.force_login(admin_user_)
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    far = (timezone.now() + dt.timedelta(days=3650)).strftime("%Y-%m-%d")
    client.post(
        url,
        {"user": official.pk, "name": "短期", "expires_at_0": far, "expires_at_1": "00:00:00"},
    )
    before = token.expires_at
    token.refresh_from_db()
    assert token.expires_at == before


# --- Finding 12: health sees the workers and the queue -------------------------------------


@pytest.fixture
def broker_for_health(settings, redis_url):
    """/health/ checks the real broker; the queue is private to the test."""
    settings.CELERY_BROKER_URL = redis_url
    previous = (celery_app.conf.get("broker_write_url"), celery_app.conf.task_default_queue)
    celery_app.conf.broker_write_url = redis_url
    celery_app.conf.task_always_eager = False  # a web that sends tasks to workers
    yield redis_url
    celery_app.conf.broker_write_url, celery_app.conf.task_default_queue = previous


def test_health_is_degraded_without_a_worker(client, broker_for_health):
    celery_app.conf.task_default_queue = f"lty-test-none-{time.monotonic_ns()}"
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert (body["database"], body["broker"], body["workers"]) == ("ok", "ok", "missing")


def test_health_reports_a_queued_job_that_waits_too_long(client, settings, official):
    from elections.models import ImportJob

    settings.CELERY_BROKER_URL = None
    assert client.get("/health/").json()["queue"] == "ok"
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=b"x")
    old = timezone.now() - dt.timedelta(minutes=settings.HEALTH_QUEUE_MAX_AGE_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(created_at=old)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["workers"], body["queue"]) == ("degraded", "in-process", "late")
    assert body["oldest_queued_seconds"] >= settings.HEALTH_QUEUE_MAX_AGE_MINUTES * 60


def test_health_sees_a_real_worker_come_and_go(client, settings, celery_worker):
    settings.CELERY_BROKER_URL = celery_app.conf.broker_url
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = celery_app.conf.broker_url
    try:
        response = client.get("/health/")
        body = response.json()
        assert response.status_code == 200, body
        assert (body["status"], body["workers"], body["queue"]) == ("ok", "ok", "ok")
        assert body["worker_last_seen_seconds"] < 30
        celery_worker.kill()  # no goodbye: the heartbeat just stops
        settings.HEALTH_WORKER_STALE_SECONDS = 1
        time.sleep(2)
        response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["workers"] == "missing"
    finally:
        celery_app.conf.broker_write_url = previous

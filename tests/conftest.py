"""Shared fixtures: users of every role, API clients, a real Celery worker, a real browser.

Under CI (CI=true) a missing service fails the test instead of skipping it.
"""

import os
import shutil

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.access import Role

from .factories import CountyFactory, TownshipFactory, UserFactory, VillageFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(service: str, why: str):
    """Skip on a laptop without `service`; fail under CI, where it must be there."""
    if IN_CI:
        pytest.fail(f"{service} is required under CI: {why}")
    pytest.skip(f"{service} not available: {why}")


@pytest.fixture(autouse=True)
def _celery_in_process(settings):
    """Tasks run in-process unless a test asks for the real worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A page read in English leaves English active in the thread (LocaleMiddleware never
    deactivates it), so every test starts again in the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def county(db):
    return CountyFactory(code="141028", name="吉县")


@pytest.fixture
def township(county):
    return TownshipFactory(county=county, code="141028100", name="吉昌镇")


@pytest.fixture
def other_township(county):
    return TownshipFactory(county=county, code="141028101", name="屯里镇")


@pytest.fixture
def village(township):
    return VillageFactory(township=township, code="141028100201", name="东关村")


@pytest.fixture
def other_village(other_township):
    return VillageFactory(township=other_township, code="141028101201", name="西坪村")


@pytest.fixture
def make_user(county, township):
    """make_user(role, **fields): a user of `role` scoped to the county / first township."""

    def make(role=Role.COUNTY_ORGANIZER, **fields):
        defaults = {"role": role, "county": county}
        if role == Role.TOWNSHIP_OFFICIAL:
            defaults["township"] = township
        if role == Role.ADMIN:
            defaults.update(county=None, is_staff=True, is_superuser=True)
        defaults.update(fields)
        return UserFactory(**defaults)

    return make


@pytest.fixture
def official(make_user):
    return make_user(Role.TOWNSHIP_OFFICIAL)


@pytest.fixture
def organizer(make_user):
    return make_user(Role.COUNTY_ORGANIZER)


@pytest.fixture
def viewer(make_user):
    return make_user(Role.COUNTY_VIEWER)


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.DEPARTMENT_REVIEWER)


@pytest.fixture
def api_user(make_user):
    return make_user(Role.API_CLIENT)


@pytest.fixture
def admin_user_(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def api():
    """api(user) -> an APIClient signed in as `user` (or anonymous with None)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def redis_url():
    """The real Redis broker (CELERY_BROKER_URL, else the local default)."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need("Redis", f"{url}: {exc}")
    return url


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """A real worker on the real broker, reading the test database; tasks are sent to it."""
    from .celery_worker import WorkerProcess

    worker = WorkerProcess(redis_url).start()
    previous = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    celery_app.conf.task_default_queue = worker.queue
    _forget_celery_routing()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.broker_url, celery_app.conf.task_default_queue = previous
        celery_app.conf.task_always_eager = True
        _forget_celery_routing()


DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: a broker that is down


@pytest.fixture
def broker(redis_url, monkeypatch):
    """broker(url, queue="celery"): send tasks to `url` for real (DEAD_BROKER for an outage);
    in-process tasks come back afterwards."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)

    def use(url, queue="celery"):
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its setting
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = url
        celery_app.conf.task_default_queue = queue
        celery_app.conf.broker_connection_timeout = 1
        celery_app.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
        _forget_celery_routing()

    yield use
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = saved
    celery_app.conf.task_always_eager = True
    _forget_celery_routing()


def _forget_celery_routing():
    """Celery caches its queues, router and producer pool on first use; a test that changes
    the broker or the default queue must drop them, or tasks go to an earlier test's queue."""
    from kombu import pools

    pools.reset()  # closes and forgets kombu's process-wide connection and producer pools
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    path = chromium_path()
    if not path:
        need("Chromium", "apt-get install chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login(page):
    """login(username, password='Test-password-2026'): sign in through the login form."""

    def do(username, password="Test-password-2026"):
        page.goto(page.base_url + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(page.base_url + "/")

    return do

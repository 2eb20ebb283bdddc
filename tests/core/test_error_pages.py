"""Errors look like the portal (issue 13, point 14): 403/404/500 pages in the reader's
language with the portal's header and a way home, also under the production settings
(DEBUG off, static files from the collected manifest); a favicon on every page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from core.access import Role

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_missing_and_refused_pages_keep_the_navigation_in_the_readers_language(client, official):
    client.force_login(official)
    missing = client.get("/registry/villages/999999/")
    refused = client.get("/registry/terms/new/")
    assert (missing.status_code, refused.status_code) == (404, 403)
    for response, title in ((missing, "页面不存在"), (refused, "无权访问")):
        html = response.content.decode()
        assert title in html and 'class="mainnav"' in html and "/registry/villages/" in html
        assert "img/favicon" in html
    english = _english(client).get("/registry/villages/999999/").content.decode()
    assert "Page not found" in english and "页面不存在" not in english
    assert 'lang="en"' in english


@pytest.mark.urls("tests.core.urls_boom")
def test_a_server_error_is_the_portals_page_in_the_readers_language(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.TOWNSHIP_OFFICIAL))
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-0042")
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in html and "返回首页" in html and "img/favicon" in html
    english = _english(client).get("/boom/").content.decode()
    assert "Something went wrong" in english and "系统出错" not in english
    assert 'lang="en"' in english


PRODUCTION_CHECK = """
import tempfile
import django
from django.conf import settings
django.setup()
from django.core.management import call_command
from django.test import Client, override_settings

# The production storage (a manifest of hashed names), without compressing every file:
# the pages' {% static %} lookups are what is under test, not gzip and brotli.
SKIP = ["css", "js", "svg", "map", "txt", "html", "json", "LICENSE", "woff", "woff2", "ttf"]
with tempfile.TemporaryDirectory() as static_root, override_settings(
    STATIC_ROOT=static_root,
    ROOT_URLCONF="tests.core.urls_boom",
    WHITENOISE_SKIP_COMPRESS_EXTENSIONS=SKIP,
):
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client(raise_request_exception=False, HTTP_HOST="lty.example.gov.cn")
    for path, status, text in (
        ("/no-such-page/", 404, "页面不存在"),
        ("/boom/", 500, "系统出错"),
    ):
        response = client.get(path, secure=True)
        html = response.content.decode()
        assert response.status_code == status, (path, response.status_code)
        assert text in html and "favicon" in html and "/static/css/app." in html, html[:500]
    english = client.get("/no-such-page/", secure=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.content.decode()
print("ok")
"""


def test_the_error_pages_render_under_the_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-secret-for-the-check-only-0123456789",
        ALLOWED_HOSTS="lty.example.gov.cn",
        ID_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ID_HASH_KEY="check-only",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith("ok"), result.stdout[-2000:] + result.stderr[-3000:]

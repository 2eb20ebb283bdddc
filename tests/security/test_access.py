"""Access and secrets: lockout with cool-off, strong passwords, expiring sessions, CSRF,
security headers and the Content Security Policy, hashed API tokens."""

import datetime as dt
import json
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from core.access import Role

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
LOCKED = "登录失败次数过多，账户已暂时锁定"


def fail_login(client, username, times):
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "wrong-guess"})
    return response


def test_login_page_locks_out_after_repeated_failures_even_with_the_right_password(official):
    client = Client()
    response = fail_login(client, official.username, settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # During the cool-off even the right password is refused, with the same message.
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 429
    assert f"{settings.AXES_COOLOFF_MINUTES} 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_cool_off(official):
    from axes.models import AccessAttempt

    client = Client()
    fail_login(client, official.username, settings.AXES_FAILURE_LIMIT)
    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets(official):
    client = Client()
    fail_login(client, official.username, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    # The count started again after the success.
    response = fail_login(client, official.username, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200


def test_lockout_of_one_address_does_not_lock_the_user_out_elsewhere(official):
    fail_login(Client(REMOTE_ADDR="10.0.0.9"), official.username, settings.AXES_FAILURE_LIMIT)
    response = Client(REMOTE_ADDR="10.0.0.10").post(
        reverse("login"), {"username": official.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_api_token_endpoint_locks_out_too(api_user):
    client = APIClient()
    url = "/api/v1/auth/token/"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": api_user.username, "password": "nope"})
        assert response.status_code in (401, 403)
        assert response.json()["detail"] == "用户名或密码错误"
    response = client.post(url, {"username": api_user.username, "password": "nope"})
    assert response.status_code == 429
    response = client.post(url, {"username": api_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "locked_out" and response.json()["status"] == 429
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1", "10"),
        ("1234567890123", "只包含数字"),
        ("password123", "太常见"),
    ],
)
def test_weak_passwords_are_refused(official, password, message):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password(password, official)
    assert any(message in text for text in error.value.messages)
    with pytest.raises(ValidationError):
        services.user_upsert(username=official.username, password=password)


def test_password_like_the_username_is_refused(make_user):
    user = make_user(Role.TOWNSHIP_OFFICIAL, username="zhangsanfeng")
    with pytest.raises(ValidationError):
        validate_password("zhangsanfeng1", user)
    validate_password("Lv-shui-qing-shan-2026", user)


def test_session_expires_after_inactivity_and_at_browser_close(client, official):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(official)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    # A session past its age is gone: the next request is sent to the login page.
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    # With a shared cache the session is read from it (cached_db) and the cache entry's own
    # timeout (the session's age) drops it: let it have passed too.
    store = import_module(settings.SESSION_ENGINE).SessionStore(client.session.session_key)
    if hasattr(store, "cache_key"):
        store._cache.delete(store.cache_key)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_forms_without_csrf_token_are_refused(official, village):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post(
        reverse("registry:village-update", args=[village.pk]), {"name": "改名村"}
    )
    assert response.status_code == 403
    village.refresh_from_db()
    assert village.name != "改名村"
    assert (
        Client(enforce_csrf_checks=True)
        .post(reverse("login"), {"username": official.username, "password": PASSWORD})
        .status_code
        == 403
    )


def test_session_authenticated_api_writes_need_csrf_too(official, township):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(official)
    body = {"township": township.pk, "code": "141028100299", "name": "新村"}
    response = client.post("/api/v1/villages/", body)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_security_headers_and_csp_on_every_page(client, official):
    client.force_login(official)
    for url in [reverse("login"), reverse("home"), reverse("registry:village-list")]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_api_docs_get_their_own_relaxed_policy_and_nothing_else_does(client, official):
    client.force_login(official)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/api/schema/")["Content-Security-Policy"]


def test_templates_and_static_hold_no_inline_script_or_handler():
    import re

    root = settings.BASE_DIR
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    style_attr = re.compile(r"\sstyle\s*=\s*[\"']|<style", re.I)
    offenders = []
    for path in (root / "templates").rglob("*.html"):
        if path.parent.name == "drf_spectacular":
            continue  # the API docs pages: their own relaxed policy (core.middleware)
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, style_attr):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(root)}: {pattern.pattern}")
    for path in (root / "static" / "js").rglob("*.js"):
        if re.search(r"\beval\(|new Function\(", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_api_tokens_are_hashed_expire_revoke_read_only_and_listed_in_admin(
    client, admin_user_, api_user
):
    token, raw = services.api_token_create(user=api_user, name="统计局")
    assert token.digest == ApiToken.hash(raw) and raw not in token.digest
    assert token.expires_at > timezone.now() + dt.timedelta(days=300)
    assert not token.can_write
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/villages/").status_code == 200
    assert api.post("/api/v1/villages/", {}).status_code == 403
    client.force_login(admin_user_)
    listing = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "统计局" in listing and token.prefix in listing and raw not in listing
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert api.get("/api/v1/villages/").status_code == 401


def test_axes_lockout_of_an_api_request_answers_the_problem_body(rf):
    """What django-axes answers an /api/ request it locked out: the API's one error shape."""
    from accounts.lockout import lockout_response

    response = lockout_response(rf.post("/api/v1/auth/token/"))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "locked_out" and body["status"] == 429
    assert LOCKED in body["detail"]

"""API tokens: hashed at rest, expiring, revocable, read-only unless granted."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from core.access import Role

pytestmark = pytest.mark.django_db


def client_with(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_token_is_stored_only_as_a_hash(api_user):
    token, raw = services.api_token_create(user=api_user, name="报表")
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert client_with(raw).get("/api/v1/villages/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_expired_and_revoked_tokens_are_refused(api_user):
    token, raw = services.api_token_create(user=api_user, name="报表")
    services.api_token_revoke(token=token)
    assert client_with(raw).get("/api/v1/villages/").status_code == 401
    token, raw = services.api_token_create(user=api_user, name="报表")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert client_with(raw).get("/api/v1/villages/").status_code == 401


def test_read_only_token_of_an_official_cannot_write(official, township):
    _, raw = services.api_token_create(user=official, name="只读")
    body = {"township": township.pk, "code": "141028100299", "name": "新村"}
    assert client_with(raw).post("/api/v1/villages/", body).status_code == 403
    _, raw = services.api_token_create(user=official, name="可写", can_write=True)
    assert client_with(raw).post("/api/v1/villages/", body).status_code == 201


def test_token_endpoint_exchanges_a_password(api_user):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": api_user.username, "password": "Test-password-2026"}
    )
    assert response.status_code == 201
    assert (
        client_with(response.json()["token"]).get("/api/v1/me/").json()["role"] == Role.API_CLIENT
    )


def test_token_endpoint_refuses_a_wrong_password(api_user):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": api_user.username, "password": "wrong"}
    )
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_token_look_up_reads_what_the_orm_reads(api_user, django_assert_num_queries):
    """The token and its user come from SQL built once (core.rows): the same row, the
    same user, in one query; an unknown digest is nobody."""
    from accounts.authentication import token_for_digest

    token, raw = services.api_token_create(user=api_user, name="报表")
    digest = ApiToken.hash(raw)
    for _ in range(2):  # built, then reused
        with django_assert_num_queries(1):
            ours = token_for_digest(digest)
        with django_assert_num_queries(0):
            assert ours.user.username == api_user.username
    orm = ApiToken.objects.select_related("user").filter(digest=digest).first()
    fields = [f.attname for f in ApiToken._meta.concrete_fields]
    assert [getattr(ours, f) for f in fields] == [getattr(orm, f) for f in fields]
    user_fields = [f.attname for f in type(api_user)._meta.concrete_fields]
    assert [getattr(ours.user, f) for f in user_fields] == [
        getattr(orm.user, f) for f in user_fields
    ]
    assert token_for_digest(ApiToken.hash(raw + "x")) is None
    with django_assert_num_queries(1):
        assert client_with(raw + "x").get("/api/v1/villages/").status_code == 401

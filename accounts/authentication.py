"""REST authentication by `Authorization: Token <token>` against hashed ApiToken rows.

The token's row and its user are read with SQL built once per process (core.rows): the
ORM's `select_related(...).first()` cost ~0.6 ms of compiling on every API request (issue
18, fifty users); the statement is the ORM's own, so it follows the models' migrations.
"""

import datetime as dt

from django.db import router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core.rows import cached_statement

from .models import ApiToken

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# A digest no token has (hex digests are lower case): the parameter the statement is built with.
_SENTINEL_DIGEST = "statement-template"


def _token_query(digest: str, alias: str):
    return ApiToken.objects.using(alias).select_related("user").filter(digest=digest)[:1]


def token_for_digest(digest: str) -> ApiToken | None:
    """The token with this digest and its user, as `_token_query(digest).first()` reads it."""
    alias = router.db_for_read(ApiToken)
    statement = cached_statement(
        ("api_token", alias), lambda: _token_query(_SENTINEL_DIGEST, alias), [_SENTINEL_DIGEST]
    )
    if statement is None:
        return next(iter(_token_query(digest, alias)), None)
    return next(iter(statement.rows(alias, [digest])), None)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_for_digest(ApiToken.hash(key))
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已吊销"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

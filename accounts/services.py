"""Every write to accounts: users and API tokens."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, User


@transaction.atomic
def user_upsert(
    *, username: str, password: str | None = None, validate_password: bool = True, **fields
) -> User:
    """Create or update a user; the password is checked by the configured validators."""
    from django.contrib.auth.password_validation import validate_password as check

    user = User.objects.filter(username=username).first() or User(username=username)
    for name, value in fields.items():
        setattr(user, name, value)
    if password is not None:
        if validate_password:
            check(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def api_token_create(
    *, user: User, name: str, days: int | None = None, can_write: bool = False
) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the raw token, which is never stored.

    Every token expires: after `days`, at most the role's lifetime (the default). A user
    holds at most API_TOKEN_MAX_PER_USER usable tokens; another is refused (not made by
    revoking the oldest, which would silently cut off a running integration).
    """
    max_days = ApiToken.max_days_for(user)
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        raise ValidationError(
            _("令牌有效期须为 1 至 %(max)s 天（%(role)s）。")
            % {"max": max_days, "role": user.get_role_display() or user.role}
        )
    # The user's row serialises concurrent requests, so the cap holds under a burst.
    User.objects.select_for_update().filter(pk=user.pk).first()
    cap = settings.API_TOKEN_MAX_PER_USER
    if user.api_tokens.usable().count() >= cap:
        raise ValidationError(
            _("每个用户最多 %(cap)s 个有效令牌，请先吊销不用的令牌（管理后台“接口令牌”）。")
            % {"cap": cap}
        )
    raw = ApiToken.generate()
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[4:12],
        digest=ApiToken.hash(raw),
        can_write=can_write,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean(exclude=["digest"])
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_for_user(*, user: User) -> int:
    """Revoke every usable token of the user (password changed, account deactivated)."""
    return user.api_tokens.usable().update(revoked_at=timezone.now())

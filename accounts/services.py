"""Every write to accounts: users and API tokens."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

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
    *, user: User, name: str, days: int | None = 365, can_write: bool = False
) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the raw token, which is never stored."""
    raw = ApiToken.generate()
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[4:12],
        digest=ApiToken.hash(raw),
        can_write=can_write,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    token.full_clean(exclude=["digest"])
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token

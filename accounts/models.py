"""Users with a role and a scope (county, township, department), and hashed API tokens."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import Role
from registry.models import County, Township

from .choices import Department


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("县(市、区)")
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("乡镇")
    )
    department = models.CharField(
        _("联审部门"), max_length=24, choices=Department.choices, blank=True
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        errors = {}
        if self.role == Role.TOWNSHIP_OFFICIAL and not self.township_id:
            errors["township"] = _("乡镇工作人员必须指定乡镇")
        if self.role in {Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER, Role.DEPARTMENT_REVIEWER}:
            if not self.county_id:
                errors["county"] = _("该角色必须指定县(市、区)")
        if self.role == Role.DEPARTMENT_REVIEWER and not self.department:
            errors["department"] = _("联审部门人员必须指定部门")
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            errors["township"] = _("乡镇不属于所选的县")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.township_id and not self.county_id:
            self.county_id = self.township.county_id
        if self.is_superuser and not self.role:
            self.role = Role.ADMIN
        # set_password() keeps the new password in _password until saved; Django's rehash on
        # login clears it first, so only a real change (any door: services, the admin's
        # password form, `changepassword`) gets here with it set.
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            # A token must not outlive the password it was obtained with, nor the account.
            from .services import api_tokens_revoke_for_user

            api_tokens_revoke_for_user(user=self)

    @property
    def is_admin(self) -> bool:
        from core.policy import is_admin

        return is_admin(self)

    @property
    def can_see_id_numbers(self) -> bool:
        """Whole ID numbers are shown only to the roles that enter and check them; what the
        other roles see instead (last four, age, no birth date) is people/privacy.py's."""
        from core.policy import can_see_id_numbers

        return can_see_id_numbers(self)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A REST client's token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(_("允许写入"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "lty_" + secrets.token_urlsafe(32)

    @staticmethod
    def max_days_for(user: User) -> int:
        """The longest lifetime a token of this user's role may have (API_TOKEN_MAX_DAYS)."""
        limits = settings.API_TOKEN_MAX_DAYS
        return limits.get(user.role, limits["*"])

    def clean(self):
        super().clean()
        if not self.user_id:
            return
        max_days = self.max_days_for(self.user)
        issued = self.created_at or timezone.now()
        if self.expires_at is None or self.expires_at > issued + dt.timedelta(days=max_days):
            raise ValidationError(
                {
                    "expires_at": _("令牌有效期须为 1 至 %(max)s 天（%(role)s）。")
                    % {"max": max_days, "role": self.user.get_role_display() or self.user.role}
                }
            )

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

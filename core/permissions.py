"""The doors' role checks, for pages and API alike; both ask `core.policy.has_role`.

A view (page or API) declares `read_roles` and `write_roles`; `RolePermission` (DRF) and
`RoleRequiredMixin` (pages) read them. Which rows a user then sees is `ScopedQuerySet.for_user`.
"""

from django.contrib.auth.mixins import AccessMixin
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .policy import has_role
from .roles import API_READ_ROLES, EDITOR_ROLES, STAFF_ROLES, Role

READ_ONLY_TOKEN = _("此令牌只读，不能写入：请用可写令牌（create_api_token --write）")


class RolePermission(BasePermission):
    """API: reads for `read_roles`, writes for `write_roles` with a token that may write."""

    def has_permission(self, request, view):
        user = request.user
        if request.method in SAFE_METHODS:
            return has_role(user, getattr(view, "read_roles", API_READ_ROLES))
        if request.auth is not None and not getattr(request.auth, "can_write", False):
            # Say why (DRF answers with the permission's message and code).
            self.message, self.code = READ_ONLY_TOKEN, "read_only_token"
            return False
        if getattr(user, "role", None) == Role.API_CLIENT and not request.auth:
            return False
        return has_role(user, getattr(view, "write_roles", EDITOR_ROLES))


class ReadByPostPermission(RolePermission):
    """A read that is POSTed so that what it searches for stays out of URLs (an ID number):
    `read_roles`, read-only tokens included (people `POST /api/v1/people/search/`)."""

    def has_permission(self, request, view):
        return has_role(request.user, getattr(view, "read_roles", API_READ_ROLES))


class RoleRequiredMixin(AccessMixin):
    """Pages: GET/HEAD for `read_roles`, anything else for `write_roles`."""

    read_roles = STAFF_ROLES
    write_roles = EDITOR_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        roles = self.read_roles if request.method in ("GET", "HEAD") else self.write_roles
        if not has_role(request.user, roles):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

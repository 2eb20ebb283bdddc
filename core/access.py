"""Who may see and change what: the roles and the one row-scoping rule.

Every page and every API endpoint reads through `ScopedQuerySet.for_user(user)` and checks
roles through `accounts.permissions`; nothing else decides access.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COUNTY_ORGANIZER = "county_organizer", _("县委组织部")
    COUNTY_VIEWER = "county_viewer", _("县级查看")
    TOWNSHIP_OFFICIAL = "township_official", _("乡镇工作人员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("联审部门")
    API_CLIENT = "api_client", _("接口客户端")


ALL_ROLES = frozenset(Role)
# People who work in the portal's pages on the registry, elections and statistics.
STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER, Role.TOWNSHIP_OFFICIAL}
)
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL})
COUNTY_ROLES = frozenset({Role.ADMIN, Role.COUNTY_ORGANIZER})
API_READ_ROLES = STAFF_ROLES | {Role.API_CLIENT}


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows the path from its rows to their county and township.

    Subclasses set `county_lookup` and `township_lookup` (ORM paths to the county and the
    township primary key; `None` where a row has no township, which hides it from officials).
    """

    county_lookup: str = "county"
    township_lookup: str | None = "township"

    def for_user(self, user):
        """The rows `user` may see: all for administrators, their county for county roles,
        department reviewers and county-bound API clients, their township for officials."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = getattr(user, "role", None)
        if user.is_superuser or role == Role.ADMIN:
            return self.all()
        if role == Role.TOWNSHIP_OFFICIAL:
            if not user.township_id or self.township_lookup is None:
                return self.none()
            return self.filter(**{self.township_lookup: user.township_id})
        if user.county_id:
            return self.filter(**{self.county_lookup: user.county_id})
        if role == Role.API_CLIENT:
            return self.all()
        return self.none()


def can_edit_township(user, township) -> bool:
    """Whether `user` may change data that belongs to `township` (a Township instance)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    role = getattr(user, "role", None)
    if user.is_superuser or role == Role.ADMIN:
        return True
    if role == Role.COUNTY_ORGANIZER:
        return township.county_id == user.county_id
    if role == Role.TOWNSHIP_OFFICIAL:
        return township.pk == user.township_id
    return False


def ensure_can_edit_township(user, township) -> None:
    """Raise PermissionDenied unless `user` may change `township`'s data. `None` is the system."""
    from django.core.exceptions import PermissionDenied

    if user is not None and not can_edit_township(user, township):
        raise PermissionDenied(_("您只能修改本乡镇的数据"))

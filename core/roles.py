"""The portal's roles and the sets of them that doors are opened to (core/policy.py uses them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COUNTY_ORGANIZER = "county_organizer", _("县委组织部")
    COUNTY_VIEWER = "county_viewer", _("县级查看")
    TOWNSHIP_OFFICIAL = "township_official", _("乡镇工作人员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("联审部门")
    API_CLIENT = "api_client", _("接口客户端")
    LIAISON_LEADER = "liaison_leader", _("县级包联领导")


ALL_ROLES = frozenset(Role)
# People who work in the portal's pages on the registry, elections and statistics.
STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER, Role.TOWNSHIP_OFFICIAL}
)
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL})
COUNTY_ROLES = frozenset({Role.ADMIN, Role.COUNTY_ORGANIZER})
API_READ_ROLES = STAFF_ROLES | {Role.API_CLIENT}

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "role",
        "county",
        "township",
        "department",
        "is_active",
    ]
    list_filter = ["role", "county", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ["full_name", "role", "county", "township", "department"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ["full_name", "role", "county", "township", "department"]}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "can_write",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["can_write"]
    # The holder and the expiry are set when the token is issued, within the role's lifetime
    # (API_TOKEN_MAX_DAYS); the admin may revoke a token, never stretch it or hand it over.
    readonly_fields = ["user", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = [
        "user",
        "name",
        "can_write",
        "expires_at",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        # Tokens are issued through the API or `manage.py create_api_token`, which show the
        # raw token once; the admin could not show it.
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token)

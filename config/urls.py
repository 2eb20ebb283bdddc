"""URLs: one include per app for pages and one for its API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api import api_not_found
from core.views import health

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("people.api.urls")),
    path("", include("elections.api.urls")),
    path("", include("candidates.api.urls")),
    path("", include("training.api.urls")),
    path("", include("rounds.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("composition.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("core.sync_api")),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("people/", include("people.urls")),
    path("elections/", include("elections.urls")),
    path("candidates/", include("candidates.urls")),
    path("training/", include("training.urls")),
    path("rounds/", include("rounds.urls")),
    path("reports/", include("reports.urls")),
    path("composition/", include("composition.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/v1/", include(api_v1)),
    # an unknown API address: a problem+json 404, not the HTML page
    re_path(r"^api/v1/", api_not_found, name="api-not-found"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler500 = "core.views.server_error"  # the 500 page in the user's language, without the DB

admin.site.site_header = _("领头雁 · 村(社区)“两委”换届管理")
admin.site.site_title = _("领头雁")
admin.site.index_title = _("数据管理")

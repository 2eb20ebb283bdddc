from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditIndexView.as_view(), name="index"),
    path("id-numbers/", views.IdNumberViewsView.as_view(), name="id-numbers"),
    path(
        "id-numbers/export.xlsx",
        views.IdNumberViewsExportView.as_view(),
        name="id-numbers-export",
    ),
    path("<str:model>/", views.AuditHistoryView.as_view(), name="history"),
    path("<str:model>/export.xlsx", views.AuditExportView.as_view(), name="export"),
]

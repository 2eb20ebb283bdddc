from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditIndexView.as_view(), name="index"),
    path("<str:model>/", views.AuditHistoryView.as_view(), name="history"),
    path("<str:model>/export.xlsx", views.AuditExportView.as_view(), name="export"),
]

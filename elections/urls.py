from django.urls import path, re_path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.ElectionListView.as_view(), name="election-list"),
    path("new/", views.ElectionFormView.as_view(), name="election-create"),
    path("<int:pk>/", views.ElectionDetailView.as_view(), name="election-detail"),
    path("<int:pk>/edit/", views.ElectionFormView.as_view(), name="election-update"),
    path("<int:pk>/confirm/", views.ElectionConfirmView.as_view(), name="election-confirm"),
    path("<int:pk>/<slug:step>/", views.ElectionStepView.as_view(), name="election-step"),
    path("seats/", views.SeatListView.as_view(), name="seat-list"),
    path("seats/<int:pk>/end/", views.SeatEndView.as_view(), name="seat-end"),
    re_path(
        r"^export/(?P<what>results|seats)\.(?P<fmt>csv|xlsx)$",
        views.ExportView.as_view(),
        name="export",
    ),
    path("roster/", views.RosterImportView.as_view(), name="roster-import"),
    path("roster/template/", views.RosterTemplateView.as_view(), name="roster-template"),
    path("roster/jobs/<int:pk>/", views.ImportJobView.as_view(), name="import-job"),
    path(
        "roster/jobs/<int:pk>/import/",
        views.ImportJobImportView.as_view(),
        name="import-job-import",
    ),
    path(
        "roster/jobs/<int:pk>/cancel/",
        views.ImportJobCancelView.as_view(),
        name="import-job-cancel",
    ),
    path(
        "roster/jobs/<int:pk>/status/",
        views.ImportJobStatusView.as_view(),
        name="import-job-status",
    ),
]

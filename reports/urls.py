from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("village/<int:pk>/<int:year>/", views.VillageDetailView.as_view(), name="village"),
    path(
        "village/<int:pk>/<int:year>/representatives/upload/",
        views.GroupsUploadView.as_view(),
        name="groups-upload",
    ),
    path(
        "township/<int:pk>/<int:year>/election-details/upload/",
        views.ElectionDetailsUploadView.as_view(),
        name="details-upload",
    ),
    path(
        "filing/<int:pk>/<int:year>/<slug:step>/",
        views.FilingActionView.as_view(),
        name="filing-action",
    ),
    path("county/<int:year>/file/", views.CountyFileView.as_view(), name="county-file"),
    path("filed/<slug:kind>/<int:pk>.xlsx", views.FiledWorkbookView.as_view(), name="filed-xlsx"),
    path("<str:code>/<int:year>/", views.ReportView.as_view(), name="report"),
]

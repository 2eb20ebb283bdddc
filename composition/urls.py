from django.urls import path

from . import views

app_name = "composition"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("table/", views.TableView.as_view(), name="table"),
    path("villages/<str:code>/", views.VillageTeamView.as_view(), name="village"),
]

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="person-list"),
    path("new/", views.PersonFormView.as_view(), name="person-create"),
    path("search/", views.PersonSearchView.as_view(), name="person-search"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<int:pk>/edit/", views.PersonFormView.as_view(), name="person-update"),
]

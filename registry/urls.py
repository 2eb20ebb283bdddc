from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("villages/", views.VillageListView.as_view(), name="village-list"),
    path("villages/new/", views.VillageFormView.as_view(), name="village-create"),
    path("villages/import/", views.VillageImportView.as_view(), name="village-import"),
    path("villages/template.xlsx", views.VillageTemplateView.as_view(), name="village-template"),
    path("villages/<int:pk>/", views.VillageDetailView.as_view(), name="village-detail"),
    path("villages/<int:pk>/edit/", views.VillageFormView.as_view(), name="village-update"),
    path("terms/", views.TermListView.as_view(), name="term-list"),
    path("terms/new/", views.TermOpenView.as_view(), name="term-open"),
]

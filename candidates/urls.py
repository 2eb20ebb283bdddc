from django.urls import path

from . import papers, views

app_name = "candidates"
urlpatterns = [
    path("", views.CandidacyListView.as_view(), name="candidacy-list"),
    path("new/", views.CandidacyCreateView.as_view(), name="candidacy-create"),
    path("import/", views.CandidacyImportView.as_view(), name="candidacy-import"),
    path("template.xlsx", views.CandidacyTemplateView.as_view(), name="candidacy-template"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("review/export.xlsx", views.ReviewQueueExportView.as_view(), name="review-export"),
    path("funnel/", views.FunnelView.as_view(), name="funnel"),
    path("list/", papers.CandidateListView.as_view(), name="candidate-list"),
    path("<int:pk>/form/", papers.QualificationFormView.as_view(), name="qualification-form"),
    path("negative-list/", views.NegativeListView.as_view(), name="negative-list"),
    path("<int:pk>/", views.CandidacyDetailView.as_view(), name="candidacy-detail"),
    path("<int:pk>/edit/", views.CandidacyEditView.as_view(), name="candidacy-edit"),
    path("<int:pk>/decide/", views.CandidacyDecideView.as_view(), name="candidacy-decide"),
    path("<int:pk>/withdraw/", views.CandidacyWithdrawView.as_view(), name="candidacy-withdraw"),
    path("<int:pk>/replace/", views.CandidacyReplaceView.as_view(), name="candidacy-replace"),
    path("<int:pk>/sign-off/", views.SignOffView.as_view(), name="sign-off"),
    path("sign-offs/<int:pk>/clear/", views.ClearFlagView.as_view(), name="flag-clear"),
]

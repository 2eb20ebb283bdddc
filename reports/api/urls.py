from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "reports/election-details", views.ElectionDetailViewSet, basename="report-election-detail"
)
router.register(
    "reports/village-details", views.VillageDetailViewSet, basename="report-village-detail"
)
router.register(
    "reports/representatives", views.RepresentativeViewSet, basename="report-representative"
)
router.register("reports/recalls", views.RecallViewSet, basename="report-recall")
router.register("reports/by-elections", views.ByElectionViewSet, basename="report-by-election")
router.register("reports/filings", views.FilingViewSet, basename="report-filing")
urlpatterns = router.urls + [
    path("reports/<str:code>/<int:year>/", views.ReportView.as_view(), name="report-forms"),
]

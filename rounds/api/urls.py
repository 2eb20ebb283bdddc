from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("rounds/problems", views.ProblemViewSet, basename="rounds-problem")
router.register("rounds/visits", views.VisitViewSet, basename="rounds-visit")
router.register("rounds/talks", views.TalkViewSet, basename="rounds-talk")
router.register("rounds/liaisons", views.LiaisonViewSet, basename="rounds-liaison")
router.register("rounds/reports", views.ReportViewSet, basename="rounds-report")
router.register("rounds/units", views.UnitViewSet, basename="rounds-unit")
router.register("rounds/teams", views.TeamViewSet, basename="rounds-team")
router.register("rounds/screenings", views.ScreeningViewSet, basename="rounds-screening")
router.register("rounds/key-persons", views.KeyPersonViewSet, basename="rounds-key-person")
urlpatterns = [
    path("rounds/board/", views.BoardView.as_view(), name="rounds-board"),
    *router.urls,
]

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("elections", views.ElectionViewSet, basename="election")
router.register("election-results", views.ResultViewSet, basename="election-result")
router.register("seats", views.SeatViewSet, basename="seat")
urlpatterns = router.urls

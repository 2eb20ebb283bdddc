from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("audit/history", views.HistoryViewSet, basename="audit-history")
urlpatterns = router.urls

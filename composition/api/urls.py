from rest_framework.routers import SimpleRouter

from .views import CompositionViewSet

router = SimpleRouter()
router.register("composition", CompositionViewSet, basename="composition")
urlpatterns = router.urls

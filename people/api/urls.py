from rest_framework.routers import SimpleRouter

from .views import PersonViewSet

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("counties", views.CountyViewSet, basename="county")
router.register("townships", views.TownshipViewSet, basename="township")
router.register("villages", views.VillageViewSet, basename="village")
router.register("terms", views.TermViewSet, basename="term")
urlpatterns = router.urls

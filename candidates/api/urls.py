from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("candidacies", views.CandidacyViewSet, basename="candidacy")
router.register("candidacy-decisions", views.DecisionViewSet, basename="candidacy-decision")
router.register("sign-offs", views.SignOffViewSet, basename="sign-off")
router.register("negative-list", views.NegativeListViewSet, basename="negative-list-item")
router.register("candidacy-funnel", views.FunnelViewSet, basename="candidacy-funnel")
router.register("review-departments", views.ReviewDepartmentViewSet, basename="review-department")
urlpatterns = router.urls

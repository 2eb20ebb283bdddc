from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("training/sessions", views.TrainingSessionViewSet, basename="training-session")
router.register("training/enrolments", views.EnrolmentViewSet, basename="training-enrolment")
router.register("training/records", views.TrainingRecordViewSet, basename="training-record")
router.register("training/mentors", views.MentorViewSet, basename="training-mentor")
router.register("training/mentorships", views.MentorshipViewSet, basename="training-mentorship")
router.register("training/coverage", views.CoverageViewSet, basename="training-coverage")
urlpatterns = router.urls

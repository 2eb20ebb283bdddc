from django.urls import path

from .views import attendance, coverage, mentoring, sessions

app_name = "training"
urlpatterns = [
    path("", sessions.SessionListView.as_view(), name="session-list"),
    path("sessions/new/", sessions.SessionFormView.as_view(), name="session-create"),
    path("sessions/<int:pk>/", sessions.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", sessions.SessionFormView.as_view(), name="session-update"),
    path(
        "sessions/<int:pk>/do/<slug:action>/",
        sessions.SessionActionView.as_view(),
        name="session-action",
    ),
    path("sessions/<int:pk>/roll-call/", attendance.RollCallView.as_view(), name="roll-call"),
    path(
        "sessions/<int:pk>/attendance/upload/",
        attendance.AttendanceUploadView.as_view(),
        name="attendance-upload",
    ),
    path(
        "sessions/<int:pk>/attendance/template.xlsx",
        attendance.AttendanceTemplateView.as_view(),
        name="attendance-template",
    ),
    path(
        "sessions/<int:pk>/attendance.xlsx",
        attendance.AttendanceExportView.as_view(),
        name="attendance-export",
    ),
    path(
        "enrolments/<int:pk>/<slug:action>/",
        attendance.EnrolmentActionView.as_view(),
        name="enrolment-action",
    ),
    path("coverage/", coverage.CoverageView.as_view(), name="coverage"),
    path("mentors/", mentoring.MentorPoolView.as_view(), name="mentor-pool"),
    path("mentors/<int:pk>/toggle/", mentoring.MentorToggleView.as_view(), name="mentor-toggle"),
    path("mentorships/", mentoring.MentorshipListView.as_view(), name="mentorship-list"),
    path("mentorships/new/", mentoring.MentorshipCreateView.as_view(), name="mentorship-create"),
    path(
        "mentorships/<int:pk>/",
        mentoring.MentorshipDetailView.as_view(),
        name="mentorship-detail",
    ),
]

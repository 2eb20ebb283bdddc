from django.urls import path

from .views import board, ledger, liaison, plan, reports, visits

app_name = "rounds"
urlpatterns = [
    path("", board.BoardView.as_view(), name="board"),
    path("board.xlsx", board.BoardExportView.as_view(), name="board-xlsx"),
    path("mine/", board.MyVillagesView.as_view(), name="mine"),
    path("plan/", plan.PlanView.as_view(), name="plan"),
    path("villages/<int:pk>/", board.VillageRoundView.as_view(), name="village"),
    path("villages/<int:pk>/screening/", visits.ScreeningView.as_view(), name="screening"),
    path("problems/", ledger.ProblemListView.as_view(), name="problem-list"),
    path("problems.xlsx", ledger.ProblemExportView.as_view(), name="problem-xlsx"),
    path("problems/upload/", ledger.UploadView.as_view(), name="problem-upload"),
    path("problems/<int:pk>/", ledger.ProblemDetailView.as_view(), name="problem-detail"),
    path("visits/", visits.VisitListView.as_view(), name="visit-list"),
    path("visits.xlsx", visits.VisitExportView.as_view(), name="visit-xlsx"),
    path("visits/upload/", ledger.VisitUploadView.as_view(), name="visit-upload"),
    path("talks/", visits.TalkListView.as_view(), name="talk-list"),
    path("talks.xlsx", visits.TalkExportView.as_view(), name="talk-xlsx"),
    path("liaison/", liaison.LiaisonView.as_view(), name="liaison"),
    path("liaison.xlsx", liaison.LiaisonExportView.as_view(), name="liaison-xlsx"),
    path("reports/", reports.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/opened/", reports.ReportOpenedView.as_view(), name="report-opened"),
    path("reports/<int:pk>.xlsx", reports.ReportExportView.as_view(), name="report-xlsx"),
]

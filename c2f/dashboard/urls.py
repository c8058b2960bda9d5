from django.urls import path

from . import reorders, reports, views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cycles/<int:number>/", views.CycleView.as_view(), name="cycle"),
    path("cycles/<int:number>/run/", views.CycleRunView.as_view(), name="cycle_run"),
    path("cycles/<int:number>/report/", reports.CycleReportView.as_view(), name="cycle_report"),
    path("cycles/<int:number>/report.csv", reports.CycleReportCsvView.as_view(), name="cycle_report_csv"),
    path("cycles/<int:number>/report/refresh/", reports.CycleReportRefreshView.as_view(), name="cycle_report_refresh"),
    path("cycles/compare/", reports.CycleCompareView.as_view(), name="cycle_compare"),
    path("reorders/", reorders.ReordersView.as_view(), name="reorders"),
    path(
        "reorders/decisions/<int:pk>/<str:move>/", reorders.ReorderDecisionMoveView.as_view(), name="reorder_decision_move"
    ),
    path("tasks/<int:pk>/progress/", views.TaskProgressView.as_view(), name="task_progress"),
]

from django.urls import path

from . import reorders, views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cycles/<int:number>/", views.CycleView.as_view(), name="cycle"),
    path("cycles/<int:number>/run/", views.CycleRunView.as_view(), name="cycle_run"),
    path("reorders/", reorders.ReordersView.as_view(), name="reorders"),
    path("tasks/<int:pk>/progress/", views.TaskProgressView.as_view(), name="task_progress"),
]

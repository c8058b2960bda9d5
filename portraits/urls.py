from django.urls import path

from . import views

app_name = "portraits"

urlpatterns = [
    path("", views.PortraitRunListView.as_view(), name="list"),
    path("runs/start/", views.PortraitRunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/", views.PortraitRunDetailView.as_view(), name="run"),
    path("segments/<int:pk>/", views.SegmentDetailView.as_view(), name="segment"),
    path("segments/<int:pk>/members.csv", views.SegmentExportView.as_view(), name="segment_export"),
    path("briefs/<int:pk>/", views.BriefDetailView.as_view(), name="brief"),
    path("briefs/<int:pk>/edit/", views.BriefEditView.as_view(), name="brief_edit"),
    path("briefs/<int:pk>/drop/", views.BriefDropView.as_view(), name="brief_drop"),
    path("briefs/<int:pk>/merge/", views.BriefMergeView.as_view(), name="brief_merge"),
    path("briefs/<int:pk>/concept/", views.BriefConceptCreateView.as_view(), name="brief_concept"),
]

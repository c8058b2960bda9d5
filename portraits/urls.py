from django.urls import path

from . import views

app_name = "portraits"

urlpatterns = [
    path("", views.PortraitRunListView.as_view(), name="list"),
    path("runs/<int:pk>/", views.PortraitRunDetailView.as_view(), name="run"),
    path("segments/<int:pk>/", views.SegmentDetailView.as_view(), name="segment"),
    path("briefs/<int:pk>/", views.BriefDetailView.as_view(), name="brief"),
    path("briefs/<int:pk>/concept/", views.BriefConceptCreateView.as_view(), name="brief_concept"),
]

from django.urls import path

from . import views, views_edit

app_name = "promotion"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("compare/", views.CampaignCompareView.as_view(), name="compare"),
    path("new/", views_edit.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views_edit.CampaignUpdateView.as_view(), name="edit"),
    path("<int:pk>/schedule/", views_edit.CampaignScheduleView.as_view(), name="schedule"),
    path("<int:pk>/cancel/", views_edit.CampaignCancelView.as_view(), name="cancel"),
    path("<int:pk>/end/", views_edit.CampaignEndView.as_view(), name="end"),
    path("<int:pk>/posts/new/", views_edit.PostCreateView.as_view(), name="post-create"),
    path("<int:pk>/exports/new/", views_edit.BulkExportCreateView.as_view(), name="export-create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post"),
    path("posts/<int:pk>/edit/", views_edit.PostUpdateView.as_view(), name="post-edit"),
    path("posts/<int:pk>/schedule/", views_edit.PostScheduleView.as_view(), name="post-schedule"),
    path("posts/<int:pk>/cancel/", views_edit.PostCancelView.as_view(), name="post-cancel"),
    path("links/<int:pk>/edit/", views_edit.TrackedLinkUpdateView.as_view(), name="link-edit"),
    path("exports/<int:pk>/download/", views_edit.BulkExportDownloadView.as_view(), name="export-download"),
    path("exports/<int:pk>/accept/", views_edit.BulkExportAcceptView.as_view(), name="export-accept"),
    path("exports/<int:pk>/refuse/", views_edit.BulkExportRefuseView.as_view(), name="export-refuse"),
]

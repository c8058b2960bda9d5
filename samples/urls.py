from django.urls import path

from . import views

app_name = "samples"

urlpatterns = [
    path("", views.VoteRoundListView.as_view(), name="list"),
    path("<int:pk>/", views.SampleDetailView.as_view(), name="detail"),
    path("<int:pk>/photos/", views.SamplePhotoAddView.as_view(), name="photo_add"),
    path("<int:pk>/rounds/new/", views.RoundOpenView.as_view(), name="round_open"),
    path("concept/<int:concept_pk>/new/", views.SampleCreateView.as_view(), name="sample_create"),
    path("photos/<int:pk>/", views.SamplePhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/thumb/", views.SamplePhotoView.as_view(thumbnail=True), name="photo_thumb"),
    path("panels/", views.PanelListView.as_view(), name="panels"),
    path("panels/<int:pk>/", views.PanelDetailView.as_view(), name="panel"),
    path("rounds/<int:pk>/", views.VoteRoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("rounds/<int:pk>/decide/", views.RoundDecideView.as_view(), name="round_decide"),
    path("invitations/<int:pk>/retry/", views.InvitationRetryView.as_view(), name="invitation_retry"),
]

from django.urls import path

from . import views

app_name = "samples"

urlpatterns = [
    path("", views.VoteRoundListView.as_view(), name="list"),
    path("<int:pk>/", views.SampleDetailView.as_view(), name="detail"),
    path("rounds/<int:pk>/", views.VoteRoundDetailView.as_view(), name="round"),
]

"""Public pages of link 4, mounted at /vote/: no login, a signed link is the credential."""

from django.urls import path

from . import public_views

app_name = "samples_vote"

urlpatterns = [
    path("<str:token>/", public_views.vote_page, name="vote"),
    path("<str:token>/photos/<int:pk>/<str:size>/", public_views.vote_photo, name="photo"),
]

from django.urls import path

from .public_views import post_media, tracked_link_redirect

urlpatterns = [
    path("m/<str:token>", post_media, name="post-media"),
    path("<slug:code>", tracked_link_redirect, name="tracked-link"),
]

from django.urls import path

from .public_views import tracked_link_redirect

urlpatterns = [
    path("<slug:code>", tracked_link_redirect, name="tracked-link"),
]
